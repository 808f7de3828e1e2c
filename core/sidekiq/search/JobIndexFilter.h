#pragma once
// A JobFilter compiled against one index snapshot. Terms on interned fields are decided once per
// distinct value (a glob over 40 class names, not over a million entries), so testing an entry is
// a few table lookups; only ~ terms read the entry's own text.
//
// What the index answers exactly, and what it cannot:
//   class= queue= error= jid= age> age< group= malformed   exact, as JobFilter::matches
//   error~   exact when the error message fits in the kept prefix (kJobIndexMessagePrefix, 1 KB: all
//            ordinary messages; the class is kept whole); otherwise a miss in the prefix is "maybe"
//   args~    exact when `args` fits in the kept prefix (64 bytes); otherwise "maybe"
//   text~    searches what the index keeps: jid, class, display class, queue, error class, the
//            message prefix and the args prefix. Unlike JobFilter it does not see key names,
//            timestamps, backtraces or other fields of the raw payload; a miss is "maybe" only when
//            args or the message were cut. (For a byte search of whole payloads scan Redis.)
// "maybe" entries can be confirmed by fetching the payload (fetchIndexedJob) and JobFilter::matches.
// Like JobFilter, ~ terms read the kept text as the filter's redactor shows it (JobFilter::redactWith).

#include "sidekiq/search/JobFilter.h"
#include "sidekiq/search/JobIndexEntry.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::sidekiq {

class JobIndexSnapshot;

class JobIndexFilter {
public:
    enum class Match : std::uint8_t { No, Yes, Maybe };

    // `now` in epoch seconds, for age terms. `filter` must outlive this.
    JobIndexFilter(const JobFilter& filter, const JobIndexSnapshot& snapshot, double now);

    bool empty() const { return m_terms.empty(); }
    Match test(const JobIndexBucket& bucket, const JobIndexEntry& entry) const;

private:
    struct Term {
        const JobFilterTerm* term; // in the JobFilter given to the constructor
        std::vector<std::uint8_t> classHit, queueHit, errorHit, groupHit; // per pool id
    };
    Match testTerm(const Term& term, const JobIndexBucket& bucket, const JobIndexEntry& entry) const;
    // Whether the entry's kept args or message, as the filter's redactor shows them, hold the needle.
    bool argsShow(const JobIndexBucket& bucket, const JobIndexEntry& entry, std::string_view needle) const;
    bool messageShows(const JobIndexBucket& bucket, const JobIndexEntry& entry, std::string_view needle) const;

    std::vector<Term> m_terms;
    double m_now = 0;
    const redaction::Redactor* m_redactor; // the JobFilter's; null: raw text
};

} // namespace kiq::sidekiq

#pragma once
// Finding a job in every place one deployment keeps jobs (in progress, queues, scheduled, retry,
// dead) by its JID or by a piece of its class, arguments or error. The fleet search runs one per
// deployment: the desktop's Ctrl+Shift+F, `kiqdesk-cli find`. The keys it reads are those of
// docs/sidekiq-data-model.md (`queues` and `queue:<name>`, `schedule`, `retry`, `dead`, `processes` and
// each process's work hash).
//
// A search goes in steps, each one read under the profile's load budget (redis/LoadBudget.h), so the
// caller lists hits as they come, shows progress, and other work on the same connection runs between
// steps:
//     JobSearch search(JobSearchQuery::anyOf(text), profile.loadBudget(), redactor);
//     while (!search.done()) {
//         for (auto& hit : search.step(client)) show(hit);
//         progress(search.progress());
//     }
// Nothing is written, and nothing is read twice on purpose. Sorted sets are walked by score with the
// (score, skip) cursor of the bulk executor, so a job leaving meanwhile (a retry that runs) does not
// make the walk skip its neighbours; queues from the push end, which workers do not take from, so a
// job pushed meanwhile shifts the walk back (hits already listed are not listed again) but none is
// skipped.
//
// Text matches what the operator is shown: arguments and error messages as the profile's redaction
// rules hide them (sidekiq/search/JobFilter.h), so a search cannot find out a hidden value.

#include "redis/Client.h"
#include "redis/LoadBudget.h"
#include "sidekiq/api/JobSets.h"
#include "sidekiq/model/JobRecord.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace kiq::redaction {
class Redactor;
}

namespace kiq::sidekiq {

struct JobSearchQuery {
    std::string jid; // a job with exactly this JID; empty: none
    std::string text; // lower-cased (ASCII): in the class, arguments, error class or message; empty: none

    static JobSearchQuery byJid(const std::string& jid);
    static JobSearchQuery byText(const std::string& text);
    // What the desktop's one search box means: the JID, or else the text (a JID has no spaces).
    static JobSearchQuery anyOf(const std::string& text);

    bool empty() const { return jid.empty() && text.empty(); }
    bool matches(const JobRecord& job, const redaction::Redactor* redactor) const;
    // False only when the raw payload cannot match (most jobs are skipped without being parsed).
    bool mayMatchRaw(std::string_view raw, const redaction::Redactor* redactor) const;
};

// Where a job was found. In this order a search reads them.
enum class JobPlace { Busy, Queue, Scheduled, Retry, Dead };
const char* placeName(JobPlace place); // "busy", "queue", "scheduled", "retry", "dead"
std::optional<JobSetKind> jobSetOf(JobPlace place); // the sorted set's kind; nullopt for Busy and Queue

struct JobSearchHit {
    JobPlace place;
    std::string container; // Queue: the queue's name; Busy: the process identity; else empty
    std::optional<double> score; // the sorted sets' score
    JobRecord job; // parsed from the payload as it is shown (redacted by the rules)
};

struct JobSearchProgress {
    long long examined = 0; // jobs looked at
    long long total = 0; // jobs there were when the search began (it may change meanwhile)
    std::size_t hits = 0;
    std::string reading; // "queue default", "dead", …: where the next step reads; empty when done
    bool done = false;
    bool truncated = false; // stopped at maxHits
    redis::LoadReport load; // the pacer's account (empty for an unlimited budget)
};

class JobSearch {
public:
    static constexpr std::size_t kDefaultMaxHits = 1000;
    static constexpr std::size_t kMostPerPage = 2000;

    // A null redactor matches and shows the raw text (the CLI's --no-redact).
    JobSearch(JobSearchQuery query, redis::LoadBudget budget, std::shared_ptr<const redaction::Redactor> redactor,
        std::size_t maxHits = kDefaultMaxHits);
    ~JobSearch();
    JobSearch(const JobSearch&) = delete;
    JobSearch& operator=(const JobSearch&) = delete;

    // One read (the first: the sizes of everything, then in-progress jobs; then one page of a queue or
    // set); the hits it found. Throws redis::Error (the search can be stepped again to retry the read).
    std::vector<JobSearchHit> step(redis::Client& client);
    bool done() const { return m_done; }
    JobSearchProgress progress() const;

private:
    struct Place {
        JobPlace place;
        std::string container; // the queue
    };
    void plan(redis::Client& client);
    void readBusy(redis::Client& client, std::vector<JobSearchHit>& hits);
    long long pageSize() const; // jobs per read: the pacer's, or 500 unlimited
    void readQueuePage(redis::Client& client, std::vector<JobSearchHit>& hits);
    void readSetPage(redis::Client& client, std::vector<JobSearchHit>& hits);
    void consider(JobPlace place, const std::string& container, std::optional<double> score, std::string_view raw,
        std::vector<JobSearchHit>& hits);
    void nextPlace();

    JobSearchQuery m_query;
    std::shared_ptr<const redaction::Redactor> m_redactor;
    std::unique_ptr<redis::LoadPacer> m_pacer; // null: unlimited
    std::size_t m_maxHits;
    bool m_planned = false;
    bool m_done = false;
    bool m_truncated = false;
    std::vector<Place> m_places; // still to read, front first
    long long m_offset = 0; // queues: the next index from the push end
    double m_cursorScore = 0; // sets: entries below are read, and m_skip of those at exactly it
    bool m_cursorStarted = false;
    long long m_skip = 0;
    long long m_examined = 0;
    long long m_total = 0;
    std::size_t m_hits = 0;
    std::unordered_set<std::string> m_seen; // "<place>\n<container>\n<payload>" of hits listed
};

} // namespace kiq::sidekiq

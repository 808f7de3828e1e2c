#pragma once
// Which jobs an operator means: "class=HardJob error~timeout age>2h". Parsed from one expression so
// the CLI, the filter bar and a saved bulk-operation cursor all say the same thing in the same words.
//
// Terms are separated by spaces; values with spaces are double-quoted ("a b", \" escapes a quote).
//   class=Name       display class (wrapped ActiveJob class, else class); * and ? are globs
//   queue=name       queue; globs allowed
//   error=Class      error_class; globs allowed
//   error~text       error class or message contains text (case-insensitive)
//   args~text        args JSON contains text (case-insensitive)
//   jid=abc…         exact JID
//   text~text        anywhere in the raw payload (case-insensitive)
//   age>30m age<2d   time since failed_at/enqueued_at/created_at (s, m, h, d)
//   group=<hex>      failure fingerprint (FailureFingerprint hash, as shown in the group view)
//   malformed        only entries that failed to parse
// All terms must match.
//
// Text terms (error~, args~, text~) match what the operator is shown: with redactWith(), messages,
// arguments and payloads as the profile's redaction rules hide them, so a filter cannot find out a
// hidden value ("args~hunter2" finds nothing where passwords are hidden; "args~REDACTED" finds the jobs
// that hide something).

#include "redis/Errors.h"
#include "sidekiq/model/JobRecord.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redaction {
class Redactor;
}

namespace kiq::sidekiq {

// A bad expression: where (0-based character) and what. what() says both with the expression, for
// the CLI; a filter bar shows position() and problem() next to the text the operator is editing.
class JobFilterError : public redis::UsageError {
public:
    JobFilterError(const std::string& expression, std::size_t position, const std::string& problem);
    std::size_t position() const { return m_position; }
    const std::string& problem() const { return m_problem; }

private:
    std::size_t m_position;
    std::string m_problem;
};

// One term of an expression, as JobFilter::parse reads it. The scan (JobFilter::matches) and the
// local index (JobIndexFilter) both evaluate these, so the grammar has one reader.
struct JobFilterTerm {
    enum class Field { Class, Queue, ErrorClass, ErrorText, ArgsText, Jid, Text, AgeAbove, AgeBelow, Group, Malformed };
    Field field;
    std::string value; // lower-cased (ASCII) for ~ terms
    double seconds = 0; // age terms
    unsigned long long group = 0; // group=
};

class JobFilter {
public:
    // Throws JobFilterError for a bad expression.
    static JobFilter parse(const std::string& expression);

    // Text terms match the text `redactor` shows (null, or inactive rules: the raw text, as the CLI's
    // --no-redact shows it). Shared, so copies of the filter and worker threads can keep it.
    void redactWith(std::shared_ptr<const redaction::Redactor> redactor);
    const redaction::Redactor* redactor() const { return m_redactor.get(); } // null when matching raw text
    bool readsText() const; // has an error~, args~ or text~ term: what redactWith() changes

    bool matches(const JobRecord& job, double nowSeconds) const;
    // False only when the raw payload cannot match: a text every match contains (the longest
    // literal of the terms) is missing. A search through the raw bytes, so scans can skip parsing
    // most non-matching jobs; candidates are still checked with matches().
    bool mayMatchRaw(std::string_view raw) const;
    const std::string& requiredText() const { return m_required; }
    bool empty() const { return m_terms.empty(); }
    const std::string& expression() const { return m_expression; }
    const std::vector<JobFilterTerm>& terms() const { return m_terms; }

private:
    using Field = JobFilterTerm::Field;
    using Term = JobFilterTerm;
    void chooseRequiredText();

    std::vector<Term> m_terms;
    std::string m_expression;
    std::string m_required; // lower-cased when m_requiredFolded
    bool m_requiredFolded = false;
    std::shared_ptr<const redaction::Redactor> m_redactor; // null: raw text
};

// Glob match with * and ? (no character classes), as the filter's = terms use it.
bool globMatch(std::string_view pattern, std::string_view text);
// The ~ terms' test: case-insensitive (ASCII) substring search with a lower-cased needle. Where the
// needle first occurs at or after `from`, or npos.
std::size_t findFolded(std::string_view haystack, std::string_view loweredNeedle, std::size_t from = 0);
inline bool containsFolded(std::string_view haystack, std::string_view loweredNeedle)
{
    return findFolded(haystack, loweredNeedle) != std::string_view::npos;
}
// Whether redacted text can hold the lowered needle where the raw text does not: only where it meets the
// mask ("[REDACTED]"), so when it has a bracket or is part of the mask's word.
bool mayMeetMask(std::string_view loweredNeedle);
// Whether `raw` as it is shown contains the lowered needle: `redact(raw)` when `redactor` is given, else
// `raw` itself. Redacts only when that can change the answer (the raw text holds the needle, or the
// needle may meet the mask), into `shown`, once, for the next term that reads the same text.
template <typename Redact>
bool shownContains(const redaction::Redactor* redactor, std::string_view raw, std::string_view loweredNeedle,
    std::optional<std::string>& shown, Redact&& redact)
{
    if (!redactor) return containsFolded(raw, loweredNeedle);
    if (!shown) {
        if (!mayMeetMask(loweredNeedle) && !containsFolded(raw, loweredNeedle)) return false;
        shown = redact(raw);
    }
    return containsFolded(*shown, loweredNeedle);
}
// The time a job's age is measured from: failed_at (retried_at when newer), else enqueued_at, else created_at.
std::optional<double> jobTime(const JobRecord& job);

} // namespace kiq::sidekiq

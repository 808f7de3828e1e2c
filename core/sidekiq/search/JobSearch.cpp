#include "sidekiq/search/JobSearch.h"

#include "redaction/Redaction.h"
#include "sidekiq/api/Processes.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/search/JobFilter.h"
#include "util/ThreadPriority.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace kiq::sidekiq {

namespace {

std::string lowered(std::string text)
{
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// JSON may write these escaped (\" \\ \/ \uXXXX), so the raw bytes need not contain them as typed.
bool mayBeEscaped(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return c == '"' || c == '\\' || c == '/' || u < 0x20 || u >= 0x80;
    });
}

std::size_t elementsOf(const redis::Reply& reply)
{
    return reply.isError() ? 0 : reply.asArray().size();
}

} // namespace

JobSearchQuery JobSearchQuery::byJid(const std::string& jid)
{
    return {jid, {}};
}

JobSearchQuery JobSearchQuery::byText(const std::string& text)
{
    return {{}, lowered(text)};
}

JobSearchQuery JobSearchQuery::anyOf(const std::string& text)
{
    JobSearchQuery q = byText(text);
    if (!text.empty() && text.find_first_of(" \t\n") == std::string::npos) q.jid = text;
    return q;
}

bool JobSearchQuery::matches(const JobRecord& job, const redaction::Redactor* redactor) const
{
    if (!jid.empty() && job.jid == jid) return true;
    if (text.empty()) return false;
    const redaction::Redactor* r = redactor && redactor->active() ? redactor : nullptr;
    if (containsFolded(job.displayClass, text) || containsFolded(job.className, text)) return true;
    if (job.errorClass && containsFolded(*job.errorClass, text)) return true;
    std::optional<std::string> message, args;
    if (job.errorMessage && shownContains(r, *job.errorMessage, text, message, [r](auto m) { return r->text(m); }))
        return true;
    return job.hasArgs && shownContains(r, job.argsJson(), text, args, [r](auto a) { return r->args(a); });
}

bool JobSearchQuery::mayMatchRaw(std::string_view raw, const redaction::Redactor* redactor) const
{
    if (!jid.empty() && raw.find(jid) != std::string_view::npos) return true;
    if (text.empty()) return false;
    if (mayBeEscaped(text)) return true;
    if (redactor && redactor->active() && mayMeetMask(text)) return true; // the mask may supply it
    return containsFolded(raw, text);
}

std::optional<JobSetKind> jobSetOf(JobPlace place)
{
    switch (place) {
    case JobPlace::Scheduled:
        return JobSetKind::Scheduled;
    case JobPlace::Retry:
        return JobSetKind::Retry;
    case JobPlace::Dead:
        return JobSetKind::Dead;
    default:
        return std::nullopt;
    }
}

const char* placeName(JobPlace place)
{
    if (const auto kind = jobSetOf(place)) return setName(*kind);
    return place == JobPlace::Busy ? "busy" : "queue";
}

JobSearch::JobSearch(JobSearchQuery query, redis::LoadBudget budget,
    std::shared_ptr<const redaction::Redactor> redactor, std::size_t maxHits)
    : m_query(std::move(query))
    , m_redactor(std::move(redactor))
    , m_maxHits(maxHits)
{
    redis::LoadPacer::rebudget(m_pacer, budget);
    m_done = m_query.empty();
}

JobSearch::~JobSearch() = default;

JobSearchProgress JobSearch::progress() const
{
    JobSearchProgress p;
    p.examined = m_examined;
    p.total = std::max(m_total, m_examined);
    p.hits = m_hits;
    p.done = m_done;
    p.truncated = m_truncated;
    if (!m_done && !m_places.empty()) {
        const Place& at = m_places.front();
        p.reading = placeName(at.place);
        if (!at.container.empty() && at.place == JobPlace::Queue) p.reading += " " + at.container;
    } else if (!m_done) {
        p.reading = m_planned ? placeName(JobPlace::Busy) : "sizes";
    }
    if (m_pacer) p.load = m_pacer->report();
    return p;
}

std::vector<JobSearchHit> JobSearch::step(redis::Client& client)
{
    std::vector<JobSearchHit> hits;
    if (m_done) return hits;
    const util::BackgroundPriority lowered(m_pacer != nullptr); // our parsing must not hold a Redis on this host
    if (!m_planned) {
        plan(client);
        readBusy(client, hits);
    } else if (m_places.empty()) {
        m_done = true;
    } else if (m_places.front().place == JobPlace::Queue) {
        readQueuePage(client, hits);
    } else {
        readSetPage(client, hits);
    }
    if (m_places.empty() && m_planned) m_done = true;
    return hits;
}

// The names of the queues and the size of everything, so progress has a total.
void JobSearch::plan(redis::Client& client)
{
    const auto first
        = client.pipeline({redis::Command("SMEMBERS").key(keys::kQueues), redis::Command("ZCARD").key(keys::kSchedule),
            redis::Command("ZCARD").key(keys::kRetry), redis::Command("ZCARD").key(keys::kDead)});
    std::vector<std::string> queues = first[0].throwIfError().asStringList();
    std::sort(queues.begin(), queues.end());
    std::vector<redis::Command> lengths;
    for (const auto& q : queues) lengths.push_back(redis::Command("LLEN").key(keys::queue(q)));
    const auto sizes = lengths.empty() ? std::vector<redis::Reply> {} : client.pipeline(lengths);
    for (std::size_t i = 0; i < queues.size(); ++i) {
        // A `queue:<name>` that is not a list is skipped here; the Queues page says what it is.
        if (sizes[i].isError()) continue;
        m_total += sizes[i].asInteger();
        m_places.push_back({JobPlace::Queue, queues[i]});
    }
    const JobPlace sets[] = {JobPlace::Scheduled, JobPlace::Retry, JobPlace::Dead};
    for (int i = 0; i < 3; ++i) {
        if (first[std::size_t(i) + 1].isError()) continue; // not a sorted set: nothing of ours to find there
        m_total += first[std::size_t(i) + 1].asInteger();
        m_places.push_back({sets[i], {}});
    }
    m_planned = true;
}

void JobSearch::readBusy(redis::Client& client, std::vector<JobSearchHit>& hits)
{
    const ProcessList processes = listProcesses(client);
    std::vector<std::string> identities;
    for (const auto& p : processes.live) identities.push_back(p.identity);
    for (const auto& busy : listBusyJobs(client, identities)) {
        ++m_total;
        consider(JobPlace::Busy, busy.identity, std::nullopt, busy.work.payload.raw, hits);
    }
}

long long JobSearch::pageSize() const
{
    return static_cast<long long>(m_pacer ? m_pacer->size(redis::LoadPacer::Read, kMostPerPage) : 500);
}

void JobSearch::readQueuePage(redis::Client& client, std::vector<JobSearchHit>& hits)
{
    const Place at = m_places.front();
    const auto probe = redis::LoadPacer::probeOf(client);
    const long long n = pageSize();
    const redis::Reply page = redis::LoadPacer::call(
        m_pacer.get(), redis::LoadPacer::Read, probe,
        [&] {
            return client.command(
                redis::Command("LRANGE").key(keys::queue(at.container)).arg(m_offset).arg(m_offset + n - 1));
        },
        elementsOf);
    if (page.isError()) { // the key changed type meanwhile: nothing more to find there
        nextPlace();
        return;
    }
    const auto& items = page.asArray();
    for (const auto& item : items) consider(JobPlace::Queue, at.container, std::nullopt, item.asString(), hits);
    if (m_truncated) return;
    m_offset += static_cast<long long>(items.size());
    if (static_cast<long long>(items.size()) < n) nextPlace();
}

void JobSearch::readSetPage(redis::Client& client, std::vector<JobSearchHit>& hits)
{
    const JobPlace place = m_places.front().place;
    const JobSetKind kind = *jobSetOf(place);
    const auto probe = redis::LoadPacer::probeOf(client);
    const long long n = pageSize();
    redis::Command c("ZRANGE");
    c.key(setKey(kind));
    if (m_cursorStarted)
        c.arg(m_cursorScore);
    else
        c.arg(std::string_view("-inf"));
    c.arg(std::string_view("+inf")).arg(std::string_view("BYSCORE"));
    c.arg(std::string_view("LIMIT")).arg(m_skip).arg(n).arg(std::string_view("WITHSCORES"));
    const redis::Reply page = redis::LoadPacer::call(
        m_pacer.get(), redis::LoadPacer::Read, probe, [&] { return client.command(c); },
        [](const redis::Reply& r) { return elementsOf(r) / 2; });
    if (page.isError()) {
        nextPlace();
        return;
    }
    const auto& items = page.asArray();
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        const double score = parseScore(items[i + 1].asString());
        consider(place, {}, score, items[i].asString(), hits);
        // The tie-safe cursor: everything below `score` is read, and m_skip members at exactly it.
        if (m_cursorStarted && score == m_cursorScore) {
            ++m_skip;
        } else {
            m_cursorScore = score;
            m_cursorStarted = true;
            m_skip = 1;
        }
    }
    if (!m_truncated && static_cast<long long>(items.size() / 2) < n) nextPlace();
}

void JobSearch::consider(JobPlace place, const std::string& container, std::optional<double> score,
    std::string_view raw, std::vector<JobSearchHit>& hits)
{
    ++m_examined;
    if (m_truncated || !m_query.mayMatchRaw(raw, m_redactor.get())) return;
    JobParseOptions options;
    options.decodeBacktrace = false;
    const JobRecord job = JobRecord::parse(std::string(raw), options);
    if (!m_query.matches(job, m_redactor.get())) return;
    std::string seen = std::string(placeName(place)) + "\n" + container + "\n" + std::string(raw);
    if (!m_seen.insert(std::move(seen)).second) return; // listed already: the queue shifted under the walk
    if (m_hits >= m_maxHits) {
        m_truncated = true;
        m_places.clear();
        return;
    }
    ++m_hits;
    const bool redacting = m_redactor && m_redactor->active();
    hits.push_back({place, container, score, redacting ? JobRecord::parse(m_redactor->payload(raw), options) : job});
}

void JobSearch::nextPlace()
{
    m_places.erase(m_places.begin());
    m_offset = 0;
    m_cursorStarted = false;
    m_cursorScore = 0;
    m_skip = 0;
}

} // namespace kiq::sidekiq

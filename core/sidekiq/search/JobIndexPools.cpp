#include "sidekiq/search/JobIndexPools.h"

#include "sidekiq/model/FailureFingerprint.h"
#include "sidekiq/model/Timestamp.h"
#include "sidekiq/search/JobFilter.h"

#include <algorithm>

namespace kiq::sidekiq {

namespace {
// At most maxBytes of `text`, never ending inside a UTF-8 sequence.
std::string_view cutUtf8(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes) return text;
    std::size_t cut = maxBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}
} // namespace

void JobIndexEntryList::add(JobIndexEntry e, std::string_view jid, std::string_view args, std::string_view message)
{
    e.textOffset = static_cast<std::uint32_t>(text.size());
    e.jidLength = static_cast<std::uint8_t>(jid.size());
    e.argsPrefixLength = static_cast<std::uint8_t>(args.size());
    e.messagePrefixLength = static_cast<std::uint16_t>(message.size());
    text.append(jid).append(args).append(message);
    entries.push_back(e);
}

void JobIndexEntryList::addFrom(const JobIndexEntry& e, const std::string& sourceText)
{
    const std::string_view all(
        sourceText.data() + e.textOffset, std::size_t(e.jidLength) + e.argsPrefixLength + e.messagePrefixLength);
    JobIndexEntry copy = e;
    copy.textOffset = static_cast<std::uint32_t>(text.size());
    text.append(all);
    entries.push_back(copy);
}

std::shared_ptr<const JobIndexBucket> JobIndexEntryList::toBucket(double lo, double hi) &&
{
    auto bucket = std::make_shared<JobIndexBucket>();
    bucket->lo = lo;
    bucket->hi = hi;
    bucket->entries = std::move(entries);
    bucket->text = std::move(text);
    bucket->entries.shrink_to_fit(); // growth slack would be ~30% of the index
    bucket->text.shrink_to_fit();
    entries = {};
    text = {};
    return bucket;
}

std::uint32_t JobIndexPools::groupFor(const FailureFingerprint& f)
{
    const auto [it, inserted] = m_groupIds.try_emplace(f.hash, 0);
    if (inserted)
        it->second = m_groups.append({f.hash, m_errors.intern(f.errorClass), m_messages.intern(f.normalizedMessage),
            m_classes.intern(f.displayClass)});
    return it->second;
}

void JobIndexPools::parseInto(JobIndexEntryList& out, double score, std::string raw, std::uint64_t hash, Time time)
{
    JobParseOptions options;
    options.decodeBacktrace = false; // decoded when a job is opened, never for the index
    options.argsDisplayChars = 0;
    const JobRecord job = JobRecord::parse(std::move(raw), options);
    JobIndexEntry e;
    e.score = score;
    e.payloadHash = hash;
    e.payloadBytes = static_cast<std::uint32_t>(std::min<std::size_t>(job.raw.size(), UINT32_MAX));
    e.classId = m_classes.intern(job.className);
    e.displayClassId = job.displayClass == job.className ? e.classId : m_classes.intern(job.displayClass);
    e.queueId = m_queues.intern(job.queue);
    if (job.errorClass) e.errorClassId = m_errors.intern(*job.errorClass);
    e.groupId = groupFor(FailureFingerprint::of(job));
    if (time == Time::Enqueued) {
        if (job.enqueuedAt)
            e.time = job.enqueuedAt->seconds();
        else if (job.createdAt)
            e.time = job.createdAt->seconds();
    } else if (const auto t = jobTime(job)) {
        e.time = *t;
    }
    if (job.retryCount)
        e.retryCount = static_cast<std::int32_t>(std::clamp<std::int64_t>(*job.retryCount, 0, INT32_MAX));
    if (!job.ok()) e.flags |= JobIndexEntry::ParseError;

    std::string_view args, message;
    if (job.hasArgs) {
        e.flags |= JobIndexEntry::HasArgs;
        const std::string_view all = job.argsJson();
        args = cutUtf8(all, kJobIndexArgsPrefix);
        if (args.size() < all.size()) e.flags |= JobIndexEntry::ArgsCut;
    }
    if (job.errorMessage) {
        e.flags |= JobIndexEntry::HasMessage;
        message = cutUtf8(*job.errorMessage, kJobIndexMessagePrefix);
        if (message.size() < job.errorMessage->size()) e.flags |= JobIndexEntry::MessageCut;
    }
    const std::string_view jid = cutUtf8(job.jid, kJobIndexJidMax);
    if (jid.size() < job.jid.size()) e.flags |= JobIndexEntry::JidCut;
    out.add(e, jid, args, message);
}

void JobIndexPools::publishInto(JobIndexSnapshot::Parts& parts)
{
    parts.classes = m_classes.publish();
    parts.queues = m_queues.publish();
    parts.errors = m_errors.publish();
    parts.messages = m_messages.publish();
    parts.groups = m_groups.publish();
    parts.poolBytes = m_classes.memoryBytes() + m_queues.memoryBytes() + m_errors.memoryBytes()
        + m_messages.memoryBytes() + m_groups.size() * (sizeof(JobIndexGroupKey) + 48);
}

void JobIndexPublisher::publish(JobIndexSnapshot::Parts parts)
{
    parts.refreshedAt = Timestamp::now().seconds();
    const std::lock_guard lock(m_mutex);
    parts.generation = ++m_generation;
    m_current = std::make_shared<const JobIndexSnapshot>(std::move(parts));
}

std::shared_ptr<const JobIndexSnapshot> JobIndexPublisher::current() const
{
    const std::lock_guard lock(m_mutex);
    return m_current;
}

} // namespace kiq::sidekiq

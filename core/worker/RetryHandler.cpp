#include "worker/RetryHandler.h"

#include "sidekiq/json/JsonText.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"

#include <algorithm>
#include <cmath>

namespace kiq::worker {

using redis::Command;
using sidekiq::Timestamp;

namespace {
constexpr std::size_t kMaxMessageChars = 10000; // job_retry.rb exception_message: [0, 10_000]

// The unit the job's own timestamps use (Sidekiq 8 writes integer ms, 6/7 float seconds).
Timestamp::Unit unitOf(const sidekiq::JobRecord& job)
{
    if (job.createdAt) return job.createdAt->unit();
    if (job.enqueuedAt) return job.enqueuedAt->unit();
    return Timestamp::Unit::Seconds;
}

Timestamp stamp(double nowSeconds, Timestamp::Unit unit)
{
    return unit == Timestamp::Unit::Milliseconds ? Timestamp::fromMillis(std::llround(nowSeconds * 1000.0))
                                                 : Timestamp::fromSeconds(nowSeconds);
}

std::vector<std::string> selectLines(const std::vector<std::string>& lines, const sidekiq::BacktraceOption& option)
{
    if (option.kind == sidekiq::BacktraceOption::Kind::All) return lines;
    // Ruby's backtrace[0...n]: a negative n counts from the end.
    const auto size = static_cast<std::int64_t>(lines.size());
    const std::int64_t end
        = option.lines >= 0 ? std::min(option.lines, size) : std::max<std::int64_t>(0, size + option.lines);
    return {lines.begin(), lines.begin() + end};
}
} // namespace

const char* outcomeName(FailureOutcome::Kind kind)
{
    switch (kind) {
    case FailureOutcome::Kind::Retry:
        return "retry";
    case FailureOutcome::Kind::Dead:
        return "dead";
    case FailureOutcome::Kind::Dropped:
        return "dropped";
    }
    return "dropped";
}

std::string sidekiqErrorMessage(std::string_view message)
{
    return std::string(sidekiq::json::prefixChars(sidekiq::json::scrubUtf8(message), kMaxMessageChars));
}

RetryHandler::RetryHandler(RetrySettings settings, std::uint64_t seed)
    : m_settings(settings)
    , m_rng(seed)
{
}

double RetryHandler::delayFor(std::int64_t count)
{
    const auto jitter = std::uniform_int_distribution<int>(0, 9)(m_rng) * (count + 1); // rand(10) * (count + 1)
    return std::pow(double(count), 4.0) + 15.0 + double(jitter);
}

std::vector<Command> RetryHandler::deadCommands(const std::string& payload, double nowSeconds) const
{
    return sidekiq::deadCommands(payload, nowSeconds, m_settings.dead);
}

FailureOutcome RetryHandler::unparseable(const std::string& raw, double nowSeconds) const
{
    FailureOutcome out;
    out.kind = FailureOutcome::Kind::Dead;
    out.payload = raw;
    out.score = nowSeconds;
    out.commands = deadCommands(raw, nowSeconds);
    out.reason = "invalid JSON: sent to the morgue unchanged";
    return out;
}

FailureOutcome RetryHandler::onFailure(const sidekiq::JobRecord& job, std::string_view fetchedQueue,
    const JobFailure& failure, bool classKnown, double nowSeconds)
{
    using Kind = sidekiq::RetryPolicy::Kind;
    FailureOutcome out;
    if (job.retry.kind == Kind::False || (job.retry.kind == Kind::Default && !classKnown)) {
        out.kind = FailureOutcome::Kind::Dropped;
        out.reason
            = job.retry.kind == Kind::False ? "retry: false, dropped" : "no retry option and unknown class, dropped";
        return out;
    }
    sidekiq::PayloadEditor editor(job.raw);
    if (!editor.ok()) return unparseable(job.raw, nowSeconds);

    editor.setString(
        "queue", job.retryQueue && !job.retryQueue->empty() ? std::string_view(*job.retryQueue) : fetchedQueue);
    editor.setString("error_message", sidekiqErrorMessage(failure.message));
    editor.setString("error_class", failure.errorClass);
    const Timestamp now = stamp(nowSeconds, unitOf(job));
    std::int64_t count = 0;
    if (const auto previous = editor.intValue("retry_count")) {
        count = *previous + 1;
        editor.setTimestamp("retried_at", now);
    } else {
        editor.setTimestamp("failed_at", now);
    }
    editor.setInt("retry_count", count);
    if (job.backtrace.kind != sidekiq::BacktraceOption::Kind::None)
        editor.setString(
            "error_backtrace", sidekiq::BacktraceCodec::encode(selectLines(failure.backtrace, job.backtrace)));

    out.retryCount = count;
    out.payload = editor.result();
    const std::int64_t max = job.retry.kind == Kind::Count ? job.retry.count : m_settings.maxRetries;
    if (count < max) {
        const double delay = delayFor(count);
        out.kind = FailureOutcome::Kind::Retry;
        out.score = nowSeconds + delay;
        out.commands = {Command("ZADD").key(sidekiq::keys::kRetry).arg(out.score).arg(out.payload)};
        out.reason = "retry " + std::to_string(count + 1) + " of " + std::to_string(max) + " in "
            + std::to_string(std::llround(delay)) + " s";
        return out;
    }
    if (job.dead && !*job.dead) {
        out.kind = FailureOutcome::Kind::Dropped;
        out.reason = "retries exhausted (" + std::to_string(max) + "), dead: false, dropped";
        return out;
    }
    out.kind = FailureOutcome::Kind::Dead;
    out.score = nowSeconds;
    out.commands = deadCommands(out.payload, nowSeconds);
    out.reason = "retries exhausted (" + std::to_string(max) + "), sent to the morgue";
    return out;
}

} // namespace kiq::worker

#include "sandbox/DemoData.h"

#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"

#include <cmath>
#include <ctime>
#include <random>

namespace kiq::sandbox {

using redis::Command;
using namespace kiq::sidekiq;

namespace {
struct DemoClass {
    const char* name;
    const char* queue;
    const char* args; // printf-style with one %d
};

constexpr DemoClass kClasses[] = {
    {"OrderMailer", "mailers", R"([%d,"order_confirmation"])"},
    {"Billing::ChargeCard", "critical", R"([{"customer_id":%d,"amount_cents":1999,"currency":"EUR"}])"},
    {"ImageResizeJob", "default", R"(["uploads/%d.jpg",{"width":640,"height":480}])"},
    {"SearchIndexer", "low", R"(["Product",%d])"},
    {"WebhookDeliveryJob", "default", R"(["https://hooks.example.com/orders",%d])"},
    {"Kiqdesk::Sleep", "default", R"([0.2,%d])"},
};

struct DemoError {
    const char* errorClass;
    const char* message; // one %d
};

constexpr DemoError kErrors[] = {
    {"Net::ReadTimeout", "Net::ReadTimeout with #<TCPSocket:(closed)> after %d attempts"},
    {"ActiveRecord::RecordNotFound", "Couldn't find Customer with 'id'=%d"},
    {"Stripe::CardError", "Your card was declined. (request req_%d)"},
    {"Faraday::ConnectionFailed",
        "Failed to open TCP connection to hooks.example.com:443 (Connection refused - connect(2) for %d)"},
};

std::string format(const char* pattern, int n)
{
    char buf[256];
    std::snprintf(buf, sizeof buf, pattern, n);
    return buf;
}

std::string job(const DemoClass& cls, int n, double createdAt)
{
    JobBuilder b(cls.name, format(cls.args, n));
    b.setQueue(cls.queue);
    b.setCreatedAt(Timestamp::fromSeconds(createdAt));
    b.setNow(Timestamp::fromSeconds(createdAt));
    return b.build().json;
}

std::string failed(const std::string& payload, const DemoError& err, int n, int retryCount, double failedAt)
{
    PayloadEditor e(payload);
    e.setString("error_class", err.errorClass);
    e.setString("error_message", format(err.message, n));
    e.setSeconds("failed_at", failedAt);
    e.setInt("retry_count", retryCount);
    if (retryCount > 0) e.setSeconds("retried_at", failedAt + 60.0 * retryCount);
    e.setInt("backtrace", 5);
    const std::vector<std::string> trace {
        "app/jobs/" + std::string(err.errorClass).substr(0, 8) + ".rb:42:in `perform'",
        "sidekiq-6.4.1/lib/sidekiq/processor.rb:196:in `execute_job'",
        "sidekiq-6.4.1/lib/sidekiq/processor.rb:164:in `block (2 levels) in process'",
        "sidekiq-6.4.1/lib/sidekiq/middleware/chain.rb:133:in `invoke'",
        "sidekiq-6.4.1/lib/sidekiq/processor.rb:163:in `block in process'"};
    e.setString("error_backtrace", BacktraceCodec::encode(trace));
    return e.result();
}
} // namespace

const std::vector<std::string>& demoJobClasses()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& c : kClasses) v.emplace_back(c.name);
        return v;
    }();
    return names;
}

DemoSummary seedDemoData(redis::Client& client, const DemoSize& size)
{
    std::mt19937 rng(20261123); // fixed: the demo looks the same every time
    const double now = Timestamp::now().seconds();
    std::vector<Command> cmds;
    DemoSummary summary;
    auto pick = [&](auto& array) -> const auto&
    {
        return array[rng() % std::size(array)];
    };

    for (const auto& cls : kClasses)
        cmds.push_back(Command("SADD").key(keys::kQueues).arg(std::string_view(cls.queue)));
    for (int i = 0; i < size.enqueued; ++i) {
        // Weighted towards "low", so one queue visibly lags behind.
        const DemoClass& cls = i % 3 == 0 ? kClasses[3] : pick(kClasses);
        cmds.push_back(
            Command("LPUSH").key(keys::queue(cls.queue)).arg(job(cls, 1000 + i, now - (size.enqueued - i) * 0.5)));
    }
    for (int i = 0; i < size.retries; ++i) {
        const DemoClass& cls = pick(kClasses);
        const int count = int(rng() % 8);
        const double failedAt = now - 3600.0 * (rng() % 48);
        const double nextTry = now + std::pow(count, 4) + 15 + 60.0 * (rng() % 120);
        cmds.push_back(Command("ZADD")
                           .key(keys::kRetry)
                           .arg(nextTry)
                           .arg(failed(job(cls, 5000 + i, failedAt - 30), pick(kErrors), 5000 + i, count, failedAt)));
    }
    for (int i = 0; i < size.dead; ++i) {
        const DemoClass& cls = i % 10 == 0 ? kClasses[1] : pick(kClasses);
        const double diedAt = now - 60.0 * (rng() % (60 * 24 * 20));
        cmds.push_back(
            Command("ZADD")
                .key(keys::kDead)
                .arg(diedAt)
                .arg(failed(job(cls, 9000 + i, diedAt - 86400), pick(kErrors), 9000 + i, 25, diedAt - 86400)));
    }
    for (int i = 0; i < size.scheduled; ++i) {
        const DemoClass& cls = pick(kClasses);
        JobBuilder b(cls.name, format(cls.args, 20000 + i));
        b.setQueue(cls.queue);
        b.setScheduled(true);
        cmds.push_back(Command("ZADD").key(keys::kSchedule).arg(now + 30.0 + 37.0 * i).arg(b.build().json));
    }
    // Thirty days of history, as Sidekiq's daily counters.
    long long processed = 0, failedTotal = 0;
    for (int d = 0; d < 30; ++d) {
        const std::time_t t = std::time_t(now) - std::time_t(d) * 86400;
        std::tm tm {};
        gmtime_r(&t, &tm);
        char date[16];
        std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
        const long long p = 20000 + (rng() % 15000), f = 150 + (rng() % 900);
        processed += p;
        failedTotal += f;
        cmds.push_back(Command("SET").key(keys::processedOn(date)).arg(p));
        cmds.push_back(Command("SET").key(keys::failedOn(date)).arg(f));
    }
    cmds.push_back(Command("INCRBY").key(keys::kProcessed).arg(processed));
    cmds.push_back(Command("INCRBY").key(keys::kFailed).arg(failedTotal));
    for (const auto& r : client.pipeline(cmds)) r.throwIfError();
    summary.jobsWritten = size.enqueued + size.retries + size.dead + size.scheduled;
    return summary;
}

} // namespace kiq::sandbox

#pragma once
// What the benchmarks share: Sidekiq 6.4-shaped dead jobs (about 1 KB with a compressed backtrace)
// seeded into a real server, the Ruby side's timing, and the tables' number formats.

#include "harness/RealSidekiq.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "util/FloatFormat.h"

#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace kiq::bench {

using redis::Command;
namespace BacktraceCodec = sidekiq::BacktraceCodec;
using util::formatRubyFloat;
namespace json = sidekiq::json;

// A private redis-server on a free loopback port and a client connected to it.
struct BenchServer {
    BenchServer()
        : client(options())
    {
        client.connect();
    }
    redis::ConnectionOptions options() const
    {
        redis::ConnectionOptions o;
        o.endpoint = {"127.0.0.1", server.port()};
        return o;
    }

    test::RedisServer server {test::RedisServer::Options {}};
    redis::Client client;
};

inline constexpr const char* kTargetClass = "ReportExportJob"; // 10% of the dead jobs
inline constexpr double kBase = 1790000000.0;

using Clock = std::chrono::steady_clock;
inline double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

template <typename Fn> double medianSeconds(int rounds, Fn fn)
{
    std::vector<double> t;
    for (int r = 0; r < rounds; ++r) {
        const auto start = Clock::now();
        fn();
        t.push_back(secondsSince(start));
    }
    return median(t);
}

struct ClassSpec {
    const char* cls;
    const char* queue;
    const char* errorClass;
    const char* message; // %d: job number
};
inline const ClassSpec kClasses[] = {
    {kTargetClass, "reports", "Timeout::Error", "execution expired after %d ms"},
    {"HardJob", "default", "Net::ReadTimeout", "Net::ReadTimeout with #<TCPSocket:(closed)>"},
    {"Billing::ChargeJob", "critical", "ActiveRecord::RecordNotFound", "Couldn't find Invoice with 'id'=%d"},
    {"Mailers::WelcomeEmailJob", "mailers", "Net::SMTPServerBusy", "454 4.7.0 Temporary authentication failure"},
    {"SyncInventoryJob", "default", "Faraday::ConnectionFailed",
        "Failed to open TCP connection to api.example.com:443"},
    {"WebhookDeliveryJob", "webhooks", "HTTP::TimeoutError", "Timed out after using the allocated 10 seconds"},
    {"ImageResizeJob", "media", "Errno::ENOENT", "No such file or directory @ rb_sysopen - /tmp/upload-%d.png"},
    {"SearchIndexJob", "low", "Elasticsearch::Transport::Transport::Errors::ServiceUnavailable", "[503] cluster busy"},
    {"CleanupJob", "low", "NoMethodError", "undefined method `destroy' for nil:NilClass"},
    {"NotifySlackJob", "default", "Slack::Web::Api::Errors::RateLimited", "ratelimited"},
};

// A dead job as Sidekiq 6.4 leaves it with `backtrace: true`: about 1 KB.
class PayloadFactory {
public:
    PayloadFactory()
    {
        // One backtrace per class, 40 frames through gems and the app, as `backtrace: true` keeps them.
        static const char* kFrames[] = {
            "/app/vendor/bundle/ruby/3.1.0/gems/activerecord-7.0.4/lib/active_record/relation/finder_methods.rb:%d:in "
            "`find_by!'",
            "/app/vendor/bundle/ruby/3.1.0/gems/activesupport-7.0.4/lib/active_support/callbacks.rb:%d:in `block in "
            "run_callbacks'",
            "/app/vendor/bundle/ruby/3.1.0/gems/sidekiq-6.4.1/lib/sidekiq/processor.rb:%d:in `execute_job'",
            "/app/vendor/bundle/ruby/3.1.0/gems/sidekiq-6.4.1/lib/sidekiq/middleware/chain.rb:%d:in `invoke'",
            "/app/vendor/bundle/ruby/3.1.0/gems/net-http-0.3.2/lib/net/http.rb:%d:in `transport_request'",
            "/app/app/services/reports/export_service.rb:%d:in `render_page'",
            "/app/app/models/invoice.rb:%d:in `charge!'",
            "/app/app/jobs/application_job.rb:%d:in `perform'",
        };
        for (int c = 0; c < 10; ++c) {
            std::vector<std::string> lines;
            for (int k = 0; k < 40; ++k) {
                char line[256];
                std::snprintf(line, sizeof line, kFrames[(k * 7 + c) % 8], 17 + (k * 37 + c * 101) % 900);
                lines.push_back(line);
            }
            m_backtraces.push_back(BacktraceCodec::encode(lines));
        }
    }

    std::string make(int i) const
    {
        const ClassSpec& c = kClasses[i % 10]; // i % 10 == 0: the target class, 10%
        char message[256];
        std::snprintf(message, sizeof message, c.message, i);
        char jid[32];
        std::snprintf(
            jid, sizeof jid, "%08x%016llx", unsigned(i), static_cast<unsigned long long>(i) * 0x9E3779B97F4A7C15ULL);
        const double failed = kBase + i * 0.013;
        std::string j = "{\"retry\":true,\"queue\":\"" + std::string(c.queue) + "\",\"backtrace\":true,\"class\":\""
            + c.cls + "\"";
        j += ",\"args\":[" + std::to_string(i) + ",\"user-" + std::to_string(i * 31) + "\",{\"account_id\":"
            + std::to_string(i * 7) + ",\"locale\":\"en\"}],\"jid\":\"" + std::string(jid, 24) + "\"";
        j += ",\"created_at\":" + formatRubyFloat(failed - 300) + ",\"enqueued_at\":" + formatRubyFloat(failed - 2);
        j += ",\"error_message\":";
        json::appendQuoted(j, message);
        j += ",\"error_class\":\"" + std::string(c.errorClass) + "\",\"failed_at\":" + formatRubyFloat(failed - 86000);
        j += ",\"retry_count\":25,\"retried_at\":" + formatRubyFloat(failed) + ",\"error_backtrace\":\""
            + m_backtraces[std::size_t(i % 10)] + "\"}";
        return j;
    }
    double score(int i) const { return kBase + i * 0.013 + 1.0; }

private:
    std::vector<std::string> m_backtraces;
};

inline void seedDead(redis::Client& client, const PayloadFactory& f, int from, int to)
{
    std::vector<Command> cmds;
    for (int i = from; i < to; i += 500) {
        Command c("ZADD");
        c.key("dead");
        for (int k = i; k < std::min(to, i + 500); ++k) c.arg(f.score(k)).arg(f.make(k));
        cmds.push_back(std::move(c));
        if (cmds.size() == 20 || i + 500 >= to) {
            for (const auto& r : client.pipeline(cmds)) r.throwIfError();
            cmds.clear();
        }
    }
}

inline double rubySeconds(int port, const QString& script, int timeoutMs = 600000)
{
    const QString out = test::runSidekiqRuby(port, script, timeoutMs);
    const QStringList lines = out.split('\n');
    return lines.last().toDouble();
}

inline double redisCpuSeconds(const test::RedisServer& server)
{
    return server.info("cpu", "used_cpu_user").toDouble() + server.info("cpu", "used_cpu_sys").toDouble();
}

inline long long enqueuedTotal(redis::Client& client)
{
    long long total = 0;
    for (const auto& q : client.command(Command("SMEMBERS").key("queues")).asStringList())
        total += client.command(Command("LLEN").key("queue:" + q)).asInteger();
    return total;
}

inline void row(
    const char* what, const std::string& ours, const std::string& theirs, const std::string& ratio, const char* goal)
{
    std::printf("  %-44s %12s %12s %9s   %s\n", what, ours.c_str(), theirs.c_str(), ratio.c_str(), goal);
}

inline std::string ms(double seconds)
{
    char b[32];
    if (seconds >= 10)
        std::snprintf(b, sizeof b, "%.1f s", seconds);
    else if (seconds >= 1)
        std::snprintf(b, sizeof b, "%.2f s", seconds);
    else if (seconds >= 0.01)
        std::snprintf(b, sizeof b, "%.1f ms", seconds * 1e3);
    else
        std::snprintf(b, sizeof b, "%.2f ms", seconds * 1e3);
    return b;
}

inline std::string times(double x)
{
    char b[32];
    std::snprintf(b, sizeof b, x >= 100 ? "%.0fx" : "%.1fx", x);
    return b;
}
} // namespace kiq::bench

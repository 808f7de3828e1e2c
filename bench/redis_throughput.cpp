// Our blocking client against redis-benchmark, same server, same run: PING, LPUSH and RPOP, one
// connection, unpipelined and pipelined (100 per round trip). Prints ops/s for both and the ratio.
//
//   redis_throughput [--port P] [--requests N] [--rounds R]
// Without --port it starts a private redis-server on a free loopback port.

#include "harness/Process.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

using namespace kiq::redis;

namespace {
constexpr int kPipeline = 100;

double ourOpsPerSecond(Client& client, const std::string& test, int requests, bool pipelined)
{
    auto make = [&] {
        if (test == "PING") return Command("PING");
        if (test == "LPUSH")
            return Command("LPUSH").key("bench:list").arg(std::string_view("xxx")); // as redis-benchmark sends it
        return Command("RPOP").key("bench:list");
    };
    const auto start = std::chrono::steady_clock::now();
    if (pipelined) {
        std::vector<Command> batch;
        batch.reserve(kPipeline);
        for (int i = 0; i < requests; i += kPipeline) {
            batch.clear();
            for (int k = 0; k < kPipeline && i + k < requests; ++k) batch.push_back(make());
            client.pipeline(batch);
        }
    } else {
        for (int i = 0; i < requests; ++i) client.command(make());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return requests / seconds;
}

// redis-benchmark --csv prints "test","rps",...; PING_MBULK is the RESP (not inline) PING we send.
std::map<std::string, double> redisBenchmark(int port, int requests, bool pipelined)
{
    QStringList args {"-h", "127.0.0.1", "-p", QString::number(port), "-c", "1", "-n", QString::number(requests), "-t",
        "ping,lpush,rpop", "--csv"};
    if (pipelined) args << "-P" << QString::number(kPipeline);
    auto result = kiq::test::runProcess("redis-benchmark", args, 600000);
    std::map<std::string, double> out;
    for (const QString& line : result.out.split('\n')) {
        const QStringList cols = line.split(',');
        if (cols.size() < 2) continue;
        QString name = cols[0];
        name.remove('"');
        QString rps = cols[1];
        rps.remove('"');
        bool ok = false;
        double v = rps.toDouble(&ok);
        if (ok) out[name == "PING_MBULK" ? "PING" : name.toStdString()] = v;
    }
    return out;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int port = 0, requests = 100000, rounds = 3;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--port") port = args[i + 1].toInt();
        if (args[i] == "--requests") requests = args[i + 1].toInt();
        if (args[i] == "--rounds") rounds = args[i + 1].toInt();
    }
    std::unique_ptr<kiq::test::RedisServer> server;
    if (port == 0) {
        server = std::make_unique<kiq::test::RedisServer>(kiq::test::RedisServer::Options {});
        port = server->port();
    }
    if (kiq::test::findExecutable("redis-benchmark").isEmpty()) {
        std::fprintf(stderr, "redis-benchmark not found: run scripts/setup-deps.sh\n");
        return 2;
    }

    ConnectionOptions o;
    o.endpoint = {"127.0.0.1", port};
    o.clientName.clear();
    Client client(o);
    client.connect();

    std::printf("Kiqdesk blocking client vs redis-benchmark, 1 connection, %d requests, median of %d rounds\n",
        requests, rounds);
    std::printf("%-6s %-10s %14s %14s %8s\n", "test", "mode", "kiqdesk ops/s", "redis-bench", "ratio");
    for (bool pipelined : {false, true}) {
        const int n = pipelined ? requests * 5 : requests;
        std::map<std::string, std::vector<double>> ours, theirs;
        for (int r = 0; r < rounds; ++r) {
            auto rb = redisBenchmark(port, n, pipelined);
            for (const std::string test : {"PING", "LPUSH", "RPOP"}) {
                theirs[test].push_back(rb[test]);
                ours[test].push_back(ourOpsPerSecond(client, test, n, pipelined));
            }
            client.command(Command("DEL").key("bench:list"));
        }
        for (const std::string test : {"PING", "LPUSH", "RPOP"}) {
            const double a = median(ours[test]), b = median(theirs[test]);
            std::printf("%-6s %-10s %14.0f %14.0f %8.2f\n", test.c_str(), pipelined ? "pipelined" : "single", a, b,
                b > 0 ? a / b : 0.0);
        }
    }
    return 0;
}

#pragma once
// What the integration tests set up again and again: connection options and clients for the harness
// servers, a worker pool quick enough for tests, the pool's log lines, and the counts they read back.

#include "deployment/ConnectionProfile.h"
#include "harness/RedisServer.h"
#include "redis/Client.h"
#include "worker/Log.h"
#include "worker/WorkerOptions.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kiq::test {

class ClusterGroup;
class SentinelGroup;
struct TlsFiles;

// Loopback options for a server on `port`, nothing else set.
redis::ConnectionOptions optionsFor(int port);
redis::ConnectionOptions optionsFor(const RedisServer& server);
// The same, as an ACL user (empty: the default user) with a password (empty: no AUTH).
redis::ConnectionOptions optionsFor(int port, const std::string& user, const std::string& password);
// TLS to `port`, trusting the test CA; with the client certificate (mTLS) when `clientCert`.
redis::ConnectionOptions tlsOptionsFor(int port, const TlsFiles& files, bool clientCert = false);
// The TLS servers the TLS tests meet, on the PKI of `files` (which must outlive them): one that requires
// client certificates, one that does not, one presenting an expired certificate, one a certificate for
// other.example only.
struct TlsServers {
    std::unique_ptr<RedisServer> mtls, tlsOnly, expired, wrongHost;
    static TlsServers start(const TlsFiles& files);
};
// Through the group's sentinel, to its master.
redis::ConnectionOptions sentinelOptionsFor(const SentinelGroup& group);
// Cluster, seeded with the group's first node.
redis::ConnectionOptions clusterOptionsFor(const ClusterGroup& cluster);
// A saved deployment reaching `options`, as the connection dialog makes one.
deployment::ConnectionProfile profileFor(const QString& name, const redis::ConnectionOptions& options,
    deployment::Environment environment = deployment::Environment::Development);
// A client of `server`; it connects on its first command.
std::unique_ptr<redis::Client> clientFor(const RedisServer& server);
// `count` chained "pause" entries appended to the shared audit stream, as earlier writes would leave it
// (`localFile`: where they would go if the stream refused them).
void fillAuditStream(const redis::ConnectionOptions& options, const QString& localFile, int count);

// The shape most integration tests share: one redis-server for the whole test class and a client of
// it. A test class derives from QObject and this, calls startServer() in initTestCase() and, to give
// every test function an empty server, flushAll() in init() (or startServer() there and stopServer()
// in cleanup(), for a server of its own).
class ServerTest {
protected:
    void startServer(RedisServer::Options options = {});
    void flushAll();
    void stopServer(); // the client, then the server

    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<redis::Client> m_client;
};

// A pool that polls the schedule every ~200 ms, beats every 300 ms and stops within 5 s.
worker::WorkerOptions quickWorkerOptions(const std::vector<std::string>& queues = {"default"}, int concurrency = 2);

// The pool's log lines ("INFO message"), for asserting on. The sink may be called from any thread.
class LogCapture {
public:
    worker::LogSink sink();
    bool contains(const std::string& needle) const;
    std::vector<std::string> lines() const;

private:
    mutable std::mutex m_mutex;
    std::vector<std::string> m_lines;
};

// A job as a failure leaves it: class `cls`, args [i], error_class RuntimeError with `message`, and
// `retryCount` retries so far.
std::string failedJob(const std::string& cls, int i, const std::string& message, int retryCount);

// The time now, in Sidekiq's epoch seconds.
double now();

// Jobs held in the crash-safe fetch's in-progress lists (every "*:inprogress:*" key).
long long heldInProgress(redis::Client& client);
// The integer at `key`; 0 when it does not exist.
long long integerAt(redis::Client& client, const std::string& key);

} // namespace kiq::test

#include "harness/Fixture.h"

#include "harness/ClusterGroup.h"
#include "harness/RedisServer.h"
#include "harness/SentinelGroup.h"
#include "harness/TlsFiles.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/Timestamp.h"
#include "write/AuditTrail.h"

#include <algorithm>

namespace kiq::test {

redis::ConnectionOptions optionsFor(int port)
{
    redis::ConnectionOptions o;
    o.endpoint = {"127.0.0.1", port};
    return o;
}

redis::ConnectionOptions optionsFor(const RedisServer& server)
{
    return optionsFor(server.port());
}

redis::ConnectionOptions optionsFor(int port, const std::string& user, const std::string& password)
{
    redis::ConnectionOptions o = optionsFor(port);
    o.user = user;
    o.password = password;
    return o;
}

redis::ConnectionOptions tlsOptionsFor(int port, const TlsFiles& files, bool clientCert)
{
    redis::ConnectionOptions o = optionsFor(port);
    o.tls.enabled = true;
    o.tls.caFile = files.caCert.toStdString();
    if (clientCert) {
        o.tls.certFile = files.clientCert.toStdString();
        o.tls.keyFile = files.clientKey.toStdString();
    }
    return o;
}

TlsServers TlsServers::start(const TlsFiles& files)
{
    TlsServers out;
    RedisServer::Options o;
    o.tls = true;
    o.tlsFiles = &files;
    o.requireClientCert = true;
    o.name = "mtls";
    out.mtls = std::make_unique<RedisServer>(o);
    o.requireClientCert = false;
    o.name = "tls";
    out.tlsOnly = std::make_unique<RedisServer>(o);
    o.name = "expired";
    o.tlsCertFile = files.expiredServerCert;
    o.tlsKeyFile = files.expiredServerKey;
    out.expired = std::make_unique<RedisServer>(o);
    o.name = "wronghost";
    o.tlsCertFile = files.wrongHostServerCert;
    o.tlsKeyFile = files.wrongHostServerKey;
    out.wrongHost = std::make_unique<RedisServer>(o);
    return out;
}

redis::ConnectionOptions sentinelOptionsFor(const SentinelGroup& group)
{
    redis::ConnectionOptions o;
    o.topology = redis::Topology::Sentinel;
    o.seeds = {{"127.0.0.1", group.sentinelPort()}};
    o.sentinelMaster = group.masterName().toStdString();
    return o;
}

redis::ConnectionOptions clusterOptionsFor(const ClusterGroup& cluster)
{
    redis::ConnectionOptions o;
    o.topology = redis::Topology::Cluster;
    o.seeds = {{"127.0.0.1", cluster.seedPort()}};
    return o;
}

deployment::ConnectionProfile profileFor(
    const QString& name, const redis::ConnectionOptions& options, deployment::Environment environment)
{
    auto p = deployment::ConnectionProfile::create(name);
    p.options = options;
    p.environment = environment;
    return p;
}

std::unique_ptr<redis::Client> clientFor(const RedisServer& server)
{
    return std::make_unique<redis::Client>(optionsFor(server));
}

void fillAuditStream(const redis::ConnectionOptions& options, const QString& localFile, int count)
{
    write::AuditTrail trail(options, localFile.toStdString());
    write::AuditEntry entry;
    entry.deployment = "filler";
    entry.intent = {"pause", "queue:default", 1, {}, {}};
    entry.ok = true;
    for (int i = 0; i < count; ++i) {
        entry.time = 1764680000 + i;
        trail.append(entry);
    }
}

void ServerTest::startServer(RedisServer::Options options)
{
    m_server = std::make_unique<RedisServer>(std::move(options));
    m_client = clientFor(*m_server);
}

void ServerTest::flushAll()
{
    m_server->cli({"FLUSHALL"});
}

void ServerTest::stopServer()
{
    m_client.reset();
    m_server.reset();
}

worker::WorkerOptions quickWorkerOptions(const std::vector<std::string>& queues, int concurrency)
{
    worker::WorkerOptions o;
    o.queues = worker::QueueList::parse(queues);
    o.concurrency = concurrency;
    o.pollIntervalAverage = std::chrono::milliseconds(200);
    o.heartbeatInterval = std::chrono::milliseconds(300);
    o.shutdownTimeout = std::chrono::seconds(5);
    return o;
}

worker::LogSink LogCapture::sink()
{
    return [this](worker::LogLevel level, std::string_view message) {
        const std::lock_guard lock(m_mutex);
        m_lines.push_back(std::string(worker::logLevelName(level)) + " " + std::string(message));
    };
}

bool LogCapture::contains(const std::string& needle) const
{
    const std::lock_guard lock(m_mutex);
    return std::any_of(
        m_lines.begin(), m_lines.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

std::vector<std::string> LogCapture::lines() const
{
    const std::lock_guard lock(m_mutex);
    return m_lines;
}

std::string failedJob(const std::string& cls, int i, const std::string& message, int retryCount)
{
    std::string json = sidekiq::JobBuilder(cls, "[" + std::to_string(i) + "]").build().json;
    sidekiq::PayloadEditor e(json);
    e.setString("error_class", "RuntimeError");
    e.setString("error_message", message);
    e.setInt("retry_count", retryCount);
    return e.result();
}

double now()
{
    return sidekiq::Timestamp::now().seconds();
}

long long heldInProgress(redis::Client& client)
{
    long long held = 0;
    for (const auto& key : client.command(redis::Command("KEYS").arg("*:inprogress:*")).asStringList())
        held += client.command(redis::Command("LLEN").key(key)).throwIfError().asInteger();
    return held;
}

long long integerAt(redis::Client& client, const std::string& key)
{
    const auto value = client.command(redis::Command("GET").key(key)).throwIfError().asOptionalString();
    return value ? std::stoll(*value) : 0;
}

} // namespace kiq::test

#include "sidekiq/model/JobBuilder.h"

#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/json/JsonText.h"

#include <openssl/rand.h>

#include <array>
#include <random>

namespace kiq::sidekiq {
namespace {
bool isReserved(std::string_view key)
{
    for (std::string_view reserved : {"class", "args", "jid", "queue", "retry", "created_at", "enqueued_at", "at"}) {
        if (key == reserved) return true;
    }
    return false;
}
} // namespace

JobBuilder::JobBuilder(std::string className, std::string argsJson)
    : m_className(std::move(className))
    , m_argsJson(std::move(argsJson))
{
}

JobBuilder& JobBuilder::setQueue(std::string queue)
{
    m_queue = std::move(queue);
    return *this;
}

JobBuilder& JobBuilder::setRetry(RetryPolicy retry)
{
    m_retry = retry;
    return *this;
}

JobBuilder& JobBuilder::setJid(std::string jid)
{
    m_jid = std::move(jid);
    return *this;
}

JobBuilder& JobBuilder::setTimestampUnit(Timestamp::Unit unit)
{
    m_unit = unit;
    return *this;
}

JobBuilder& JobBuilder::setNow(Timestamp now)
{
    m_now = now;
    return *this;
}

JobBuilder& JobBuilder::setCreatedAt(Timestamp createdAt)
{
    m_createdAt = createdAt;
    return *this;
}

JobBuilder& JobBuilder::setScheduled(bool scheduled)
{
    m_scheduled = scheduled;
    return *this;
}

JobBuilder& JobBuilder::setExtraRaw(std::string key, std::string rawJson)
{
    for (auto& extra : m_extras) {
        if (extra.first == key) {
            extra.second = std::move(rawJson);
            return *this;
        }
    }
    m_extras.emplace_back(std::move(key), std::move(rawJson));
    return *this;
}

JobBuilder& JobBuilder::setExtraString(std::string key, std::string_view value)
{
    return setExtraRaw(std::move(key), json::quoted(value));
}

std::string JobBuilder::generateJid()
{
    std::array<unsigned char, 12> bytes {};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // OpenSSL's DRBG failing is practically unheard of; std::random_device is the OS source too.
        std::random_device device;
        for (auto& b : bytes) b = static_cast<unsigned char>(device());
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string jid;
    jid.reserve(24);
    for (const unsigned char b : bytes) {
        jid.push_back(kHex[b >> 4]);
        jid.push_back(kHex[b & 0xF]);
    }
    return jid;
}

JobBuilder::Result JobBuilder::build() const
{
    Result result;
    // job_util.rb `validate` / `normalize_item`.
    if (m_className.empty()) {
        result.error = "job class must not be empty";
        return result;
    }
    json::Kind argsKind = json::Kind::Null;
    if (const auto error = json::validate(m_argsJson, &argsKind)) {
        result.error = "args: " + error->describe();
        return result;
    }
    if (argsKind != json::Kind::Array) {
        result.error = std::string("args is ") + json::describe(argsKind) + ", expected an array";
        return result;
    }
    if (m_queue.empty()) {
        result.error = "job must include a valid queue name";
        return result;
    }
    if (!json::isValidUtf8(m_className) || !json::isValidUtf8(m_queue) || !json::isValidUtf8(m_jid)) {
        result.error = "class, queue and jid must be valid UTF-8";
        return result;
    }
    for (const auto& [key, raw] : m_extras) {
        if (isReserved(key)) {
            result.error = "extra field '" + key + "' is reserved; use the JobBuilder setter";
            return result;
        }
        if (const auto error = json::validate(raw)) {
            result.error = "extra field '" + key + "': " + error->describe();
            return result;
        }
    }

    const Timestamp now = (m_now ? *m_now : Timestamp::now(m_unit)).as(m_unit);
    const Timestamp createdAt = m_createdAt ? m_createdAt->as(m_unit) : now;
    result.jid = m_jid.empty() ? generateJid() : m_jid;

    std::string& out = result.json;
    out.reserve(m_argsJson.size() + 160);
    out.append("{\"retry\":");
    out.append(m_retry.toJson());
    out.append(",\"queue\":");
    json::appendQuoted(out, m_queue);
    for (const auto& [key, raw] : m_extras) {
        out.push_back(',');
        json::appendQuoted(out, key);
        out.push_back(':');
        out.append(raw);
    }
    out.append(",\"class\":");
    json::appendQuoted(out, m_className);
    out.append(",\"args\":");
    std::string_view args(m_argsJson);
    const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!args.empty() && ws(args.front())) args.remove_prefix(1);
    while (!args.empty() && ws(args.back())) args.remove_suffix(1);
    out.append(args);
    out.append(",\"jid\":");
    json::appendQuoted(out, result.jid);
    out.append(",\"created_at\":");
    out.append(createdAt.toJson());
    if (!m_scheduled) {
        out.append(",\"enqueued_at\":");
        out.append(now.toJson());
    }
    out.push_back('}');
    return result;
}
} // namespace kiq::sidekiq

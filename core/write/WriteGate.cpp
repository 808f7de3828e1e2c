#include "write/WriteGate.h"

#include <chrono>

namespace kiq::write {

WriteGate::WriteGate(std::string deployment, bool readOnly)
    : m_deployment(std::move(deployment))
    , m_readOnly(readOnly)
{
}

bool WriteGate::writable() const
{
    std::lock_guard lock(m_mutex);
    return !m_readOnly;
}

void WriteGate::arm(const std::string& reason)
{
    if (reason.empty()) throw WriteRefused("writes can only be armed with a reason");
    std::lock_guard lock(m_mutex);
    m_readOnly = false;
    m_reason = reason;
}

void WriteGate::disarm()
{
    std::lock_guard lock(m_mutex);
    m_readOnly = true;
    m_reason.clear();
}

void WriteGate::addAuditSink(AuditSink sink)
{
    std::lock_guard lock(m_mutex);
    m_sinks.push_back(std::move(sink));
}

void WriteGate::audit(AuditEntry entry)
{
    std::vector<AuditSink> sinks;
    {
        std::lock_guard lock(m_mutex);
        entry.deployment = m_deployment;
        entry.reason = m_reason;
        sinks = m_sinks;
    }
    entry.time = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& sink : sinks) sink(entry);
}

WriteOutcome WriteGate::perform(const WriteIntent& intent, const std::function<WriteOutcome()>& op)
{
    if (!writable()) {
        AuditEntry refused {{}, 0, intent, {}, false, 0, "refused: deployment is read-only", {}};
        audit(refused);
        throw WriteRefused("'" + m_deployment + "' is read-only: arm writes with a reason before " + intent.action);
    }
    try {
        WriteOutcome out = op();
        audit({{}, 0, intent, {}, true, out.affected, {}, out.removedPayloads});
        return out;
    } catch (const std::exception& e) {
        audit({{}, 0, intent, {}, false, 0, e.what(), {}});
        throw;
    }
}

} // namespace kiq::write

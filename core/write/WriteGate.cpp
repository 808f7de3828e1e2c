#include "write/WriteGate.h"

#include <atomic>
#include <random>

#include <pwd.h>
#include <unistd.h>

namespace kiq::write {

namespace {
double epochNow()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
} // namespace

std::string osUser()
{
    passwd entry {};
    passwd* found = nullptr;
    char buf[1024];
    if (getpwuid_r(geteuid(), &entry, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
    return "uid " + std::to_string(geteuid());
}

WriteGate::WriteGate(std::string deployment, bool readOnly, Clock clock)
    : m_deployment(std::move(deployment))
    , m_label(m_deployment)
    , m_howToArm("arm writes with a reason first")
    , m_readOnly(readOnly)
    , m_clock(std::move(clock))
{
}

void WriteGate::setRefusalText(std::string label, std::string howToArm)
{
    std::lock_guard lock(m_mutex);
    m_label = std::move(label);
    m_howToArm = std::move(howToArm);
}

std::string WriteGate::refusalMessage() const
{
    std::lock_guard lock(m_mutex);
    return m_label + " is read-only: " + m_howToArm;
}

std::chrono::steady_clock::time_point WriteGate::now() const
{
    return m_clock ? m_clock() : std::chrono::steady_clock::now();
}

void WriteGate::expireLocked() const
{
    if (m_arming && now() >= m_armedUntil) m_arming.reset();
}

bool WriteGate::readOnly() const
{
    std::lock_guard lock(m_mutex);
    return m_readOnly;
}

void WriteGate::setReadOnly(bool readOnly)
{
    std::lock_guard lock(m_mutex);
    if (readOnly == m_readOnly) return;
    m_readOnly = readOnly;
    m_arming.reset();
}

bool WriteGate::writable() const
{
    std::lock_guard lock(m_mutex);
    expireLocked();
    return !m_readOnly || m_arming.has_value();
}

void WriteGate::arm(const std::string& reason, std::chrono::milliseconds duration)
{
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
        throw WriteRefused("writes can only be armed with a reason");
    if (duration <= std::chrono::milliseconds::zero()) throw WriteRefused("writes can only be armed for a while");
    std::lock_guard lock(m_mutex);
    const auto start = now();
    // Saturated, and compared in milliseconds: kUntilDisarmed overflows the clock's nanoseconds.
    const auto headroom
        = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::time_point::max() - start);
    m_armedUntil = duration >= headroom ? std::chrono::steady_clock::time_point::max() : start + duration;
    m_arming = Arming {reason, osUser(), epochNow(), duration};
}

void WriteGate::disarm()
{
    std::lock_guard lock(m_mutex);
    m_arming.reset(); // the profile's rule stands: a writable deployment stays writable
}

std::optional<Arming> WriteGate::arming() const
{
    std::lock_guard lock(m_mutex);
    expireLocked();
    return m_arming;
}

std::optional<std::chrono::milliseconds> WriteGate::remaining() const
{
    std::lock_guard lock(m_mutex);
    expireLocked();
    if (!m_arming || m_armedUntil == std::chrono::steady_clock::time_point::max()) return std::nullopt;
    return std::chrono::ceil<std::chrono::milliseconds>(m_armedUntil - now());
}

void WriteGate::addAuditSink(AuditSink sink)
{
    std::lock_guard lock(m_mutex);
    m_sinks.push_back(std::move(sink));
}

void WriteGate::addRemovalJournal(std::shared_ptr<RemovalJournal> journal)
{
    std::lock_guard lock(m_mutex);
    m_journals.push_back(std::move(journal));
}

AuditEntry WriteGate::stamped(AuditEntry entry) const
{
    std::lock_guard lock(m_mutex);
    entry.deployment = m_deployment;
    if (m_arming) {
        entry.reason = m_arming->reason;
        entry.armedBy = m_arming->who;
    }
    entry.time = epochNow();
    return entry;
}

void WriteGate::audit(AuditEntry entry)
{
    std::vector<AuditSink> sinks;
    {
        std::lock_guard lock(m_mutex);
        sinks = m_sinks;
    }
    entry = stamped(std::move(entry));
    for (const auto& sink : sinks) sink(entry);
}

void WriteGate::record(const WriteIntent& intent)
{
    AuditEntry entry;
    entry.intent = intent;
    entry.ok = true;
    entry.affected = intent.requested;
    audit(std::move(entry));
}

WriteOutcome WriteGate::perform(const WriteIntent& intent, const std::function<WriteOutcome()>& op)
{
    return perform(intent, [&](WriteScope&) { return op(); });
}

WriteOutcome WriteGate::perform(const WriteIntent& intent, const std::function<WriteOutcome(WriteScope&)>& op)
{
    if (!writable()) {
        const std::string message = refusalMessage();
        AuditEntry refused;
        refused.intent = intent;
        refused.error = "refused: " + message;
        audit(std::move(refused));
        throw WriteRefused(message);
    }
    try {
        WriteScope scope(*this, intent);
        WriteOutcome out = op(scope);
        AuditEntry done;
        done.intent = intent;
        done.ok = true;
        done.affected = out.affected;
        done.skipped = out.skipped;
        done.removed = out.removed;
        audit(std::move(done));
        return out;
    } catch (const std::exception& e) {
        AuditEntry failed;
        failed.intent = intent;
        failed.error = e.what();
        audit(std::move(failed));
        throw;
    }
}

WriteScope::WriteScope(WriteGate& gate, const WriteIntent& intent)
    : m_gate(gate)
    , m_intent(intent)
{
    // Unique per write, across processes sharing a journal file: a counter alone repeats after a restart.
    static std::atomic<unsigned long long> counter {0};
    static const unsigned long long session = std::random_device {}() * 4294967296ULL + std::random_device {}();
    m_group = "write " + std::to_string(session) + "-" + std::to_string(++counter);
}

std::size_t WriteScope::keep(const std::string& server, std::vector<RemovedItem> items)
{
    std::vector<std::shared_ptr<RemovalJournal>> journals;
    {
        std::lock_guard lock(m_gate.m_mutex);
        journals = m_gate.m_journals;
    }
    Batch batch;
    if (!journals.empty() && !items.empty()) {
        AuditEntry action;
        action.intent = m_intent;
        action = m_gate.stamped(std::move(action));
        for (const auto& journal : journals) batch.ids.push_back(journal->keep(action, server, m_group, items));
        batch.journals = std::move(journals);
    }
    batch.items = std::move(items);
    m_batches.push_back(std::move(batch));
    return m_batches.size() - 1;
}

std::vector<RemovedItem> WriteScope::settle(std::size_t ticket, const std::vector<bool>& removed)
{
    Batch& batch = m_batches.at(ticket);
    std::vector<RemovedItem> out;
    std::vector<std::vector<std::int64_t>> done(batch.ids.size()), notDone(batch.ids.size());
    for (std::size_t i = 0; i < batch.items.size(); ++i) {
        const bool gone = i < removed.size() && removed[i];
        for (std::size_t j = 0; j < batch.ids.size(); ++j) (gone ? done : notDone)[j].push_back(batch.ids[j][i]);
        if (gone) out.push_back(std::move(batch.items[i]));
    }
    for (std::size_t j = 0; j < batch.journals.size(); ++j) batch.journals[j]->settle(done[j], notDone[j]);
    batch = {};
    return out;
}

} // namespace kiq::write

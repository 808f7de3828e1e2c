#include "write/AuditTrail.h"

#include "deployment/ConnectionProfile.h"
#include "redis/Client.h"
#include "redis/Script.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(kiq::write::AuditTrail::kDefaultMaxLen == kiq::deployment::ConnectionProfile::kDefaultAuditMaxLen,
    "a profile without its own cap keeps what the trail keeps by default");

namespace kiq::write {

namespace {
// KEYS[1] the stream. ARGV[1] MAXLEN, ARGV[2] the hash the entry chains to ('' for an empty stream),
// ARGV[3..] the entry's fields and values. Answers {1, id} when added, else {0, the newest entry's hash}.
const redis::Script kAppend(R"lua(
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local head = ''
if newest[1] then
  local f = newest[1][2]
  for i = 1, #f, 2 do
    if f[i] == 'hash' then head = f[i + 1] end
  end
end
if head ~= ARGV[2] then return {0, head} end
return {1, redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))}
)lua");

// Each lost race costs one round trip; this many in a row means something else is wrong.
constexpr int kMaxAttempts = 100;

std::string fileSafe(const std::string& name)
{
    std::string out;
    for (unsigned char c : name) out += std::isalnum(c) || c == '-' || c == '_' || c == '.' ? char(c) : '_';
    if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
    return out;
}

std::runtime_error fileError(const std::string& what, const std::string& path)
{
    return std::runtime_error("cannot " + what + " the audit file " + path + ": " + std::strerror(errno));
}

// The file's last line (without its newline) and how many lines it has, for the new line's ID.
std::string lastLine(int fd, long long& lines)
{
    std::string last, current;
    lines = 0;
    char buf[65536];
    for (off_t at = 0;;) {
        const ssize_t n = pread(fd, buf, sizeof buf, at);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] != '\n') {
                current += buf[i];
                continue;
            }
            ++lines;
            last = std::move(current);
            current.clear();
        }
        at += n;
    }
    return last;
}
} // namespace

AuditTrail::AuditTrail(redis::ConnectionOptions options, std::string localFile, long long maxLen)
    : m_localFile(std::move(localFile))
    , m_maxLen(maxLen)
{
    setOptions(std::move(options));
}

AuditTrail::~AuditTrail() = default;

void AuditTrail::setOptions(redis::ConnectionOptions options)
{
    options.clientName = redis::ConnectionOptions::kAuditClientName;
    std::lock_guard lock(m_stateMutex);
    m_newOptions = std::move(options);
}

void AuditTrail::setProblemListener(ProblemListener listener)
{
    std::lock_guard lock(m_listenerMutex);
    m_listener = std::move(listener);
}

std::string AuditTrail::problem() const
{
    std::lock_guard lock(m_stateMutex);
    return m_problem;
}

std::string AuditTrail::appendToStream(AuditRecord& record)
{
    if (!m_client) m_client = std::make_unique<redis::Client>(m_options);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        record.set("prev", m_head);
        record.set("hash", record.computeHash());
        std::vector<std::string> args {std::to_string(m_maxLen.load()), m_head};
        for (const auto& [key, value] : record.fields) {
            args.push_back(key);
            args.push_back(value);
        }
        const redis::Reply reply = kAppend.run(*m_client, {kStreamKey}, args);
        const auto& parts = reply.throwIfError().asArray();
        if (parts.size() != 2)
            throw redis::ProtocolError("unexpected reply to the audit append: " + reply.debugString());
        if (parts[0].asInteger() == 1) {
            m_head = record.get("hash");
            return parts[1].asString();
        }
        m_head = parts[1].asString(); // another writer was first: chain to its entry
        // Two writers in lockstep would have the slower one lose every round (its head is always one entry
        // old): a random pause, growing with the losses, lets it in.
        thread_local std::minstd_rand jitter {std::random_device {}()};
        const int ceilingUs = 100 * std::min(attempt + 1, 20);
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, ceilingUs)(jitter)));
    }
    throw redis::ProtocolError("the audit stream kept changing under " + std::to_string(kMaxAttempts) + " attempts");
}

std::string AuditTrail::append(const AuditEntry& entry)
{
    std::string id, problem;
    {
        std::lock_guard lock(m_appendMutex);
        {
            std::lock_guard state(m_stateMutex);
            if (m_newOptions) {
                m_options = std::move(*m_newOptions);
                m_newOptions.reset();
                m_identity = AuditIdentity::of(m_options);
                m_client.reset();
                m_head.clear();
            }
        }
        AuditRecord record = makeAuditRecord(entry, m_identity);
        try {
            id = appendToStream(record);
        } catch (const std::exception& streamError) {
            std::erase_if(record.fields, [](const auto& f) { return f.first == "prev" || f.first == "hash"; });
            try {
                id = appendToFile(m_localFile, record);
                problem = std::string("audit stream not writable (") + streamError.what() + "): entries kept in "
                    + m_localFile;
            } catch (const std::exception& fileError) {
                problem = std::string("audit entry lost: the stream is not writable (") + streamError.what() + ") and "
                    + fileError.what();
            }
        }
    }
    {
        std::lock_guard state(m_stateMutex);
        if (problem == m_problem) return id;
        m_problem = problem;
    }
    std::lock_guard lock(m_listenerMutex);
    if (m_listener) m_listener(problem);
    return id;
}

std::string AuditTrail::defaultLocalFile(const std::string& deployment)
{
    return (QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/audit/"
        + QString::fromStdString(fileSafe(deployment)) + ".jsonl")
        .toStdString();
}

std::string AuditTrail::appendToFile(const std::string& path, AuditRecord& record)
{
    const QString dir = QFileInfo(QString::fromStdString(path)).absolutePath();
    if (!QDir().mkpath(dir)) throw fileError("create the folder of", path);
    ::chmod(dir.toLocal8Bit().constData(), 0700);
    const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw fileError("open", path);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); } // also releases the lock
    } closer {fd};
    if (::fchmod(fd, 0600) != 0) throw fileError("restrict", path);
    if (::flock(fd, LOCK_EX) != 0) throw fileError("lock", path);
    long long lines = 0;
    std::string prev;
    if (const std::string last = lastLine(fd, lines); !last.empty()) {
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(last));
        prev = doc.object().value(QStringLiteral("hash")).toString().toStdString();
    }
    record.set("prev", prev);
    record.set("hash", record.computeHash());
    const std::string line = record.toJsonLine() + "\n";
    for (std::size_t done = 0; done < line.size();) {
        const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw fileError("write", path);
        done += std::size_t(n);
    }
    record.id = "local:" + std::to_string(lines + 1);
    return record.id;
}

} // namespace kiq::write

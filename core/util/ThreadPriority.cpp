#include "util/ThreadPriority.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace kiq::util {

namespace {
constexpr int kCapSysNice = 23; // linux/capability.h
std::atomic<bool> g_mayKeep {false};

// setpriority(PRIO_PROCESS, tid) sets one thread's nice value on Linux.
id_t self()
{
    return static_cast<id_t>(gettid());
}

bool hasCapSysNice()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("CapEff:", 0) == 0) return (std::strtoull(line.c_str() + 7, nullptr, 16) >> kCapSysNice) & 1;
    return false;
}

// Whether this thread may go back to `nice` once lowered (sched(7): a nice value may be lowered to
// 20 - RLIMIT_NICE without CAP_SYS_NICE).
bool mayRaiseTo(int nice)
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NICE, &limit) == 0 && (limit.rlim_cur == RLIM_INFINITY || 20 - nice <= int(limit.rlim_cur)))
        return true;
    static const bool capable = hasCapSysNice(); // once: index refreshes come several a second
    return capable;
}
} // namespace

int BackgroundPriority::currentNice()
{
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, self());
    return errno == 0 ? nice : 0;
}

bool BackgroundPriority::lowerForGood()
{
    return currentNice() >= kNice || setpriority(PRIO_PROCESS, self(), kNice) == 0;
}

void BackgroundPriority::allowKeeping()
{
    g_mayKeep = true;
}

BackgroundPriority::BackgroundPriority(bool lower)
{
    if (!lower) return;
    m_before = currentNice();
    if (m_before >= kNice) return;
    m_restore = mayRaiseTo(m_before);
    if (!m_restore && !g_mayKeep) return;
    m_lowered = setpriority(PRIO_PROCESS, self(), kNice) == 0;
}

BackgroundPriority::~BackgroundPriority()
{
    if (m_lowered && m_restore) setpriority(PRIO_PROCESS, self(), m_before);
}

} // namespace kiq::util

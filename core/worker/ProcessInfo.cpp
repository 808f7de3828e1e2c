#include "worker/ProcessInfo.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

namespace kiq::worker {

namespace {
long long statusField(const char* field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
    }
    return 0;
}
} // namespace

std::string hostname()
{
    if (const char* dyno = std::getenv("DYNO"); dyno && *dyno) return dyno;
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

std::string makeIdentity()
{
    std::random_device rd;
    static const char* hex = "0123456789abcdef";
    std::string suffix;
    for (int i = 0; i < 6; ++i) {
        const unsigned byte = rd() & 0xff;
        suffix += hex[byte >> 4];
        suffix += hex[byte & 15];
    }
    return hostname() + ":" + std::to_string(::getpid()) + ":" + suffix;
}

long long rssKb()
{
    return statusField("VmRSS");
}
long long peakRssKb()
{
    return statusField("VmHWM");
}

std::string bootId()
{
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

std::string pidNamespace()
{
    char buf[128] = {};
    const ssize_t n = ::readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, std::size_t(n)) : std::string();
}

bool pidAlive(std::int64_t pid)
{
    if (pid <= 0 || pid > INT_MAX) return false;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH) return false;
    // A killed child that its parent has not reaped yet still answers kill(0): read its state.
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return true; // exists (EPERM) but unreadable: assume alive
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return true;
    const char state = stat[close + 2];
    return state != 'Z' && state != 'X';
}

} // namespace kiq::worker

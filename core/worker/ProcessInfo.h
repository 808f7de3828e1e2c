#pragma once
// Facts about this process that the heartbeat and orphan recovery need: Sidekiq's identity, RSS, and
// enough about the host to tell whether another pool's PID is still alive.

#include <cstdint>
#include <string>

namespace kiq::worker {

// $DYNO if set, else gethostname() (launcher.rb / util.rb `hostname`).
std::string hostname();

// "<hostname>:<pid>:<12 hex>" (util.rb `identity`: SecureRandom.hex(6)).
std::string makeIdentity();

// VmRSS of this process in KB (launcher.rb MEMORY_GRABBER), 0 if unknown.
long long rssKb();
// VmHWM (peak RSS) in KB, 0 if unknown.
long long peakRssKb();

// This boot of this kernel (/proc/sys/kernel/random/boot_id) and this PID namespace
// (/proc/self/ns/pid): two processes that agree on both see the same PIDs. Empty if unreadable.
std::string bootId();
std::string pidNamespace();

// True if `pid` is a running process in our PID namespace (a zombie counts as gone).
bool pidAlive(std::int64_t pid);

} // namespace kiq::worker

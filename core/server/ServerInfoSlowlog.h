#pragma once
// SLOWLOG GET entries, parsed forgivingly: Redis before 4.0 sends only the first four fields, and
// other Redis-compatible servers may add more, so missing fields stay empty and extra ones are ignored.

#include "redis/Reply.h"

#include <chrono>
#include <string>
#include <vector>

namespace kiq::server {

struct SlowlogEntry {
    long long id = 0;
    long long timestamp = 0; // Unix seconds when the command ran
    std::chrono::microseconds duration {0}; // execution time, as the server measured it
    std::vector<std::string> args; // command and arguments (the server truncates long ones)
    std::string clientAddress; // "ip:port" (Redis >= 4.0)
    std::string clientName; // CLIENT SETNAME of the caller (Redis >= 4.0)
};

// Parses the reply of SLOWLOG GET. Throws kiq::redis::ReplyError if the reply is an error.
std::vector<SlowlogEntry> parseSlowlog(const kiq::redis::Reply& reply);

} // namespace kiq::server

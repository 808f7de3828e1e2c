#pragma once
// What every subcommand shares: the connection flags, the output mode, one lazily opened client and
// the write gate every write of the CLI passes through (armed: a CLI write is a deliberate command).

#include "ConnectionFlags.h"
#include "redis/Client.h"
#include "write/WriteGate.h"

#include <QJsonValue>

#include <memory>
#include <string>

namespace kiq::cli {

struct CliContext {
    util::EnvSecrets secrets; // taken from the environment first thing in main()
    ConnectionFlags flags;
    bool json = false;
    write::WriteGate gate {"kiqdesk-cli"};

    redis::Client& client();
    // Prints a JSON document on stdout (compact when piped would be nice; indented is easier to read).
    void printJson(const QJsonValue& value) const;

private:
    std::unique_ptr<redis::Client> m_client;
};

// Shared formatting for tables and times.
std::string formatAge(double seconds); // "3m 20s", "2h 5m", "4d 1h"
std::string formatTime(double epochSeconds); // local "YYYY-MM-DD HH:MM:SS"
std::string truncate(const std::string& text, std::size_t width);
std::string countOf(long long n, const char* one, const char* many); // "1 job", "5 jobs"

} // namespace kiq::cli

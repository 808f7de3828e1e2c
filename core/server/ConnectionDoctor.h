#pragma once
// The connection doctor: a failing connection taken apart step by step (name lookup, TCP, the TLS
// files, the handshake, the server's certificate, the client certificate, authentication, INFO, reading
// Sidekiq's keys, writing them), each with what was found and, when it is not right, what to change.
// One error line ("handshake failed") is what other tools give; an operator with a rotated certificate
// or a new ACL user needs to know which of ten things is wrong. Behind the connection dialog's Test
// button and `kiqdesk-cli doctor`. It only reads: the write step asks ACL DRYRUN, it writes nothing.

#include "redis/ConnectionOptions.h"

#include <string>
#include <vector>

namespace kiq::server {

struct DoctorStep {
    enum class State { Pass, Warn, Fail, Skipped };
    // Stable ids, in the order they run: "sentinel" (Sentinel only), "dns", "tcp", "tls-files",
    // "tls", "server-certificate", "client-certificate" (the four TLS ones only with TLS), "auth",
    // "server", "sidekiq", "writes".
    std::string id;
    State state = State::Skipped;
    std::string detail; // what was found, in plain words
    std::string fix; // what to change; empty when there is nothing to do
};

struct DoctorReport {
    std::string target; // the connection, described without secrets
    std::vector<DoctorStep> steps;

    DoctorStep::State worst() const; // Fail over Warn over Pass; Skipped counts as nothing
    const DoctorStep* step(const std::string& id) const;
};

const char* doctorStateName(DoctorStep::State state); // "pass", "warn", "fail", "skipped"
// The step's title in English ("Name lookup"), for the CLI and logs; the app shows its own translation.
const char* doctorStepTitle(const std::string& id);

// Blocking, bounded by the options' timeouts: run it off the GUI thread. Never throws for a
// connection problem; every failure is a step. After a failed step the rest are Skipped.
DoctorReport diagnoseConnection(const kiq::redis::ConnectionOptions& options);

} // namespace kiq::server

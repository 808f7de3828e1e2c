#pragma once
// The deployment security audit (issue 18): the controls of the threat model Kiqdesk was made from
// (TLS, authentication, least-privilege ACLs, a Redis that does not drop or forget jobs, no secrets in
// job arguments, a watched deployment) checked live, each reported as pass / warn / fail / could not
// check with the evidence, why it matters and the fix. It only reads: INFO, ACL USERS/GETUSER/DRYRUN/
// WHOAMI, CONFIG GET, COMMAND INFO and bounded samples of the queues and job sets; what the user may
// not read is "could not check: needs +config|get", never a pass.
//
// Blocking (a redis::Client is synchronous): callers run it off the GUI thread.

#include "redis/Client.h"
#include "redis/ConnectionOptions.h"
#include "redis/LoadBudget.h"

#include <string>
#include <vector>

namespace kiq::security {

enum class Status { Pass, Warn, Fail, Unknown, Info };
const char* statusName(Status status); // "pass", "warn", "fail", "could-not-check", "info"

struct Finding {
    std::string control; // "identity", "transport", "authentication", "authorization", "configuration",
                         // "job-data", "operations": the groups, in this order
    std::string id; // stable, e.g. "config.eviction" (scripts match on it)
    Status status = Status::Unknown;
    std::string title; // "Eviction policy"
    std::string evidence; // what was read, values masked
    std::string why; // why it matters, one sentence
    std::string fix; // what to do; empty when it passes
};

struct AuditOptions {
    int samplePerSet = 100; // entries read from each queue and from retry, scheduled and dead
    int maxQueues = 25; // queues sampled (the largest first)
    bool emails = false; // count e-mail addresses in arguments as personal data
    redis::LoadBudget budget; // how the sample is read (the profile's)
};

struct AuditReport {
    std::string target; // the connection, without secrets
    double takenAt = 0; // epoch seconds
    std::vector<Finding> findings;

    int count(Status status) const;
    const Finding* find(const std::string& id) const;
    std::string toMarkdown() const;
    std::string toJson() const; // {"target", "time", "summary": {...}, "findings": [...]}
};

// Connects `client` if needed; an unreachable server throws redis::Error (nothing can be checked).
AuditReport auditDeployment(
    redis::Client& client, const redis::ConnectionOptions& options, const AuditOptions& auditOptions = {});

} // namespace kiq::security

#pragma once
// kiqdesk-cli's exit codes, so scripts can tell "fix your flags" from "Redis is down" from "partly done".

namespace kiq::cli {

enum ExitCode : int {
    Ok = 0,
    Usage = 1, // bad flags or filter
    Unreachable = 2, // connection, DNS, TLS or authentication failure
    Refused = 3, // the server refused (NOPERM, WRONGTYPE, OOM, read-only replica, …)
    Partial = 4, // done, but some jobs were skipped or already gone
    NotFound = 5, // the job or process named does not exist
    Broken = 6, // trail verify: the audit chain is broken (an entry deleted, edited or forged)
    ControlFailed = 7, // audit: a security control failed
    Cancelled = 130, // interrupted (Ctrl-C); a bulk operation can be resumed
};

} // namespace kiq::cli

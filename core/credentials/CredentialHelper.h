#pragma once
// Runs a profile's credential helper: its argv as saved (no shell), with a minimal environment (no
// variable of ours reaches it, nor anything else it does not need), stdin closed, a timeout, and its
// output capped. stdout is the secret (see parseHelperOutput); a failure's message quotes the helper's
// stderr with anything that looks like the secret blanked out, and never quotes stdout.
//
// Blocking: call it on a worker thread (SecretResolver does), or in the CLI.

#include "credentials/SecretSource.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <chrono>

namespace kiq::credentials {

struct HelperLimits {
    std::chrono::milliseconds timeout {30000}; // a password manager may wait for a touch or a PIN
    qsizetype maxOutput = 64 * 1024; // a secret, or a small JSON object
};

// Throws CredentialError: not found, not started, timed out, exit status, too much output, bad JSON.
Credential runCredentialHelper(const QStringList& argv, const HelperLimits& limits = {});

// What the helper's environment holds: PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TZ, TMPDIR and the
// XDG and D-Bus session variables a password manager's CLI needs to reach its agent, taken from ours.
QProcessEnvironment helperEnvironment();

} // namespace kiq::credentials

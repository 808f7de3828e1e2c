#pragma once
// "Copy as command": the kiqdesk-cli invocation equivalent to an action of the app, so a change can go
// through review or run from a script. The one owner of that text: the UI describes the action with the
// functions below and copies what this returns; it never builds a command line itself.
//
// The line is non-interactive (--yes where the command would ask) and never holds a secret: passwords
// come from the saved profile's source or REDISCLI_AUTH when it runs. A read-only profile gets
// --arm with the reason writes are armed with now, or a placeholder the user must replace.

#include "deployment/ConnectionProfile.h"

#include <string>
#include <utility>
#include <vector>

namespace kiq::write {

// What the command does: its subcommand words, then its options in order (an empty value is a flag),
// then positional arguments. `confirms`: the command asks before acting, so --yes is added.
struct CliAction {
    std::vector<std::string> words;
    std::vector<std::pair<std::string, std::string>> options;
    std::vector<std::string> positional;
    bool confirms = false;
    bool writes = true; // a write: --arm on a read-only profile
};

// Where the command runs: a saved profile by name, or (the local sandbox, never saved) the connection's
// own flags from its options, without any password.
struct CliTarget {
    std::string profileName; // empty: connection flags from `options`
    redis::ConnectionOptions options;
    bool readOnly = false; // the profile opens read-only: writes need --arm
    std::string armReason; // the reason writes are armed with now; empty: kArmPlaceholder

    static CliTarget of(const deployment::ConnectionProfile& profile, bool saved, std::string armReason = {});
};

inline constexpr const char* kArmPlaceholder = "REPLACE WITH THE REASON FOR THIS CHANGE";

struct CliInvocation {
    std::vector<std::string> argv; // argv[0] is "kiqdesk-cli"
    std::string line; // argv quoted for a POSIX shell
};

CliInvocation cliInvocation(const CliTarget& target, const CliAction& action);

// One word for a POSIX shell: as it is when it has only safe characters, else in single quotes with an
// embedded ' written '\''.
std::string shellQuote(const std::string& word);

// The actions of the app, described as kiqdesk-cli has them.
// `jobs VERB --set SET [--filter F] [--jid J]... [--all] [--to Q]`: a bulk action (a filter, or every job
// with `all`) or the selected jobs by JID. `set` is "retry", "dead", "scheduled" or "queue:NAME".
CliAction jobsAction(const std::string& verb, const std::string& set, const std::string& filter,
    const std::vector<std::string>& jids = {}, const std::string& toQueue = {}, bool all = false);
CliAction jobsList(const std::string& set, const std::string& filter); // read-only
CliAction queueAction(const std::string& verb, const std::string& queue); // clear, pause, resume
CliAction processSignal(const std::string& verb, const std::vector<std::string>& identities, bool all); // quiet, stop
// The ACL editor's rules; passwords must already be hashed (AclRules::hashedPasswords).
CliAction aclSet(const std::string& user, const std::vector<std::string>& ruleTokens);
CliAction aclDelete(const std::string& user);
CliAction aclApplyRole(const std::string& role, const std::string& user);
CliAction aclLogReset();
CliAction undoRestore(long long id);
// `kiqdesk-cli work`: a local worker pool as the Workers page starts it.
struct WorkSpec {
    std::vector<std::string> queues; // "name" or "name,weight"
    int concurrency = 5;
    std::string handlerFile; // empty: none
    bool builtins = true; // the Kiqdesk::Sleep/Fail/Echo demo handlers
    std::string logLevel; // "INFO", ...; empty: the CLI's default
    int shutdownTimeoutSeconds = -1; // < 0: the CLI's default
};
CliAction work(const WorkSpec& spec);

} // namespace kiq::write

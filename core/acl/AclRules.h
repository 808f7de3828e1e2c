#pragma once
// A Redis ACL rule list ("on >secret ~queue:* %R~stat:* +@read -flushall &events") as a typed value:
// parsed, edited, and written back in the form ACL SETUSER takes. One parser serves the editor, the
// role templates and the diff, so they cannot disagree about what a rule means.
//
// Passwords: ">secret" is turned into "#<sha256>" by hashedPasswords() before a rule line is shown or
// sent, so clear-text passwords never reach a log, the diff view or the audit trail.

#include <string>
#include <string_view>
#include <vector>

namespace kiq::acl {

struct AclRules {
    enum class State { Unchanged, On, Off };
    State state = State::Unchanged;
    bool reset = false; // "reset": start from nothing
    bool noPass = false; // "nopass"
    bool resetPass = false; // "resetpass"
    std::vector<std::string> addPasswords; // ">clear" (kept only until hashed)
    std::vector<std::string> removePasswords; // "<clear"
    std::vector<std::string> addHashes; // "#<sha256 hex>"
    std::vector<std::string> removeHashes; // "!<sha256 hex>"
    bool resetKeys = false; // "resetkeys"
    std::vector<std::string> keyPatterns; // "~p", "%R~p", "%W~p", "%RW~p" as written ("allkeys" is "~*")
    bool resetChannels = false; // "resetchannels"
    std::vector<std::string> channelPatterns; // "&p" ("allchannels" is "&*")
    std::vector<std::string>
        commandRules; // "+cmd", "-cmd", "+@cat", "-@cat", "+cmd|sub", "allcommands" as "+@all", "nocommands" as "-@all"
    std::vector<std::string> selectors; // "(…)" kept verbatim

    // Throws redis::UsageError naming the bad token (and its position) for anything ACL would reject.
    static AclRules parse(std::string_view text);
    // Tokens in the order ACL SETUSER applies them well: reset first, then state, passwords, keys,
    // channels, commands, selectors.
    std::vector<std::string> tokens() const;
    std::string toString() const; // tokens joined by spaces
    // The same rules with every ">clear" / "<clear" replaced by "#sha256" / "!sha256".
    AclRules hashedPasswords() const;
};

std::string sha256Hex(std::string_view text);

} // namespace kiq::acl

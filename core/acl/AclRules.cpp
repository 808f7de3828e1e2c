#include "acl/AclRules.h"

#include "redis/Errors.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace kiq::acl {

namespace {
// The rules as an error message may show them: every clear-text password (">pw", "<pw") masked.
std::string masked(std::string_view text)
{
    std::string out(text);
    bool tokenStart = true;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const bool space = std::isspace(static_cast<unsigned char>(out[i]));
        if (tokenStart && !space && (out[i] == '>' || out[i] == '<')) {
            std::size_t end = i + 1;
            while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end]))) ++end;
            out.replace(i + 1, end - i - 1, "***");
            i += 3;
            tokenStart = false;
            continue;
        }
        tokenStart = space;
    }
    return out;
}

[[noreturn]] void fail(std::string_view text, std::size_t at, const std::string& why)
{
    throw redis::UsageError("ACL rules '" + masked(text) + "', at character " + std::to_string(at + 1) + ": " + why);
}

bool isHexSha256(std::string_view s)
{
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c));
    });
}

bool validCommandName(std::string_view s)
{
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '|' || c == '-' || c == '_' || c == '.' || c == ':';
    });
}
} // namespace

std::string sha256Hex(std::string_view text)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

AclRules AclRules::parse(std::string_view text)
{
    AclRules r;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i >= text.size()) break;
        const std::size_t start = i;
        std::string token;
        if (text[i] == '(') {
            // A selector runs to its matching ')', spaces included.
            const auto close = text.find(')', i);
            if (close == std::string_view::npos) fail(text, start, "unterminated selector '('");
            r.selectors.emplace_back(text.substr(i, close - i + 1));
            i = close + 1;
            continue;
        }
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) token += text[i++];
        std::string lowered = token;
        std::transform(
            lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return char(std::tolower(c)); });

        if (lowered == "on")
            r.state = State::On;
        else if (lowered == "off")
            r.state = State::Off;
        else if (lowered == "reset")
            r.reset = true;
        else if (lowered == "nopass")
            r.noPass = true;
        else if (lowered == "resetpass")
            r.resetPass = true;
        else if (lowered == "resetkeys")
            r.resetKeys = true;
        else if (lowered == "resetchannels")
            r.resetChannels = true;
        else if (lowered == "allkeys")
            r.keyPatterns.emplace_back("~*");
        else if (lowered == "allchannels")
            r.channelPatterns.emplace_back("&*");
        else if (lowered == "allcommands")
            r.commandRules.emplace_back("+@all");
        else if (lowered == "nocommands")
            r.commandRules.emplace_back("-@all");
        else if (token[0] == '>' || token[0] == '<') {
            if (token.size() == 1) fail(text, start, "empty password");
            (token[0] == '>' ? r.addPasswords : r.removePasswords).push_back(token.substr(1));
        } else if (token[0] == '#' || token[0] == '!') {
            const std::string hash = token.substr(1);
            if (!isHexSha256(hash)) fail(text, start, "a password hash must be 64 lowercase hex characters (SHA-256)");
            (token[0] == '#' ? r.addHashes : r.removeHashes).push_back(hash);
        } else if (token[0] == '~') {
            if (token.size() == 1) fail(text, start, "empty key pattern");
            r.keyPatterns.push_back(token);
        } else if (token[0] == '%') {
            const auto tilde = token.find('~');
            const std::string perms = tilde == std::string::npos ? "" : lowered.substr(1, tilde - 1);
            if (tilde == std::string::npos || tilde + 1 >= token.size()
                || (perms != "r" && perms != "w" && perms != "rw" && perms != "wr"))
                fail(text, start, "key permissions are written %R~pattern, %W~pattern or %RW~pattern");
            r.keyPatterns.push_back(token);
        } else if (token[0] == '&') {
            if (token.size() == 1) fail(text, start, "empty channel pattern");
            r.channelPatterns.push_back(token);
        } else if (token[0] == '+' || token[0] == '-') {
            const std::string_view name = std::string_view(token).substr(token[1] == '@' ? 2 : 1);
            if (!validCommandName(name)) fail(text, start, "'" + token + "' is not a command or @category");
            r.commandRules.push_back(lowered);
        } else {
            fail(text, start, "unknown rule '" + token + "'");
        }
    }
    return r;
}

std::vector<std::string> AclRules::tokens() const
{
    std::vector<std::string> out;
    if (reset) out.emplace_back("reset");
    if (state == State::On) out.emplace_back("on");
    if (state == State::Off) out.emplace_back("off");
    if (resetPass) out.emplace_back("resetpass");
    if (noPass) out.emplace_back("nopass");
    for (const auto& p : addPasswords) out.push_back(">" + p);
    for (const auto& p : removePasswords) out.push_back("<" + p);
    for (const auto& h : addHashes) out.push_back("#" + h);
    for (const auto& h : removeHashes) out.push_back("!" + h);
    if (resetKeys) out.emplace_back("resetkeys");
    out.insert(out.end(), keyPatterns.begin(), keyPatterns.end());
    if (resetChannels) out.emplace_back("resetchannels");
    out.insert(out.end(), channelPatterns.begin(), channelPatterns.end());
    out.insert(out.end(), commandRules.begin(), commandRules.end());
    out.insert(out.end(), selectors.begin(), selectors.end());
    return out;
}

std::string AclRules::toString() const
{
    std::string out;
    for (const auto& t : tokens()) {
        if (!out.empty()) out += ' ';
        out += t;
    }
    return out;
}

AclRules AclRules::hashedPasswords() const
{
    AclRules r = *this;
    for (const auto& p : r.addPasswords) r.addHashes.push_back(sha256Hex(p));
    for (const auto& p : r.removePasswords) r.removeHashes.push_back(sha256Hex(p));
    r.addPasswords.clear();
    r.removePasswords.clear();
    return r;
}

} // namespace kiq::acl

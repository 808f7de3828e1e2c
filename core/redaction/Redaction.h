#pragma once
// Hides what job arguments may carry (passwords, tokens, card numbers, PII) wherever a payload is
// shown or leaves the app: the inspector, the job tables, the clipboard, exports, the pool's log and
// the CLI's output. The threat model (docs/safety.md) assumes arguments can hold secrets.
//
// Rules, per profile:
//   - key names: a value whose key matches is hidden, whatever its type (a whole object too). Keys are
//     compared by words, ignoring case and '_'/'-'/camelCase: "token" hides "access_token" and
//     "refreshToken" but not "tokenizer"; "api_key" hides "apiKey" and "x-api-key".
//   - JSON paths: positional arguments have no key, so `args[1]` hides the second argument,
//     `args[*].card` the "card" of every argument, `error_message` a top-level field.
//   - value patterns: JWTs, PEM private keys, card numbers (14–19 digits passing the Luhn check), AWS
//     access key ids, and e-mail addresses when asked for. Applied, with the key rules' `key=value`
//     form ("token=abc" in an error message), to every string and number except Sidekiq's own
//     bookkeeping fields (jid, created_at, …: a 13-digit millisecond time is no card).
//
// Redacting a payload keeps every byte outside a hidden value, so the result still parses and diffs
// cleanly against the original. Text that is not valid JSON gets the free-text treatment (text()).
//
//     const Redactor r(profile.redaction);
//     inspector->setText(r.payload(job.raw));      // {"args":["[REDACTED]"],…}
//     log.info(r.text("login password=hunter2"));  // "login password=[REDACTED]"

#include <QRegularExpression>

#include <string>
#include <string_view>
#include <vector>

namespace kiq::redaction {

inline constexpr std::string_view kMask = "[REDACTED]";

struct RedactionRules {
    bool enabled = true;
    std::vector<std::string> keys = defaultKeys();
    std::vector<std::string> paths;
    bool valuePatterns = true; // JWT, PEM private key, card numbers, AWS access key ids
    bool emails = false;

    static std::vector<std::string> defaultKeys(); // password, passwd, secret, token, api_key, …
    // Everything off: what `--no-redact` and a profile that opts out use.
    static RedactionRules none();

    bool operator==(const RedactionRules&) const = default;
};

// A comma- or newline-separated list as typed in a settings field: trimmed, empty items dropped.
std::vector<std::string> splitList(std::string_view text);
std::string joinList(const std::vector<std::string>& items);

// Why a path rule cannot be used ("args[x]: an index must be a number or *"), or empty when it can.
std::string checkPath(std::string_view path);

class Redactor {
public:
    explicit Redactor(RedactionRules rules = {});

    const RedactionRules& rules() const { return m_rules; }
    bool active() const { return m_rules.enabled; }

    // A whole job payload (an object with "args", "class", …).
    std::string payload(std::string_view json) const;
    // A job's "args" array on its own: path rules apply as if it were the payload's "args".
    std::string args(std::string_view json) const;
    // The first bytes of a longer "args" array (what a job table keeps): the complete top-level
    // arguments redacted as args() does, the cut one dropped; "…" marks the cut. A cut first argument
    // shows as "[…".
    std::string argsPrefix(std::string_view prefix) const;
    // Free text (a log line, an error message): `"key": value` and `key=value` pairs whose key matches,
    // and the value patterns.
    std::string text(std::string_view text) const;

private:
    class Walker;
    struct PathStep {
        std::string name; // a member name ("*": any), or empty for an array element
        long index = -1; // an array element's index (kAnyIndex: any)
    };
    static constexpr long kAnyIndex = -2;

    bool keyMatches(std::string_view key) const;
    bool pathMatches(const std::vector<PathStep>& path) const;
    // `text` with pattern matches masked; sets *changed when something was.
    std::string patterns(std::string_view text, bool* changed) const;
    // Free text: key pairs, then patterns; sets *changed when something was masked.
    std::string scrub(std::string_view text, bool* changed) const;
    std::string walk(std::string_view json, std::vector<PathStep> start) const;

    RedactionRules m_rules;
    std::vector<std::string> m_keys; // each key rule as its lower-case words, joined
    std::vector<std::vector<PathStep>> m_paths;
    QRegularExpression m_patterns;
    QRegularExpression m_pairs;
};

} // namespace kiq::redaction

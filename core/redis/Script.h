#pragma once
// A Lua script run with EVALSHA, falling back to EVAL when the server does not have it cached
// (NOSCRIPT after a restart or SCRIPT FLUSH), as Sidekiq's scheduled.rb does.

#include "redis/Client.h"

#include <string>
#include <vector>

namespace kiq::redis {

class Script {
public:
    explicit Script(std::string source);
    const std::string& sha1() const { return m_sha1; }
    const std::string& source() const { return m_source; }

    // keys are Redis keys (namespaced and routed by the client), args are plain values.
    Reply run(Client& client, const std::vector<std::string>& keys, const std::vector<std::string>& args) const;

    struct Call {
        std::vector<std::string> keys;
        std::vector<std::string> args;
    };
    // Several calls in one pipeline; those answered NOSCRIPT (which ran nothing) are sent again with EVAL.
    std::vector<Reply> runMany(Client& client, const std::vector<Call>& calls) const;

    // The commands themselves, for callers that send them on their own (PipelineStream): SCRIPT LOAD
    // first on that connection, then EVALSHA.
    Command load() const;
    Command evalSha(const Call& call) const { return build("EVALSHA", m_sha1, call.keys, call.args); }

private:
    Command build(const char* verb, const std::string& body, const std::vector<std::string>& keys,
        const std::vector<std::string>& args) const;

    std::string m_source;
    std::string m_sha1;
};

} // namespace kiq::redis

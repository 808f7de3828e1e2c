#include "redis/Script.h"

#include "redis/Errors.h"

#include <openssl/sha.h>

namespace kiq::redis {

Script::Script(std::string source)
    : m_source(std::move(source))
{
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(m_source.data()), m_source.size(), digest);
    static const char* hex = "0123456789abcdef";
    for (unsigned char b : digest) {
        m_sha1 += hex[b >> 4];
        m_sha1 += hex[b & 15];
    }
}

Command Script::build(const char* verb, const std::string& body, const std::vector<std::string>& keys,
    const std::vector<std::string>& args) const
{
    Command c(verb);
    c.arg(body).arg(static_cast<long long>(keys.size()));
    for (const auto& k : keys) c.key(k);
    for (const auto& a : args) c.arg(a);
    return c;
}

Command Script::load() const
{
    return Command("SCRIPT").arg(std::string_view("LOAD")).arg(m_source);
}

Reply Script::run(Client& client, const std::vector<std::string>& keys, const std::vector<std::string>& args) const
{
    Reply r = client.command(build("EVALSHA", m_sha1, keys, args));
    if (r.isError() && classifyReplyError(r.str) == ErrorKind::NoScript)
        r = client.command(build("EVAL", m_source, keys, args));
    return r;
}

std::vector<Reply> Script::runMany(Client& client, const std::vector<Call>& calls) const
{
    std::vector<Command> cmds;
    cmds.reserve(calls.size());
    for (const auto& c : calls) cmds.push_back(build("EVALSHA", m_sha1, c.keys, c.args));
    std::vector<Reply> replies = client.pipeline(cmds);
    for (std::size_t i = 0; i < replies.size(); ++i)
        if (replies[i].isError() && classifyReplyError(replies[i].str) == ErrorKind::NoScript)
            replies[i] = client.command(build("EVAL", m_source, calls[i].keys, calls[i].args));
    return replies;
}

} // namespace kiq::redis

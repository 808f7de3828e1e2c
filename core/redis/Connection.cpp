#include "redis/Connection.h"

#include "redis/Errors.h"

namespace kiq::redis {

Connection::Connection(const Endpoint& endpoint, const ConnectionOptions& options, const Auth& auth, int db)
    : m_endpoint(endpoint)
    , m_commandTimeout(options.commandTimeout)
{
    m_transport = openTransport(endpoint, options.tls, Clock::now() + options.connectTimeout);

    // The handshake is one pipelined round trip: AUTH, SELECT, CLIENT SETNAME.
    std::vector<Command> handshake;
    enum Step { AuthStep, SelectStep, NameStep };
    std::vector<Step> steps;
    if (!auth.password.empty()) {
        Command c("AUTH");
        if (!auth.user.empty()) c.arg(auth.user);
        c.arg(auth.password);
        handshake.push_back(std::move(c));
        steps.push_back(AuthStep);
    }
    if (db > 0) {
        handshake.push_back(Command("SELECT").arg(db));
        steps.push_back(SelectStep);
    }
    if (!options.clientName.empty()) {
        handshake.push_back(Command("CLIENT").arg("SETNAME").arg(options.clientName));
        steps.push_back(NameStep);
    }
    if (handshake.empty()) handshake.push_back(Command("PING")), steps.push_back(NameStep);

    const auto replies = pipeline(handshake);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (!replies[i].isError()) continue;
        const std::string where = "connecting to " + endpoint.toString();
        switch (steps[i]) {
        case AuthStep:
            throw ReplyError(replies[i].str, where + (auth.user.empty() ? "" : " as '" + auth.user + "'"));
        case SelectStep:
            throw ReplyError(replies[i].str, where + ": SELECT " + std::to_string(db));
        case NameStep:
            // A server that refuses CLIENT SETNAME (ACL without +client) is still usable, but a
            // NOAUTH here means the server wants a password we did not give.
            if (classifyReplyError(replies[i].str) == ErrorKind::NoAuth) throw ReplyError(replies[i].str, where);
            break;
        }
    }
}

Reply Connection::command(const Command& cmd)
{
    send({cmd});
    return receive();
}

std::vector<Reply> Connection::pipeline(const std::vector<Command>& cmds, const std::string& keyPrefix)
{
    send(cmds, keyPrefix);
    std::vector<Reply> out;
    out.reserve(cmds.size());
    for (std::size_t i = 0; i < cmds.size(); ++i) out.push_back(receive());
    return out;
}

void Connection::send(const std::vector<Command>& cmds, const std::string& keyPrefix)
{
    if (m_broken) throw IoError(ErrorKind::ConnectionLost, "connection to " + m_endpoint.toString() + " is broken");
    m_sendBuffer.clear();
    for (const auto& c : cmds) c.appendResp(m_sendBuffer, keyPrefix);
    ++m_sends;
    try {
        m_transport->writeAll(m_sendBuffer.data(), m_sendBuffer.size(), Clock::now() + m_commandTimeout);
        if (m_sendBuffer.capacity() > 4 * 1024 * 1024)
            std::string().swap(m_sendBuffer); // don't hoard after a huge write
    } catch (...) {
        m_broken = true;
        throw;
    }
}

Reply Connection::receive(std::chrono::milliseconds extra)
{
    return readReply(Clock::now() + m_commandTimeout + extra);
}

Reply Connection::readReply(Deadline deadline)
{
    try {
        for (;;) {
            if (auto reply = m_parser.next()) return std::move(*reply);
            if (m_readBuffer.empty()) m_readBuffer.resize(64 * 1024);
            std::size_t n = m_transport->readSome(m_readBuffer.data(), m_readBuffer.size(), deadline);
            m_parser.feed(m_readBuffer.data(), n);
        }
    } catch (...) {
        // After a timeout or a broken stream the reply boundaries are unknown: the connection cannot
        // be reused.
        m_broken = true;
        throw;
    }
}

} // namespace kiq::redis

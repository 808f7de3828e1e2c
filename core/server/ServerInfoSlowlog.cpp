#include "server/ServerInfoSlowlog.h"

namespace kiq::server {

namespace {
long long integerAt(const std::vector<kiq::redis::Reply>& fields, std::size_t i)
{
    return i < fields.size() && fields[i].type == kiq::redis::Reply::Type::Integer ? fields[i].integer : 0;
}

std::string stringAt(const std::vector<kiq::redis::Reply>& fields, std::size_t i)
{
    if (i >= fields.size()) return {};
    const auto& r = fields[i];
    return r.type == kiq::redis::Reply::Type::String || r.type == kiq::redis::Reply::Type::Status ? r.str
                                                                                                  : std::string();
}
} // namespace

std::vector<SlowlogEntry> parseSlowlog(const kiq::redis::Reply& reply)
{
    reply.throwIfError();
    std::vector<SlowlogEntry> out;
    for (const auto& item : reply.asArray()) {
        if (!item.isArray()) continue; // not an entry: skip rather than fail the whole page
        const auto& f = item.elements;
        SlowlogEntry e;
        e.id = integerAt(f, 0);
        e.timestamp = integerAt(f, 1);
        e.duration = std::chrono::microseconds(integerAt(f, 2));
        if (f.size() > 3 && f[3].isArray())
            for (const auto& arg : f[3].elements) e.args.push_back(arg.str);
        e.clientAddress = stringAt(f, 4);
        e.clientName = stringAt(f, 5);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace kiq::server

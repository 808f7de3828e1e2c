#include "RespParser.h"

#include "Errors.h"

#include <hiredis.h>

namespace kiq::redis {

namespace {
Reply convert(const redisReply* r)
{
    switch (r->type) {
    case REDIS_REPLY_STATUS: return Reply::status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR: return Reply::error(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER: return Reply::fromInteger(r->integer);
    case REDIS_REPLY_STRING: return Reply::string(std::string(r->str, r->len));
    case REDIS_REPLY_NIL: return Reply::nil();
    case REDIS_REPLY_ARRAY: {
        std::vector<Reply> items;
        items.reserve(r->elements);
        for (size_t i = 0; i < r->elements; ++i) items.push_back(convert(r->element[i]));
        return Reply::array(std::move(items));
    }
    default: throw ProtocolError("unknown reply type " + std::to_string(r->type));
    }
}
} // namespace

void RespParser::ReaderDeleter::operator()(redisReader* r) const { redisReaderFree(r); }

RespParser::RespParser() : m_reader(redisReaderCreate())
{
    if (!m_reader) throw std::bad_alloc();
}

RespParser::~RespParser() = default;

void RespParser::feed(const char* data, std::size_t size)
{
    if (redisReaderFeed(m_reader.get(), data, size) != REDIS_OK)
        throw ProtocolError(std::string("RESP reader: ") + m_reader->errstr);
}

std::optional<Reply> RespParser::next()
{
    void* raw = nullptr;
    if (redisReaderGetReply(m_reader.get(), &raw) != REDIS_OK)
        throw ProtocolError(std::string("malformed reply from server: ") + m_reader->errstr);
    if (!raw) return std::nullopt;
    auto* reply = static_cast<redisReply*>(raw);
    try {
        Reply out = convert(reply);
        freeReplyObject(reply);
        return out;
    } catch (...) {
        freeReplyObject(reply);
        throw;
    }
}

} // namespace kiq::redis

#include "RespParser.h"

#include "Errors.h"

#include <hiredis.h>

#include <memory>

namespace kiq::redis {

namespace {
// hiredis' reader calls these to build each value; building our Reply here (instead of hiredis'
// redisReply, converted afterwards) saves an allocation and a copy per value. They are called from
// C, so nothing may throw out of them: a failure returns nullptr, which the reader reports as an error.

// A server may announce any element count; refuse absurd ones instead of allocating them.
constexpr int kMaxElements = 64 * 1024 * 1024;

// Nested values go into their parent's element slot; the top-level value goes into the parser's
// own root slot (privdata), so a reply costs no allocation of its own.
void* place(const redisReadTask* task, Reply&& value)
{
    Reply& slot = task->parent ? static_cast<Reply*>(task->parent->obj)->elements[std::size_t(task->idx)]
                               : *static_cast<Reply*>(task->privdata);
    slot = std::move(value);
    return &slot;
}

void* createString(const redisReadTask* task, char* str, size_t len)
{
    try {
        std::string s(str, len);
        switch (task->type) {
        case REDIS_REPLY_ERROR: return place(task, Reply::error(std::move(s)));
        case REDIS_REPLY_STATUS: return place(task, Reply::status(std::move(s)));
        default: return place(task, Reply::string(std::move(s)));
        }
    } catch (...) {
        return nullptr;
    }
}

void* createArray(const redisReadTask* task, int elements)
{
    if (elements < 0 || elements > kMaxElements) return nullptr;
    try {
        Reply r = Reply::array({});
        r.elements.resize(std::size_t(elements));
        return place(task, std::move(r));
    } catch (...) {
        return nullptr;
    }
}

void* createInteger(const redisReadTask* task, long long value)
{
    try {
        return place(task, Reply::fromInteger(value));
    } catch (...) {
        return nullptr;
    }
}

void* createNil(const redisReadTask* task)
{
    try {
        return place(task, Reply::nil());
    } catch (...) {
        return nullptr;
    }
}

// hiredis frees only the root object (nested values live inside it); the root slot is reused.
void freeObject(void* obj) { *static_cast<Reply*>(obj) = Reply{}; }

redisReplyObjectFunctions kReplyFunctions{createString, createArray, createInteger, createNil, freeObject};
} // namespace

void RespParser::ReaderDeleter::operator()(redisReader* r) const { redisReaderFree(r); }

RespParser::RespParser() : m_reader(redisReaderCreateWithFunctions(&kReplyFunctions))
{
    if (!m_reader) throw std::bad_alloc();
    m_reader->privdata = &m_root; // (redisReaderSetPrivdata casts the pointer to int: unusable in C++)
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
        throw ProtocolError(std::string("malformed or oversized reply from server: ") + m_reader->errstr);
    if (!raw) return std::nullopt;
    Reply out = std::move(m_root);
    m_root = Reply{};
    return out;
}

} // namespace kiq::redis

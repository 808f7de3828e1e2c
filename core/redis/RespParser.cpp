#include "redis/RespParser.h"

#include "redis/Errors.h"

#include <hiredis.h>

#include <algorithm>
#include <memory>
#include <string>

namespace kiq::redis {

namespace {
// hiredis' reader calls these to build each value; building our Reply here (instead of hiredis'
// redisReply, converted afterwards) saves an allocation and a copy per value. They are called from
// C, so nothing may throw out of them: a failure returns nullptr, which the reader reports as an error.

using Building = RespParser::Building;

// A server may announce any element count, and the header arrives long before the elements: room
// is made as they arrive, never up front, so a lying header costs nothing.
constexpr std::size_t kInitialElements = 1024;

// Nested values are appended to their parent (hiredis builds depth-first, in order, so a parent
// whose later siblings move it is already complete); the top-level value goes into the parser's
// own root slot (privdata), so a reply costs no allocation of its own.
void* place(const redisReadTask* task, Reply&& value)
{
    if (!task->parent) {
        Reply& root = static_cast<Building*>(task->privdata)->root;
        root = std::move(value);
        return &root;
    }
    auto& elements = static_cast<Reply*>(task->parent->obj)->elements;
    if (std::size_t(task->idx) != elements.size()) return nullptr; // out of order: never happens
    elements.push_back(std::move(value));
    return &elements.back();
}

void* createString(const redisReadTask* task, char* str, size_t len)
{
    try {
        std::string s(str, len);
        switch (task->type) {
        case REDIS_REPLY_ERROR:
            return place(task, Reply::error(std::move(s)));
        case REDIS_REPLY_STATUS:
            return place(task, Reply::status(std::move(s)));
        default:
            return place(task, Reply::string(std::move(s)));
        }
    } catch (...) {
        return nullptr;
    }
}

void* createArray(const redisReadTask* task, int elements)
{
    try {
        // (hiredis itself refuses counts beyond an int: "Multi-bulk length out of range".)
        if (elements < 0 || elements > RespParser::kMaxAnnouncedElements) {
            static_cast<Building*>(task->privdata)->refusal = "the server announced an array of "
                + std::to_string(elements) + " elements, over the limit of "
                + std::to_string(RespParser::kMaxAnnouncedElements);
            return nullptr;
        }
        Reply r = Reply::array({});
        r.elements.reserve(std::min(std::size_t(elements), kInitialElements));
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
void freeObject(void* obj)
{
    *static_cast<Reply*>(obj) = Reply {};
}

redisReplyObjectFunctions kReplyFunctions {createString, createArray, createInteger, createNil, freeObject};
} // namespace

void RespParser::ReaderDeleter::operator()(redisReader* r) const
{
    redisReaderFree(r);
}

RespParser::RespParser()
    : m_reader(redisReaderCreateWithFunctions(&kReplyFunctions))
{
    if (!m_reader) throw std::bad_alloc();
    m_reader->privdata = &m_building; // (redisReaderSetPrivdata casts the pointer to int: unusable in C++)
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
        throw ProtocolError("malformed or oversized reply from server: "
            + (m_building.refusal.empty() ? std::string(m_reader->errstr) : m_building.refusal));
    if (!raw) return std::nullopt;
    Reply out = std::move(m_building.root);
    m_building.root = Reply {};
    return out;
}

} // namespace kiq::redis

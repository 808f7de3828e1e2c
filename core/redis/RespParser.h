#pragma once
// Bytes in, replies out: a thin owner of hiredis' reader. No sockets here, so it can be tested and
// fuzzed with split byte fragments.

#include "redis/Reply.h"

#include <cstddef>
#include <memory>
#include <optional>

struct redisReader;

namespace kiq::redis {

class RespParser {
public:
    RespParser();
    ~RespParser();
    RespParser(const RespParser&) = delete;
    RespParser& operator=(const RespParser&) = delete;

    void feed(const char* data, std::size_t size);
    // The next complete reply, or nullopt if more bytes are needed. Throws ProtocolError on bad input
    // (the parser is then unusable; the connection must be dropped).
    std::optional<Reply> next();

    // The largest element count a reply may announce. Arrays grow as their elements arrive, so this
    // bounds a header, not memory; beyond it the reply is a protocol error.
    static constexpr long long kMaxAnnouncedElements = 16 * 1024 * 1024;

    // What hiredis' callbacks build into (its privdata points here, so the parser never moves).
    struct Building {
        Reply root; // the reply being built
        std::string refusal; // why a callback refused a value, for the error message
    };

private:
    struct ReaderDeleter {
        void operator()(redisReader* r) const;
    };
    Building m_building;
    std::unique_ptr<redisReader, ReaderDeleter> m_reader;
};

} // namespace kiq::redis

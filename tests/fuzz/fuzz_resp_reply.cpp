// The reply path: bytes split at fuzzer-chosen points through hiredis' reader into our Reply, then
// every accessor. Nothing may crash, leak or read out of bounds; errors must be ProtocolError/ReplyError.
#include "redis/Errors.h"
#include "redis/RespParser.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    const std::size_t split = data[0] % 16 + 1; // feed in pieces of 1..16 bytes
    kiq::redis::RespParser parser;
    try {
        for (std::size_t i = 1; i < size; i += split) {
            parser.feed(reinterpret_cast<const char*>(data + i), std::min(split, size - i));
            while (auto reply = parser.next()) {
                (void)reply->debugString();
                try {
                    (void)reply->asStringList();
                } catch (const kiq::redis::Error&) {
                }
                try {
                    (void)reply->asInteger();
                } catch (const kiq::redis::Error&) {
                }
            }
        }
    } catch (const kiq::redis::ProtocolError&) {
    }
    return 0;
}

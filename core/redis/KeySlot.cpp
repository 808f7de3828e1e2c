#include "redis/KeySlot.h"

namespace kiq::redis {

std::uint16_t crc16(std::string_view data)
{
    // CRC16-CCITT (XMODEM), polynomial 0x1021, as in Redis' cluster spec.
    std::uint16_t crc = 0;
    for (unsigned char byte : data) {
        crc ^= std::uint16_t(byte) << 8;
        for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? std::uint16_t((crc << 1) ^ 0x1021) : std::uint16_t(crc << 1);
    }
    return crc;
}

int keySlot(std::string_view key)
{
    // Only the part between the first '{' and the next '}' is hashed, if that part is non-empty.
    if (auto open = key.find('{'); open != std::string_view::npos) {
        if (auto close = key.find('}', open + 1); close != std::string_view::npos && close > open + 1)
            key = key.substr(open + 1, close - open - 1);
    }
    return crc16(key) & 16383;
}

bool prefixPinsSlot(std::string_view prefix)
{
    const auto open = prefix.find('{');
    if (open == std::string_view::npos) return false;
    const auto close = prefix.find('}', open + 1);
    return close != std::string_view::npos && close > open + 1;
}

} // namespace kiq::redis

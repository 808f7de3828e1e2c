#pragma once
// Redis Cluster key slot: CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384.

#include <cstdint>
#include <string_view>

namespace kiq::redis {

std::uint16_t crc16(std::string_view data);
int keySlot(std::string_view key);
// True when every key that starts with `prefix` hashes to one slot: the prefix holds the key's first
// '{' and a non-empty {hash tag} closes inside it.
bool prefixPinsSlot(std::string_view prefix);

} // namespace kiq::redis

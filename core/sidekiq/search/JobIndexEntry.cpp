#include "sidekiq/search/JobIndexEntry.h"

#include <cstring>

namespace kiq::sidekiq {

namespace {
// Multiply-fold mixing as in wyhash: fast on 8-byte words and good enough to tell apart the members
// of one sorted set (a collision would make two members at one score look like one).
__extension__ typedef unsigned __int128 Wide;
constexpr std::uint64_t kP0 = 0xa0761d6478bd642fULL;
constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbULL;
constexpr std::uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;
constexpr std::uint64_t kP3 = 0x589965cc75374cc3ULL;

std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    const Wide r = Wide(a) * b;
    return std::uint64_t(r) ^ std::uint64_t(r >> 64);
}

std::uint64_t read8(const char* p)
{
    std::uint64_t v = 0;
    std::memcpy(&v, p, 8);
    return v;
}
} // namespace

std::uint64_t jobIndexPayloadHash(std::string_view bytes)
{
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t h = mix(std::uint64_t(n) ^ kP1, kP0);
    while (n >= 16) {
        h = mix(read8(p) ^ kP1, read8(p + 8) ^ h ^ kP2);
        p += 16;
        n -= 16;
    }
    std::uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = read8(p);
        b = read8(p + n - 8);
    } else if (n > 0) {
        std::memcpy(&a, p, n);
    }
    h = mix(a ^ kP2 ^ n, b ^ h ^ kP3);
    return mix(h ^ kP1, std::uint64_t(bytes.size()) ^ kP0);
}

} // namespace kiq::sidekiq

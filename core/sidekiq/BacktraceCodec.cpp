#include "sidekiq/BacktraceCodec.h"

#include "sidekiq/JsonDom.h"
#include "sidekiq/JsonText.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>

namespace kiq::sidekiq::BacktraceCodec {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<signed char, 256> makeDecodeTable()
{
    std::array<signed char, 256> table {};
    for (auto& v : table) v = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
    return table;
}
constexpr auto kDecode = makeDecodeTable();

bool isBase64Whitespace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}
} // namespace

std::string base64EncodeStrict(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const unsigned v = at(i) << 16;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.append("==");
    } else if (rest == 2) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

std::optional<std::string> base64DecodeLenient(std::string_view text)
{
    std::string out;
    out.reserve(text.size() / 4 * 3 + 3);
    unsigned accumulator = 0;
    int bits = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (isBase64Whitespace(c)) continue;
        if (c == '=') break;
        const int v = kDecode[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        accumulator = (accumulator << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
        }
    }
    // After '=' only more '=' and whitespace may follow.
    for (; i < text.size(); ++i) {
        if (text[i] != '=' && !isBase64Whitespace(text[i])) return std::nullopt;
    }
    // 6 leftover bits means a single dangling character: not valid base64.
    if (bits >= 6) return std::nullopt;
    return out;
}

std::optional<std::string> zlibDeflate(std::string_view bytes)
{
    if (bytes.size() > UINT_MAX / 2) return std::nullopt;
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::string out(size, '\0');
    const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
        static_cast<uLong>(bytes.size()), Z_DEFAULT_COMPRESSION);
    if (rc != Z_OK) return std::nullopt;
    out.resize(size);
    return out;
}

std::optional<std::string> zlibInflate(std::string_view bytes, std::size_t maxOutput)
{
    z_stream stream {};
    if (inflateInit(&stream) != Z_OK) // RFC 1950 wrapper, as Zlib::Inflate.inflate expects
        return std::nullopt;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), UINT_MAX));
    std::string out;
    char chunk[16384];
    int rc = Z_OK;
    do {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = sizeof chunk;
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        out.append(chunk, sizeof chunk - stream.avail_out);
        if (out.size() > maxOutput) {
            rc = Z_MEM_ERROR;
            break;
        }
        // No progress and no end: the input is truncated.
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            rc = Z_BUF_ERROR;
            break;
        }
    } while (rc != Z_STREAM_END);
    inflateEnd(&stream);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

std::string encode(const std::vector<std::string>& lines)
{
    std::string json = "[";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) json.push_back(',');
        json::appendQuoted(json, lines[i]);
    }
    json.push_back(']');
    const std::optional<std::string> compressed = zlibDeflate(json);
    return compressed ? base64EncodeStrict(*compressed) : std::string();
}

Decoded decodeJsonArray(std::string_view jsonArray)
{
    Decoded result;
    detail::DomParser parser;
    simdjson::dom::element root;
    if (const auto error = parser.parse(jsonArray).get(root)) {
        result.error = std::string("backtrace is not valid JSON: ") + simdjson::error_message(error);
        return result;
    }
    simdjson::dom::array array;
    if (root.get_array().get(array) != simdjson::SUCCESS) {
        result.error = std::string("backtrace JSON is ") + json::describe(detail::kindOf(root)) + ", expected an array";
        return result;
    }
    result.lines.reserve(array.size());
    for (simdjson::dom::element line : array) result.lines.push_back(detail::toDisplayText(line));
    return result;
}

Decoded decode(std::string_view base64Text)
{
    Decoded result;
    const std::optional<std::string> compressed = base64DecodeLenient(base64Text);
    if (!compressed) {
        result.error = "backtrace is not valid base64";
        return result;
    }
    const std::optional<std::string> json = zlibInflate(*compressed);
    if (!json) {
        result.error = "backtrace is not a valid zlib stream";
        return result;
    }
    result = decodeJsonArray(*json);
    if (!result.ok() && !json->empty() && json->front() == '\x04')
        result.error = "backtrace is Ruby Marshal data (written by Sidekiq < 6), not supported";
    return result;
}
} // namespace kiq::sidekiq::BacktraceCodec

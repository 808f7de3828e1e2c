#include "sidekiq/model/BacktraceCodec.h"

#include "sidekiq/json/JsonDom.h"
#include "sidekiq/json/JsonText.h"

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

namespace {
struct Inflated {
    std::string out;
    bool ok = false; // a valid stream, read to its end or to the cap
    bool capped = false; // stopped at maxOutput: `out` is a prefix
};

Inflated inflateUpTo(std::string_view bytes, std::size_t maxOutput)
{
    Inflated result;
    z_stream stream {};
    if (inflateInit(&stream) != Z_OK) // RFC 1950 wrapper, as Zlib::Inflate.inflate expects
        return result;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), UINT_MAX));
    std::string& out = result.out;
    char chunk[16384];
    int rc = Z_OK;
    do {
        stream.next_out = reinterpret_cast<Bytef*>(chunk);
        stream.avail_out = static_cast<uInt>(std::min(sizeof chunk, maxOutput + 1 - out.size()));
        const uInt offered = stream.avail_out;
        rc = inflate(&stream, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        out.append(chunk, offered - stream.avail_out);
        if (out.size() > maxOutput) {
            out.resize(maxOutput);
            result.capped = true;
            break;
        }
        // No progress and no end: the input is truncated.
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
            rc = Z_BUF_ERROR;
            break;
        }
    } while (rc != Z_STREAM_END);
    inflateEnd(&stream);
    result.ok = result.capped || rc == Z_STREAM_END;
    return result;
}

// The end of a JSON array's first `maxElements` elements, found by scanning (strings, escapes and
// nesting), so a huge array is never parsed whole. `text` may be a cut-off prefix.
struct ArrayCut {
    bool isArray = false;
    bool complete = false; // the array closes within `text`
    bool overLimit = false; // it has more than maxElements elements
    std::size_t end = 0; // just after the last whole element kept (before its ',')
    std::size_t kept = 0; // elements up to `end`
    std::size_t dropped = 0; // whole elements after `end` (those in `text`)
};

ArrayCut cutArray(std::string_view text, std::size_t maxElements)
{
    ArrayCut cut;
    std::size_t i = 0;
    while (i < text.size() && isBase64Whitespace(text[i])) ++i;
    if (i >= text.size() || text[i] != '[') return cut;
    cut.isArray = true;
    cut.end = ++i;
    int depth = 1;
    bool inString = false, escaped = false, sawValue = false;
    std::size_t commas = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '[' || c == '{')
            ++depth;
        else if (c == ']' || c == '}') {
            if (--depth == 0) {
                const std::size_t total = commas + (sawValue ? 1 : 0);
                cut.complete = true;
                cut.overLimit = total > maxElements;
                if (cut.overLimit) {
                    cut.dropped = total - cut.kept;
                } else {
                    cut.end = i + 1;
                    cut.kept = total;
                }
                return cut;
            }
        } else if (c == ',' && depth == 1) {
            if (++commas <= maxElements) {
                cut.end = i;
                cut.kept = commas;
            }
            continue;
        }
        if (!isBase64Whitespace(c)) sawValue = true;
    }
    // A prefix (or broken): the element after the last ',' is incomplete.
    cut.overLimit = commas > maxElements;
    cut.dropped = commas - cut.kept;
    return cut;
}

std::string describeDropped(std::size_t dropped, bool capped)
{
    std::string marker = "… truncated: ";
    if (dropped)
        marker += (capped ? "at least " : "") + std::to_string(dropped) + " more lines not shown";
    else
        marker += "more lines not shown";
    if (capped) marker += " (the backtrace inflates to more than " + std::to_string(kMaxInflatedBytes >> 20) + " MiB)";
    return marker;
}

// Parses `json` (a whole array, or a prefix when `capped`), keeping at most kMaxLines lines and
// kMaxTextBytes of text.
Decoded decodeArrayText(std::string_view json, bool capped)
{
    const ArrayCut cut = cutArray(json, kMaxLines);
    // Cut only what is too long; a broken array that is not is left for the parser to name.
    const bool shorten = cut.isArray && (cut.overLimit || (capped && !cut.complete));
    std::string shortened;
    if (shorten) {
        shortened.assign(json.substr(0, cut.end));
        shortened.push_back(']');
        json = shortened;
    }
    Decoded result;
    detail::DomParser parser;
    simdjson::dom::element root;
    if (const auto error = parser.parse(json).get(root)) {
        result.error = std::string("backtrace is not valid JSON: ") + simdjson::error_message(error);
        return result;
    }
    simdjson::dom::array array;
    if (root.get_array().get(array) != simdjson::SUCCESS) {
        result.error = std::string("backtrace JSON is ") + json::describe(detail::kindOf(root)) + ", expected an array";
        return result;
    }
    result.lines.reserve(std::min<std::size_t>(array.size(), kMaxLines));
    std::size_t textBytes = 0, dropped = cut.dropped;
    bool lineCut = false;
    for (simdjson::dom::element line : array) {
        if (textBytes >= kMaxTextBytes) {
            ++dropped;
            continue;
        }
        result.lines.push_back(detail::toDisplayText(line));
        textBytes += result.lines.back().size();
        if (textBytes > kMaxTextBytes) {
            lineCut = true;
            std::string& last = result.lines.back();
            last.resize(last.size() - (textBytes - kMaxTextBytes));
            while (!last.empty() && (static_cast<unsigned char>(last.back()) & 0xC0) == 0x80)
                last.pop_back(); // whole code points
            if (!last.empty() && static_cast<unsigned char>(last.back()) >= 0xC0) last.pop_back();
        }
    }
    if (shorten || dropped || lineCut) {
        result.truncated = true;
        result.lines.push_back(describeDropped(dropped, capped));
    }
    return result;
}
} // namespace

std::optional<std::string> zlibInflate(std::string_view bytes, std::size_t maxOutput)
{
    Inflated inflated = inflateUpTo(bytes, maxOutput);
    if (!inflated.ok || inflated.capped) return std::nullopt;
    return std::move(inflated.out);
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
    return decodeArrayText(jsonArray, false);
}

Decoded decode(std::string_view base64Text)
{
    Decoded result;
    const std::optional<std::string> compressed = base64DecodeLenient(base64Text);
    if (!compressed) {
        result.error = "backtrace is not valid base64";
        return result;
    }
    const Inflated json = inflateUpTo(*compressed, kMaxInflatedBytes);
    if (!json.ok) {
        result.error = "backtrace is not a valid zlib stream";
        return result;
    }
    result = decodeArrayText(json.out, json.capped);
    if (!result.ok() && !json.out.empty() && json.out.front() == '\x04')
        result.error = "backtrace is Ruby Marshal data (written by Sidekiq < 6), not supported";
    return result;
}
} // namespace kiq::sidekiq::BacktraceCodec

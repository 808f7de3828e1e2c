#include "sidekiq/model/JobRecord.h"

#include "sidekiq/json/JsonDom.h"
#include "sidekiq/json/JsonText.h"

#include <cmath>

namespace kiq::sidekiq {
namespace {
using simdjson::dom::element;
using simdjson::dom::element_type;

// Ruby's JSON.parse default max_nesting; Sidekiq.load_json cannot read deeper payloads and
// processor.rb sends them to the morgue as unparseable.
constexpr std::size_t kRubyMaxNesting = 100;

// Payloads up to this size are read through one simdjson DOM; larger ones member by member.
constexpr std::size_t kWholeDocumentLimit = 256 * 1024;

bool isKnownField(std::string_view key)
{
    static constexpr std::string_view kKnown[] = {"class", "args", "jid", "queue", "retry", "created_at", "enqueued_at",
        "at", "failed_at", "retried_at", "retry_count", "error_class", "error_message", "error_backtrace", "backtrace",
        "retry_queue", "dead", "retry_for", "tags", "wrapped", "bid", "display_class"};
    for (std::string_view known : kKnown)
        if (key == known) return true;
    return false;
}

struct ParseState {
    JobRecord& record;
    std::vector<std::string> errors;
    std::optional<std::string> displayClassField;
    std::optional<std::string> firstArgString;

    void wrongType(std::string_view key, element value, std::string_view expected)
    {
        errors.push_back("field '" + std::string(key) + "' is " + json::describe(detail::kindOf(value)) + ", expected "
            + std::string(expected));
    }
};

bool isNull(element value)
{
    return value.type() == element_type::NULL_VALUE;
}

std::optional<std::int64_t> integerOf(element value)
{
    std::int64_t i = 0;
    if (value.get_int64().get(i) == simdjson::SUCCESS) return i;
    return std::nullopt;
}

// Integer, or a float truncated like Ruby's to_i.
std::optional<std::int64_t> truncatedIntegerOf(element value)
{
    if (auto i = integerOf(value)) return i;
    double d = 0.0;
    if (value.type() == element_type::DOUBLE && value.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d)
        && std::fabs(d) < 9.2e18)
        return static_cast<std::int64_t>(d);
    return std::nullopt;
}

std::optional<Timestamp> timestampOf(element value)
{
    // The JSON number type decides the unit: float = seconds, integer = milliseconds.
    if (value.type() == element_type::DOUBLE) {
        double d = 0.0;
        if (value.get_double().get(d) == simdjson::SUCCESS) return Timestamp::fromSeconds(d);
    }
    if (auto i = integerOf(value)) return Timestamp::fromMillis(*i);
    return std::nullopt;
}

void readString(ParseState& state, std::string_view key, element value, std::string& out)
{
    std::string_view s;
    if (value.get_string().get(s) == simdjson::SUCCESS)
        out.assign(s);
    else if (!isNull(value))
        state.wrongType(key, value, "a string");
}

void readOptionalString(ParseState& state, std::string_view key, element value, std::optional<std::string>& out)
{
    std::string_view s;
    if (value.get_string().get(s) == simdjson::SUCCESS)
        out = std::string(s);
    else if (!isNull(value))
        state.wrongType(key, value, "a string");
}

void readTimestamp(ParseState& state, std::string_view key, element value, std::optional<Timestamp>& out)
{
    if (isNull(value)) return;
    if (auto t = timestampOf(value))
        out = t;
    else
        state.wrongType(key, value, "a number");
}

void applyField(ParseState& state, std::string_view key, element value)
{
    JobRecord& r = state.record;
    // Ordered roughly by frequency in real payloads.
    if (key == "class") {
        readString(state, key, value, r.className);
    } else if (key == "args") {
        simdjson::dom::array array;
        if (value.get_array().get(array) == simdjson::SUCCESS) {
            std::string_view first;
            state.firstArgString.reset();
            if (array.size() > 0 && array.at(0).get_string().get(first) == simdjson::SUCCESS)
                state.firstArgString = std::string(first);
        }
    } else if (key == "jid") {
        readString(state, key, value, r.jid);
    } else if (key == "queue") {
        readString(state, key, value, r.queue);
    } else if (key == "retry") {
        r.hasRetryKey = true;
        bool b = false;
        if (value.get_bool().get(b) == simdjson::SUCCESS)
            r.retry = b ? RetryPolicy::always() : RetryPolicy::never();
        else if (auto n = integerOf(value))
            r.retry = RetryPolicy::times(*n);
        else if (isNull(value))
            r.retry = RetryPolicy {};
        else
            state.wrongType(key, value, "true, false or an integer");
    } else if (key == "created_at") {
        readTimestamp(state, key, value, r.createdAt);
    } else if (key == "enqueued_at") {
        readTimestamp(state, key, value, r.enqueuedAt);
    } else if (key == "at") {
        readTimestamp(state, key, value, r.at);
    } else if (key == "failed_at") {
        readTimestamp(state, key, value, r.failedAt);
    } else if (key == "retried_at") {
        readTimestamp(state, key, value, r.retriedAt);
    } else if (key == "retry_count") {
        if (auto n = truncatedIntegerOf(value))
            r.retryCount = n;
        else if (!isNull(value))
            state.wrongType(key, value, "an integer");
    } else if (key == "error_class") {
        readOptionalString(state, key, value, r.errorClass);
    } else if (key == "error_message") {
        readOptionalString(state, key, value, r.errorMessage);
    } else if (key == "error_backtrace") {
        std::string_view s;
        if (value.get_string().get(s) == simdjson::SUCCESS) {
            r.errorBacktraceEncoded = std::string(s);
            r.errorBacktraceIsArray = false;
        } else if (value.type() == element_type::ARRAY) {
            r.errorBacktraceEncoded = detail::toJsonText(value);
            r.errorBacktraceIsArray = true;
        } else if (!isNull(value)) {
            state.wrongType(key, value, "a string or an array");
        }
    } else if (key == "backtrace") {
        bool b = false;
        if (value.get_bool().get(b) == simdjson::SUCCESS)
            r.backtrace = b ? BacktraceOption {BacktraceOption::Kind::All, 0} : BacktraceOption {};
        else if (auto n = truncatedIntegerOf(value))
            r.backtrace = BacktraceOption {BacktraceOption::Kind::Lines, *n};
        else if (isNull(value))
            r.backtrace = BacktraceOption {};
        else
            state.wrongType(key, value, "true, false or an integer");
    } else if (key == "retry_queue") {
        readOptionalString(state, key, value, r.retryQueue);
    } else if (key == "dead") {
        bool b = false;
        if (value.get_bool().get(b) == simdjson::SUCCESS)
            r.dead = b;
        else if (!isNull(value))
            state.wrongType(key, value, "a boolean");
    } else if (key == "retry_for") {
        if (auto n = truncatedIntegerOf(value))
            r.retryFor = n;
        else if (!isNull(value))
            state.wrongType(key, value, "a number");
    } else if (key == "tags") {
        simdjson::dom::array array;
        if (value.get_array().get(array) == simdjson::SUCCESS) {
            r.tags.clear();
            for (element tag : array) r.tags.push_back(detail::toDisplayText(tag));
        } else if (!isNull(value)) {
            state.wrongType(key, value, "an array");
        }
    } else if (key == "wrapped") {
        // Normally a class name string; anything else is shown as its JSON.
        if (!isNull(value)) r.wrapped = detail::toDisplayText(value);
    } else if (key == "bid") {
        readOptionalString(state, key, value, r.bid);
    } else if (key == "display_class") {
        readOptionalString(state, key, value, state.displayClassField);
    }
}

// "[1, \"x\", {\"a\":1}]" → "1, \"x\", {\"a\":1}": the elements joined by ", ", whitespace
// outside strings dropped. Stops reading once the limit is passed, so a 10 MB array costs
// only the bytes that are shown.
std::string displayArgs(std::string_view arrayText, std::size_t maxChars)
{
    if (arrayText.size() < 2) return {};
    const std::string_view inner = arrayText.substr(1, arrayText.size() - 2);
    std::string out;
    std::size_t chars = 0;
    std::size_t depth = 0;
    bool inString = false;
    bool escape = false;
    const auto emit = [&](char c) {
        out.push_back(c);
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
    };
    for (const char c : inner) {
        if (chars > maxChars) break;
        if (inString) {
            emit(c);
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            continue;
        case '"':
            inString = true;
            break;
        case '[':
        case '{':
            ++depth;
            break;
        case ']':
        case '}':
            if (depth) --depth;
            break;
        case ',':
            if (depth == 0) {
                emit(',');
                emit(' ');
                continue;
            }
            break;
        default:
            break;
        }
        emit(c);
    }
    return json::truncateChars(out, maxChars);
}

void joinErrors(JobRecord& r, const std::vector<std::string>& errors)
{
    for (const std::string& e : errors) {
        if (!r.parseError.empty()) r.parseError.append("; ");
        r.parseError.append(e);
    }
}
} // namespace

bool isActiveJobWrapper(std::string_view className)
{
    return className == "ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper"
        || className == "Sidekiq::ActiveJob::Wrapper";
}

BacktraceCodec::Decoded JobRecord::decodeBacktrace() const
{
    if (!errorBacktraceEncoded) return {};
    return errorBacktraceIsArray ? BacktraceCodec::decodeJsonArray(*errorBacktraceEncoded)
                                 : BacktraceCodec::decode(*errorBacktraceEncoded);
}

JobRecord JobRecord::parse(std::string raw, const JobParseOptions& options)
{
    JobRecord r;
    r.raw = std::move(raw);
    ParseState state {r, {}, {}, {}};

    // The strict scanner decides validity and gives byte spans (and error offsets); simdjson
    // extracts the values. They agree on everything except what simdjson cannot represent, e.g.
    // integers wider than 64 bits or 1e400, which Ruby reads: then the fields are read one by one.
    const json::ObjectScan scan = json::scanObject(r.raw);

    bool readable = false; // the root is an object we could read fields from
    if (scan.error) {
        // A stray byte that is not UTF-8 is reported as such, as simdjson would.
        const std::size_t at = scan.error->offset;
        if (scan.error->invalidUtf8 || (at < r.raw.size() && json::utf8SequenceLength(r.raw, at) == 0))
            state.errors.push_back("invalid UTF-8 at byte " + std::to_string(at));
        else
            state.errors.push_back(scan.error->describe());
    } else if (scan.rootKind != json::Kind::Object) {
        state.errors.push_back(std::string("payload is ") + json::describe(*scan.rootKind) + ", expected an object");
    } else {
        readable = true;
        if (scan.depth > kRubyMaxNesting)
            state.errors.push_back("nesting depth " + std::to_string(scan.depth)
                + " exceeds Ruby JSON.parse's max_nesting of 100 (Sidekiq cannot load it)");
    }

    // Fast path: one DOM for the whole payload; iterating in order makes the last duplicate key
    // win, as in Ruby. Not for large payloads: a DOM costs several times the input in memory
    // (a 10 MB args array would cost ~100 MB and most of the time), and only `args` is ever large.
    bool done = false;
    if (readable && r.raw.size() <= kWholeDocumentLimit) {
        detail::DomParser parser;
        element root;
        simdjson::dom::object object;
        if (parser.parse(r.raw).get(root) == simdjson::SUCCESS && root.get_object().get(object) == simdjson::SUCCESS) {
            for (auto field : object) applyField(state, field.key, field.value);
            done = true;
        }
    }
    if (!done && scan.rootKind == json::Kind::Object) {
        // Member by member: every complete member before a syntax error, or all of them when the
        // payload is large or simdjson refused it. Only the fields we read are parsed.
        for (const json::Member& member : scan.members) {
            if (!isKnownField(member.key)) continue;
            const std::string_view text = member.value.in(r.raw);
            // `args` itself comes from the scan below; its DOM only serves display_class.
            if (member.key == "args" && text.size() > kWholeDocumentLimit) continue;
            detail::DomParser memberParser;
            element value;
            if (const auto error = memberParser.parse(text).get(value)) {
                if (readable && member.key != "args")
                    state.errors.push_back("field '" + member.key + "': " + simdjson::error_message(error));
                continue;
            }
            applyField(state, member.key, value);
        }
    }

    if (const json::Member* args = scan.find("args"); args && args->kind == json::Kind::Array) {
        r.hasArgs = true;
        r.argsSpan = args->value;
        r.argsDisplay = displayArgs(r.argsJson(), options.argsDisplayChars);
    } else if (args) {
        state.errors.push_back(std::string("field 'args' is ") + json::describe(args->kind) + ", expected an array");
    }
    if (!r.hasArgs && !readable) {
        // Like api.rb, show the unreadable payload itself where the arguments would be.
        r.argsDisplay = json::truncateChars(
            json::scrubUtf8(json::prefixChars(r.raw, options.argsDisplayChars + 1)), options.argsDisplayChars);
    }

    if (readable) {
        if (!scan.find("class")) state.errors.push_back("missing field 'class'");
        if (!scan.find("args")) state.errors.push_back("missing field 'args'");
        if (!scan.find("jid")) state.errors.push_back("missing field 'jid'");
    }

    // display_class (api.rb honours it first), then the ActiveJob class, then `class`.
    if (state.displayClassField && !state.displayClassField->empty())
        r.displayClass = *state.displayClassField;
    else if (r.wrapped && !r.wrapped->empty())
        r.displayClass = *r.wrapped;
    else if (isActiveJobWrapper(r.className) && state.firstArgString)
        r.displayClass = *state.firstArgString;
    else
        r.displayClass = r.className;

    if (options.decodeBacktrace && r.errorBacktraceEncoded) {
        BacktraceCodec::Decoded decoded = r.decodeBacktrace();
        if (decoded.ok())
            r.errorBacktrace = std::move(decoded.lines);
        else
            r.backtraceError = std::move(decoded.error);
    }

    joinErrors(r, state.errors);
    return r;
}

std::vector<std::string> sampleJids(const std::vector<std::string>& payloads, std::size_t max)
{
    std::vector<std::string> jids;
    for (std::size_t i = 0; i < payloads.size() && jids.size() < max; ++i) {
        JobRecord job = JobRecord::parse(payloads[i], {false, 0});
        if (!job.jid.empty()) jids.push_back(std::move(job.jid));
    }
    return jids;
}
} // namespace kiq::sidekiq

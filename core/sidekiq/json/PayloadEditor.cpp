#include "sidekiq/json/PayloadEditor.h"

#include "sidekiq/json/JsonText.h"

#include <charconv>
#include <cmath>

namespace kiq::sidekiq {
PayloadEditor::PayloadEditor(std::string payload)
    : m_payload(std::move(payload))
    , m_scan(json::scanObject(m_payload))
{
    if (m_scan.error)
        m_error = m_scan.error->describe();
    else if (m_scan.rootKind != json::Kind::Object)
        m_error = std::string("payload is ") + json::describe(*m_scan.rootKind) + ", expected an object";
}

const PayloadEditor::Edit* PayloadEditor::findEdit(std::string_view key) const
{
    for (const Edit& edit : m_edits) {
        if (edit.key == key) return &edit;
    }
    return nullptr;
}

void PayloadEditor::record(std::string_view key, std::optional<std::string> value)
{
    for (Edit& edit : m_edits) {
        if (edit.key == key) {
            edit.value = std::move(value);
            return;
        }
    }
    m_edits.push_back(Edit {std::string(key), std::move(value)});
}

bool PayloadEditor::has(std::string_view key) const
{
    if (const Edit* edit = findEdit(key)) return edit->value.has_value();
    return m_scan.find(key) != nullptr;
}

std::optional<std::string> PayloadEditor::rawValue(std::string_view key) const
{
    if (const Edit* edit = findEdit(key)) return edit->value;
    if (const json::Member* member = m_scan.find(key)) return std::string(member->value.in(m_payload));
    return std::nullopt;
}

std::optional<std::int64_t> PayloadEditor::intValue(std::string_view key) const
{
    const std::optional<std::string> raw = rawValue(key);
    if (!raw) return std::nullopt;
    std::int64_t i = 0;
    const char* end = raw->data() + raw->size();
    if (auto [ptr, ec] = std::from_chars(raw->data(), end, i); ec == std::errc() && ptr == end) return i;
    const std::optional<Timestamp> number = Timestamp::parse(*raw);
    if (number && number->unit() == Timestamp::Unit::Seconds && std::trunc(number->seconds()) == number->seconds()
        && std::fabs(number->seconds()) < 9.2e18)
        return static_cast<std::int64_t>(number->seconds());
    return std::nullopt;
}

bool PayloadEditor::set(std::string_view key, std::string_view rawJson)
{
    if (json::validate(rawJson)) return false;
    // Store the value without surrounding whitespace.
    const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!rawJson.empty() && ws(rawJson.front())) rawJson.remove_prefix(1);
    while (!rawJson.empty() && ws(rawJson.back())) rawJson.remove_suffix(1);
    record(key, std::string(rawJson));
    return true;
}

void PayloadEditor::setString(std::string_view key, std::string_view utf8)
{
    record(key, json::quoted(utf8));
}

void PayloadEditor::setInt(std::string_view key, std::int64_t value)
{
    record(key, std::to_string(value));
}

void PayloadEditor::setBool(std::string_view key, bool value)
{
    record(key, value ? "true" : "false");
}

bool PayloadEditor::setSeconds(std::string_view key, double seconds)
{
    if (!std::isfinite(seconds)) return false;
    record(key, formatRubyFloat(seconds));
    return true;
}

void PayloadEditor::setMillis(std::string_view key, std::int64_t millis)
{
    record(key, std::to_string(millis));
}

void PayloadEditor::setTimestamp(std::string_view key, const Timestamp& timestamp)
{
    record(key, timestamp.toJson());
}

void PayloadEditor::remove(std::string_view key)
{
    record(key, std::nullopt);
}

bool PayloadEditor::decrementRetryCount()
{
    const std::optional<std::string> raw = rawValue("retry_count");
    if (!raw || *raw == "null" || *raw == "false") return true; // `if msg["retry_count"]` is falsy: nothing to do
    const std::optional<Timestamp> number = Timestamp::parse(*raw);
    if (!number) return false;
    if (number->unit() == Timestamp::Unit::Milliseconds) // integer token
        setInt("retry_count", number->millis() - 1);
    else
        setSeconds("retry_count", number->seconds() - 1.0); // Ruby: Float - 1 stays a Float
    return true;
}

std::string PayloadEditor::result() const
{
    if (!ok() || m_edits.empty()) return m_payload;

    const std::string_view text(m_payload);
    std::string out;
    out.reserve(m_payload.size() + 64);
    out.append(text.substr(0, m_scan.braces.begin + 1));
    bool first = true;
    for (const json::Member& member : m_scan.members) {
        const Edit* edit = findEdit(member.key);
        if (edit && !edit->value) continue;
        if (!first) out.push_back(',');
        first = false;
        if (!edit) {
            out.append(member.segment.in(text));
            continue;
        }
        out.append(text.substr(member.segment.begin, member.value.begin - member.segment.begin));
        out.append(*edit->value);
        out.append(text.substr(member.value.end, member.segment.end - member.value.end));
    }
    for (const Edit& edit : m_edits) {
        if (!edit.value || m_scan.find(edit.key)) continue;
        if (!first) out.push_back(',');
        first = false;
        json::appendQuoted(out, edit.key);
        out.push_back(':');
        out.append(*edit.value);
    }
    // The closing brace and anything after it; for an empty object also the space inside it.
    const std::size_t tail = m_scan.members.empty() ? m_scan.braces.begin + 1 : m_scan.members.back().segment.end;
    out.append(text.substr(tail));
    return out;
}
} // namespace kiq::sidekiq

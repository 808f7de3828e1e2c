#include "sidekiq/model/WorkRecord.h"

#include "sidekiq/json/JsonDom.h"

#include <cmath>

namespace kiq::sidekiq {
WorkRecord WorkRecord::parse(std::string threadId, std::string_view value, const JobParseOptions& options)
{
    using simdjson::dom::element;
    using simdjson::dom::element_type;

    WorkRecord w;
    w.threadId = std::move(threadId);
    std::vector<std::string> errors;
    const auto wrongType = [&](std::string_view key, element v, std::string_view expected) {
        errors.push_back("work field '" + std::string(key) + "' is " + json::describe(detail::kindOf(v)) + ", expected "
            + std::string(expected));
    };

    // Spans give the object form's raw text byte-exact.
    const json::ObjectScan scan = json::scanObject(value);
    if (scan.error) {
        errors.push_back("work entry: " + scan.error->describe());
    } else if (scan.rootKind != json::Kind::Object) {
        errors.push_back(std::string("work entry is ") + json::describe(*scan.rootKind) + ", expected an object");
    }

    // Read each member on its own, so a partly broken entry still yields what it can. The payload
    // string is unescaped by simdjson; the outer parser is released before the payload is parsed.
    std::optional<std::string> payloadText;
    for (const json::Member& member : scan.members) {
        const std::string_view text = member.value.in(value);
        if (member.key == "payload" && member.kind == json::Kind::Object) {
            w.payloadForm = PayloadForm::Object;
            payloadText = std::string(text);
            continue;
        }
        if (member.key != "queue" && member.key != "payload" && member.key != "run_at") continue;
        detail::DomParser parser;
        element v;
        if (const auto error = parser.parse(text).get(v)) {
            errors.push_back("work field '" + member.key + "': " + simdjson::error_message(error));
            continue;
        }
        if (member.key == "queue") {
            std::string_view s;
            if (v.get_string().get(s) == simdjson::SUCCESS)
                w.queue.assign(s);
            else if (v.type() != element_type::NULL_VALUE)
                wrongType(member.key, v, "a string");
        } else if (member.key == "payload") {
            std::string_view s;
            if (v.get_string().get(s) == simdjson::SUCCESS) {
                w.payloadForm = PayloadForm::String;
                payloadText = std::string(s);
            } else if (v.type() != element_type::NULL_VALUE) {
                wrongType(member.key, v, "a string or an object");
            }
        } else {
            std::int64_t i = 0;
            double d = 0.0;
            if (v.get_int64().get(i) == simdjson::SUCCESS)
                w.runAt = i;
            else if (v.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9.2e18)
                w.runAt = static_cast<std::int64_t>(d);
            else if (v.type() != element_type::NULL_VALUE)
                wrongType(member.key, v, "a number");
        }
    }
    if (scan.ok() && !payloadText) errors.push_back("work entry has no 'payload'");

    if (payloadText) w.payload = JobRecord::parse(std::move(*payloadText), options);

    for (const std::string& e : errors) {
        if (!w.parseError.empty()) w.parseError.append("; ");
        w.parseError.append(e);
    }
    return w;
}
} // namespace kiq::sidekiq

#include "sidekiq/model/ProcessRecord.h"

#include "sidekiq/json/JsonDom.h"

#include <charconv>
#include <cmath>

namespace kiq::sidekiq {
namespace {
using simdjson::dom::element;
using simdjson::dom::element_type;

struct InfoReader {
    ProcessRecord& record;
    std::vector<std::string> errors;

    void wrongType(std::string_view key, element value, std::string_view expected)
    {
        errors.push_back("info field '" + std::string(key) + "' is " + json::describe(detail::kindOf(value))
            + ", expected " + std::string(expected));
    }

    std::optional<std::int64_t> integer(std::string_view key, element value)
    {
        std::int64_t i = 0;
        if (value.get_int64().get(i) == simdjson::SUCCESS) return i;
        double d = 0.0;
        if (value.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9.2e18)
            return static_cast<std::int64_t>(d);
        if (value.type() != element_type::NULL_VALUE) wrongType(key, value, "an integer");
        return std::nullopt;
    }

    void string(std::string_view key, element value, std::string& out)
    {
        std::string_view s;
        if (value.get_string().get(s) == simdjson::SUCCESS)
            out.assign(s);
        else if (value.type() != element_type::NULL_VALUE)
            wrongType(key, value, "a string");
    }

    void stringList(std::string_view key, element value, std::vector<std::string>& out)
    {
        simdjson::dom::array array;
        if (value.get_array().get(array) == simdjson::SUCCESS) {
            out.clear();
            for (element item : array) out.push_back(detail::toDisplayText(item));
        } else if (value.type() != element_type::NULL_VALUE) {
            wrongType(key, value, "an array");
        }
    }

    // {"default": 2, "low": 1}
    std::vector<QueueWeight> weightMap(std::string_view key, element value)
    {
        std::vector<QueueWeight> weights;
        simdjson::dom::object object;
        if (value.get_object().get(object) != simdjson::SUCCESS) {
            wrongType(key, value, "an object");
            return weights;
        }
        for (auto field : object) {
            QueueWeight w;
            w.queue.assign(field.key);
            if (auto n = integer(key, field.value)) w.weight = *n;
            weights.push_back(std::move(w));
        }
        return weights;
    }

    void apply(std::string_view key, element value)
    {
        ProcessRecord& r = record;
        if (key == "hostname") {
            string(key, value, r.hostname);
        } else if (key == "started_at") {
            double d = 0.0;
            std::int64_t i = 0;
            if (value.get_double().get(d) == simdjson::SUCCESS)
                r.startedAt = d;
            else if (value.get_int64().get(i) == simdjson::SUCCESS)
                r.startedAt = static_cast<double>(i);
            else if (value.type() != element_type::NULL_VALUE)
                wrongType(key, value, "a number");
        } else if (key == "pid") {
            if (auto n = integer(key, value)) r.pid = *n;
        } else if (key == "tag") {
            string(key, value, r.tag);
        } else if (key == "concurrency") {
            if (auto n = integer(key, value); n && !r.concurrency) r.concurrency = n;
        } else if (key == "queues") {
            stringList(key, value, r.queues);
        } else if (key == "labels") {
            stringList(key, value, r.labels);
        } else if (key == "identity") {
            std::string identity;
            string(key, value, identity);
            if (r.identity.empty()) r.identity = std::move(identity);
        } else if (key == "version") {
            string(key, value, r.version);
        } else if (key == "embedded") {
            bool b = false;
            if (value.get_bool().get(b) == simdjson::SUCCESS)
                r.embedded = b;
            else if (value.type() != element_type::NULL_VALUE)
                wrongType(key, value, "a boolean");
        } else if (key == "weights") {
            simdjson::dom::array array;
            r.weights.clear();
            if (value.get_array().get(array) == simdjson::SUCCESS) {
                for (element capsule : array) r.weights.push_back(weightMap(key, capsule));
            } else if (value.type() == element_type::OBJECT) {
                r.weights.push_back(weightMap(key, value));
            } else if (value.type() != element_type::NULL_VALUE) {
                wrongType(key, value, "an array or an object");
            }
        } else if (key == "capsules") {
            simdjson::dom::object object;
            r.capsules.clear();
            if (value.get_object().get(object) != simdjson::SUCCESS) {
                if (value.type() != element_type::NULL_VALUE) wrongType(key, value, "an object");
                return;
            }
            for (auto field : object) {
                ProcessCapsule capsule;
                capsule.name.assign(field.key);
                simdjson::dom::object details;
                if (field.value.get_object().get(details) != simdjson::SUCCESS) {
                    wrongType("capsules." + capsule.name, field.value, "an object");
                    continue;
                }
                for (auto detailField : details) {
                    if (detailField.key == "concurrency") {
                        if (auto n = integer("capsules.concurrency", detailField.value)) capsule.concurrency = *n;
                    } else if (detailField.key == "mode") {
                        string("capsules.mode", detailField.value, capsule.mode);
                    } else if (detailField.key == "weights") {
                        capsule.weights = weightMap("capsules.weights", detailField.value);
                    }
                }
                r.capsules.push_back(std::move(capsule));
            }
        }
    }
};
} // namespace

std::int64_t rubyToI(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    if (i < text.size() && text[i] == '+') ++i;
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
    return ec == std::errc() ? value : 0;
}

double rubyToF(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    if (i < text.size() && text[i] == '+') ++i;
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
    return ec == std::errc() && std::isfinite(value) ? value : 0.0;
}

ProcessRecord ProcessRecord::parse(const ProcessFields& fields)
{
    ProcessRecord r;
    r.identity = fields.identity;

    // The hash fields first: they are plain strings and always readable.
    if (fields.busy) r.busy = rubyToI(*fields.busy);
    if (fields.beat) r.beat = rubyToF(*fields.beat);
    if (fields.quiet) r.quiet = *fields.quiet == "true";
    if (fields.rss) r.rssKb = rubyToI(*fields.rss);
    if (fields.rttUs) r.rttUs = rubyToI(*fields.rttUs);
    if (fields.concurrency) r.concurrency = rubyToI(*fields.concurrency);

    InfoReader reader {r, {}};
    if (!fields.info) {
        reader.errors.push_back("process hash has no 'info' field (expired or not a Sidekiq process)");
    } else {
        detail::DomParser parser;
        element root;
        simdjson::dom::object object;
        if (const auto error = parser.parse(*fields.info).get(root)) {
            const std::optional<json::ScanError> scanError = json::validate(*fields.info);
            reader.errors.push_back("info: "
                + (scanError ? scanError->describe() : std::string("invalid JSON: ") + simdjson::error_message(error)));
        } else if (root.get_object().get(object) != simdjson::SUCCESS) {
            reader.errors.push_back(
                std::string("info is ") + json::describe(detail::kindOf(root)) + ", expected an object");
        } else {
            for (auto field : object) reader.apply(field.key, field.value);
        }
    }
    for (const std::string& e : reader.errors) {
        if (!r.parseError.empty()) r.parseError.append("; ");
        r.parseError.append(e);
    }
    return r;
}

std::string ProcessRecord::versionLabel() const
{
    return version.empty() ? std::string("6.x or older") : version;
}

bool ProcessRecord::isStale(double nowSeconds, double thresholdSeconds) const
{
    if (!beat) return true;
    return nowSeconds - *beat > thresholdSeconds;
}
} // namespace kiq::sidekiq

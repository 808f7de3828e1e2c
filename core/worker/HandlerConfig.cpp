// The TOML handler config (format in ExternalCommand.h). toml++ is used header-only in this one file,
// so nothing else in kiq_core pays its compile time or links it.
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "worker/ExternalCommand.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace kiq::worker {

namespace {
std::string where(std::string_view source, const toml::source_region& region)
{
    return std::string(source) + ":" + std::to_string(region.begin.line);
}
} // namespace

std::vector<ExternalCommandSpec> parseHandlerConfig(std::string_view tomlText, std::string_view sourceName)
{
    toml::table root;
    try {
        root = toml::parse(tomlText, sourceName);
    } catch (const toml::parse_error& e) {
        throw ConfigError(where(sourceName, e.source()) + ": " + std::string(e.description()));
    }
    std::vector<ExternalCommandSpec> out;
    for (const auto& [key, node] : root) {
        if (key.str() != "handler")
            throw ConfigError(where(sourceName, node.source()) + ": unknown key '" + std::string(key.str()) + "' (expected [[handler]] tables)");
    }
    const toml::node* handlers = root.get("handler");
    if (!handlers) return out;
    const toml::array* list = handlers->as_array();
    if (!list) throw ConfigError(where(sourceName, handlers->source()) + ": 'handler' must be an array of tables ([[handler]])");
    for (const toml::node& entry : *list) {
        const toml::table* t = entry.as_table();
        const std::string at = where(sourceName, entry.source());
        if (!t) throw ConfigError(at + ": each handler must be a table");
        ExternalCommandSpec spec;
        for (const auto& [k, v] : *t) {
            const std::string name(k.str());
            const std::string vat = where(sourceName, v.source());
            if (name == "class") {
                auto s = v.value<std::string>();
                if (!s || s->empty()) throw ConfigError(vat + ": 'class' must be a non-empty string");
                spec.classPattern = *s;
            } else if (name == "command") {
                const toml::array* a = v.as_array();
                if (!a || a->empty()) throw ConfigError(vat + ": 'command' must be a non-empty array of strings (argv)");
                for (const toml::node& arg : *a) {
                    auto s = arg.value<std::string>();
                    if (!s || !arg.is_string()) throw ConfigError(vat + ": every element of 'command' must be a string");
                    spec.argv.push_back(*s);
                }
                if (spec.argv.front().empty()) throw ConfigError(vat + ": the program name in 'command' is empty");
            } else if (name == "timeout") {
                auto d = v.value<double>();
                if (!d || !(*d > 0) || !std::isfinite(*d) || *d > 7 * 24 * 3600.0)
                    throw ConfigError(vat + ": 'timeout' must be a positive number of seconds");
                spec.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(*d * 1000)));
            } else if (name == "working_dir") {
                auto s = v.value<std::string>();
                if (!s) throw ConfigError(vat + ": 'working_dir' must be a string");
                spec.workingDir = *s;
            } else {
                throw ConfigError(vat + ": unknown key '" + name + "' (known: class, command, timeout, working_dir)");
            }
        }
        if (spec.classPattern.empty()) throw ConfigError(at + ": handler without 'class'");
        if (spec.argv.empty()) throw ConfigError(at + ": handler for '" + spec.classPattern + "' without 'command'");
        out.push_back(std::move(spec));
    }
    return out;
}

std::vector<ExternalCommandSpec> loadHandlerConfigFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    return parseHandlerConfig(text.str(), path);
}

} // namespace kiq::worker

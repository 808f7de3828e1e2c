// The TOML handler config (format in ExternalCommand.h). toml++ is used header-only in this one file,
// so nothing else in kiq_core pays its compile time or links it.
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "worker/ExternalCommand.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace kiq::worker {

namespace {
std::string where(std::string_view source, const toml::source_region& region)
{
    return std::string(source) + ":" + std::to_string(region.begin.line);
}

long long limitValue(const toml::node& v, const std::string& at, const std::string& name, long long max)
{
    const auto n = v.value<std::int64_t>();
    if (!v.is_integer() || !n || *n < 0 || *n > max)
        throw ConfigError(at + ": '" + name + "' must be a whole number from 0 (no limit) to " + std::to_string(max));
    return *n;
}

bool isSecretVariable(std::string_view name)
{
    return std::find(std::begin(kSecretEnvironmentVariables), std::end(kSecretEnvironmentVariables), name)
        != std::end(kSecretEnvironmentVariables);
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
            throw ConfigError(where(sourceName, node.source()) + ": unknown key '" + std::string(key.str())
                + "' (expected [[handler]] tables)");
    }
    const toml::node* handlers = root.get("handler");
    if (!handlers) return out;
    const toml::array* list = handlers->as_array();
    if (!list)
        throw ConfigError(
            where(sourceName, handlers->source()) + ": 'handler' must be an array of tables ([[handler]])");
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
                if (!a || a->empty())
                    throw ConfigError(vat + ": 'command' must be a non-empty array of strings (argv)");
                for (const toml::node& arg : *a) {
                    auto s = arg.value<std::string>();
                    if (!s || !arg.is_string())
                        throw ConfigError(vat + ": every element of 'command' must be a string");
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
            } else if (name == "env") {
                const toml::table* vars = v.as_table();
                if (!vars)
                    throw ConfigError(
                        vat + ": 'env' must be a table of strings, e.g. env = { RAILS_ENV = \"production\" }");
                for (const auto& [varKey, varValue] : *vars) {
                    const std::string var(varKey.str());
                    const std::string at = where(sourceName, varValue.source());
                    auto value = varValue.value<std::string>();
                    if (!varValue.is_string() || !value) throw ConfigError(at + ": env." + var + " must be a string");
                    if (var.empty() || var.find_first_of(std::string_view("=\0", 2)) != std::string::npos
                        || value->find('\0') != std::string::npos)
                        throw ConfigError(at + ": env." + var + " is not a valid environment variable");
                    if (isSecretVariable(var))
                        throw ConfigError(
                            at + ": env." + var + " is a secret of Kiqdesk's and never passed to handlers");
                    spec.env.emplace_back(var, *value);
                }
            } else if (name == "limit_cpu") {
                spec.limits.cpuSeconds = limitValue(v, vat, name, 7 * 24 * 3600);
            } else if (name == "limit_address_space_mb") {
                spec.limits.addressSpaceMb = limitValue(v, vat, name, 1LL << 30);
            } else if (name == "limit_open_files") {
                spec.limits.openFiles = limitValue(v, vat, name, 1 << 20);
            } else if (name == "limit_processes") {
                spec.limits.processes = limitValue(v, vat, name, 1 << 22);
            } else {
                throw ConfigError(vat + ": unknown key '" + name
                    + "' (known: class, command, timeout, working_dir, env, limit_cpu, limit_address_space_mb, "
                      "limit_open_files, limit_processes)");
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

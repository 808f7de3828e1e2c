#include "worker/HandlerRegistry.h"

#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/json/JsonText.h"
#include "util/StopSleep.h"

#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <mutex>

#include <fnmatch.h>

namespace kiq::worker {

namespace {
// Arguments of the built-ins, read from args as JSON tokens.
std::vector<std::string> argTokens(const JobContext& ctx)
{
    std::vector<std::string> out;
    const std::string_view args = ctx.argsJson();
    if (auto spans = sidekiq::json::arrayElements(args))
        for (const auto& s : *spans) out.emplace_back(s.in(args));
    return out;
}

// A JSON string token's text, or the token itself for other values.
std::string textOf(const std::string& token)
{
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"')
        return sidekiq::json::unescape(std::string_view(token).substr(1, token.size() - 2));
    return token;
}

bool isString(const std::string& token)
{
    return token.size() >= 2 && token.front() == '"';
}

// A token short enough for an error message or a log line.
std::string preview(const std::string& token, std::size_t limit = 60)
{
    return token.size() <= limit ? token : token.substr(0, limit) + "… (" + std::to_string(token.size()) + " bytes)";
}

constexpr double kMaxSleepSeconds = 24 * 3600.0;

// Kiqdesk::Sleep's duration: a number (or a string holding one), finite, 0 to a day. Anything else
// fails the job: converting inf or 1e300 seconds to a clock duration is undefined behaviour.
double sleepSeconds(const std::vector<std::string>& args)
{
    if (args.empty()) return 1.0;
    const std::string text = textOf(args[0]);
    errno = 0;
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    const bool whole = !text.empty() && end == text.c_str() + text.size() && errno != ERANGE;
    if (!whole || !std::isfinite(seconds) || seconds < 0 || seconds > kMaxSleepSeconds)
        throw JobError("ArgumentError",
            "Kiqdesk::Sleep takes a number of seconds from 0 to 86400 as its first argument, got " + preview(args[0]));
    return seconds;
}

// Sleeps until `duration` has passed or the shutdown timeout arrives (then throws JobInterrupted).
void interruptibleSleep(const JobContext& ctx, std::chrono::duration<double> duration)
{
    if (!util::sleepUnlessStopped(ctx.hardStop, duration)) throw JobInterrupted();
}
} // namespace

bool isGlobPattern(std::string_view pattern)
{
    return pattern.find_first_of("*?[") != std::string_view::npos;
}

bool globMatch(std::string_view pattern, std::string_view text)
{
    return ::fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

void HandlerRegistry::add(std::string className, JobHandler handler)
{
    m_descriptions.push_back(className + " (C++)");
    m_exact.insert_or_assign(std::move(className), std::move(handler));
}

void HandlerRegistry::addPattern(std::string globPattern, JobHandler handler)
{
    m_descriptions.push_back(globPattern + " (pattern)");
    m_patterns.emplace_back(std::move(globPattern), std::move(handler));
}

void HandlerRegistry::addExternal(const ExternalCommandSpec& spec)
{
    if (isGlobPattern(spec.classPattern))
        m_patterns.emplace_back(spec.classPattern, makeExternalHandler(spec));
    else
        m_exact.insert_or_assign(spec.classPattern, makeExternalHandler(spec));
    // The program, not its arguments: they may hold tokens, and the log is shown in the app.
    const std::string program = spec.argv.empty() ? std::string() : spec.argv.front();
    m_descriptions.push_back(
        spec.classPattern + " -> " + program + " (timeout " + std::to_string(spec.timeout.count()) + " ms)");
}

void HandlerRegistry::addExternal(const std::vector<ExternalCommandSpec>& specs)
{
    for (const auto& s : specs) addExternal(s);
}

void HandlerRegistry::addBuiltins()
{
    add("Kiqdesk::Sleep", [](const JobContext& ctx) {
        const double seconds = sleepSeconds(argTokens(ctx));
        if (seconds > 0) interruptibleSleep(ctx, std::chrono::duration<double>(seconds));
    });
    add("Kiqdesk::Fail", [](const JobContext& ctx) {
        const auto args = argTokens(ctx);
        constexpr std::size_t kMaxClassName = 200;
        if ((args.size() > 0 && (!isString(args[0]) || textOf(args[0]).size() > kMaxClassName))
            || (args.size() > 1 && !isString(args[1])))
            throw JobError("ArgumentError",
                "Kiqdesk::Fail takes an error class name (a string of at most 200 bytes) and a "
                "message (a string), got "
                    + ctx.log.args(ctx.argsJson(), 60));
        std::string errorClass = args.size() > 0 ? textOf(args[0]) : "RuntimeError";
        std::string message = args.size() > 1 ? textOf(args[1]) : "Kiqdesk::Fail";
        throw JobError(errorClass.empty() ? "RuntimeError" : errorClass, message);
    });
    add("Kiqdesk::Echo", [](const JobContext& ctx) {
        // Any args are fine; a 10 MB payload must not become a 10 MB log line.
        ctx.log.info("Kiqdesk::Echo jid=" + ctx.job.jid + " args=" + ctx.log.args(ctx.argsJson(), 1000));
    });
}

void HandlerRegistry::setUnknownClassFallback(std::optional<std::chrono::milliseconds> succeedAfter)
{
    if (!succeedAfter) {
        m_fallback.reset();
        return;
    }
    const auto delay = *succeedAfter;
    m_fallback = [delay](const JobContext& ctx) {
        if (delay.count() > 0) interruptibleSleep(ctx, delay);
    };
    m_descriptions.push_back("any other class succeeds after " + std::to_string(delay.count()) + " ms (demo fallback)");
}

const JobHandler* HandlerRegistry::find(std::string_view className) const
{
    if (auto it = m_exact.find(className); it != m_exact.end()) return &it->second;
    for (const auto& [pattern, handler] : m_patterns)
        if (globMatch(pattern, className)) return &handler;
    return m_fallback ? &*m_fallback : nullptr;
}

std::vector<std::string> HandlerRegistry::describe() const
{
    return m_descriptions;
}

} // namespace kiq::worker

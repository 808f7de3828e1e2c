#include "worker/Handler.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

namespace kiq::worker {

std::string demangle(const char* mangled)
{
    if (!mangled) return "UnknownException";
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

JobFailure currentExceptionFailure(std::string_view className)
{
    // C++ has no portable backtrace of a thrown exception (std::stacktrace is not in GCC 12), so the
    // stored backtrace names the handler: enough for the Web UI to show where it came from.
    std::vector<std::string> where {"kiqdesk worker: C++ handler for " + std::string(className)};
    try {
        throw;
    } catch (const JobError& e) {
        return {e.errorClass(), e.what(), e.backtrace().empty() ? where : e.backtrace()};
    } catch (const std::exception& e) {
        return {demangle(typeid(e).name()), e.what(), where};
    } catch (...) {
        const std::type_info* type = abi::__cxa_current_exception_type();
        return {type ? demangle(type->name()) : "UnknownException", "a non-standard exception was thrown", where};
    }
}

} // namespace kiq::worker

#pragma once
// What a job handler sees and how it reports failure.
//
// A handler is any callable taking a JobContext. Returning normally is success. Throwing is failure:
//   - JobError(errorClass, message): error_class / error_message are written as given (use Ruby-like
//     class names when Ruby code reads them);
//   - any other exception: error_class is its demangled C++ type ("std::runtime_error"), error_message
//     its what() (RetryHandler.h applies Sidekiq's retry rules);
//   - JobInterrupted: the pool is shutting down and the handler gave up (it watched hardStop): the job
//     is not acknowledged and goes back to its queue, as Sidekiq does for Sidekiq::Shutdown.

#include "sidekiq/model/JobRecord.h"
#include "worker/Log.h"

#include <functional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace kiq::redis {
class Client;
}

namespace kiq::worker {

struct JobContext {
    const sidekiq::JobRecord& job; // parsed payload; job.raw is the exact string fetched
    std::string_view queue; // the queue it was fetched from
    redis::Client& redis; // the processor thread's own connection; use it only inside this call
    std::stop_token hardStop; // requested when stop()'s timeout has passed: give up soon
    const Logger& log;
    int processor = 0;

    std::string_view argsJson() const { return job.argsJson(); } // e.g. `[1,"x"]`
};

using JobHandler = std::function<void(const JobContext&)>;

class JobError : public std::runtime_error {
public:
    JobError(std::string errorClass, const std::string& message, std::vector<std::string> backtrace = {})
        : std::runtime_error(message)
        , m_errorClass(std::move(errorClass))
        , m_backtrace(std::move(backtrace))
    {
    }
    const std::string& errorClass() const { return m_errorClass; }
    const std::vector<std::string>& backtrace() const { return m_backtrace; }

private:
    std::string m_errorClass;
    std::vector<std::string> m_backtrace;
};

class JobInterrupted : public std::runtime_error {
public:
    JobInterrupted()
        : std::runtime_error("interrupted by shutdown")
    {
    }
};

// A failure as the retry logic records it.
struct JobFailure {
    std::string errorClass;
    std::string message;
    std::vector<std::string> backtrace; // innermost first, like Ruby's Exception#backtrace
};

// Turns the exception being handled (call inside a catch block) into a JobFailure.
JobFailure currentExceptionFailure(std::string_view className);

// "std::runtime_error" for a mangled type name; the input when it cannot be demangled.
std::string demangle(const char* mangled);

} // namespace kiq::worker

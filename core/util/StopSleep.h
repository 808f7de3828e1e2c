#pragma once
// The pool's threads wait between passes (heartbeat, scheduler, fetch back-off, error pauses) and
// handlers sleep (Kiqdesk::Sleep), all of which must end at once on shutdown.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace kiq::util {

// Waits for `duration`, or until `stop` is requested. True if it slept the whole time.
template <typename Rep, typename Period>
bool sleepUnlessStopped(std::stop_token stop, std::chrono::duration<Rep, Period> duration)
{
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    const bool stopped
        = cv.wait_for(lock, stop, std::chrono::duration_cast<std::chrono::nanoseconds>(duration), [] { return false; });
    return !stopped && !stop.stop_requested();
}

} // namespace kiq::util

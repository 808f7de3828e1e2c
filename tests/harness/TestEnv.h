#pragma once
// Small helpers shared by the integration tests.

#include <QString>

#include <functional>

namespace kiq::test {

// Built with AddressSanitizer or ThreadSanitizer (the CI hardening pass): tests shrink their large
// data sets there, same paths in less time.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// Where tests put files worth keeping (logs, screenshots): $KIQ_TEST_OUTPUT (set by CTest to
// <build>/test-output), created if missing; otherwise <temp>/kiq-test-output.
QString testOutputDir();

// Polls `condition` every stepMs until it returns true or timeoutMs has passed; checks once more at
// the deadline. Processes Qt events between polls when a QCoreApplication exists, so conditions
// that depend on signals and timers of the code under test can become true.
bool waitUntil(const std::function<bool()>& condition, int timeoutMs, int stepMs = 20);

} // namespace kiq::test

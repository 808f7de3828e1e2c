#pragma once
// Display forms of sizes, durations and counts, localized, shared by every page so "12.3 ms" looks
// the same everywhere.

#include <QString>

#include <chrono>

namespace kiq::ui {

QString formatBytes(long long bytes);                 // "1.5 MiB"
QString formatUptime(std::chrono::seconds duration);  // "3 d 4 h", "5 min 3 s": the two largest units
QString formatLatency(std::chrono::microseconds duration); // "850 µs", "12.3 ms", "1.25 s"
QString formatCount(long long count);                 // with the locale's digit grouping

} // namespace kiq::ui

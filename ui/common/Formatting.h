#pragma once
// Display forms of sizes, durations and counts, localized, shared by every page so "12.3 ms" looks
// the same everywhere.

#include <QString>

#include <chrono>

namespace kiq::ui {

QString formatBytes(long long bytes); // "1.5 MiB"
QString formatUptime(std::chrono::seconds duration); // "3 d 4 h", "5 min 3 s": the two largest units; "56 years"
// "850 µs", "12.3 ms", "1.25 s", then as formatUptime ("5 min 3 s"); decades get a hint that the
// clock or the timestamp is wrong
QString formatLatency(std::chrono::microseconds duration);
QString formatSeconds(double seconds); // a latency in seconds (Sidekiq's unit), shown as formatLatency does
QString formatCount(long long count); // with the locale's digit grouping
QString formatCompact(double value); // a dashboard figure: "950", "38.5k", "1.2M"
// The n of tr("%1 job(s)", nullptr, n) for a count of any size (tr's n is an int): the count picks the
// plural form, %1 shows it digit-grouped (formatCount).
int pluralCount(long long count);

} // namespace kiq::ui

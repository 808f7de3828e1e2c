#include "common/Formatting.h"

#include "util/CompactNumber.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <climits>
#include <cmath>

namespace kiq::ui {

// The translation context of these strings (lupdate reads it from this declaration).
class Formatting {
    Q_DECLARE_TR_FUNCTIONS(kiq::ui::Formatting)
};

QString formatBytes(long long bytes)
{
    return QLocale().formattedDataSize(bytes, 1);
}

QString formatUptime(std::chrono::seconds duration)
{
    const long long s = duration.count();
    const long long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
    if (days >= 365) return Formatting::tr("%n year(s)", nullptr, pluralCount(days / 365));
    if (days > 0) return Formatting::tr("%1 d %2 h").arg(days).arg(hours);
    if (hours > 0) return Formatting::tr("%1 h %2 min").arg(hours).arg(minutes);
    if (minutes > 0) return Formatting::tr("%1 min %2 s").arg(minutes).arg(seconds);
    return Formatting::tr("%1 s").arg(seconds);
}

QString formatLatency(std::chrono::microseconds duration)
{
    const long long us = duration.count();
    const QLocale locale;
    if (us < 1000) return Formatting::tr("%1 µs").arg(us);
    if (us < 1000000) return Formatting::tr("%1 ms").arg(locale.toString(us / 1000.0, 'f', us < 10000 ? 2 : 1));
    if (us < 60'000'000) return Formatting::tr("%1 s").arg(locale.toString(us / 1e6, 'f', 2));
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
    // No queue waits a decade: such a figure comes from a wrong clock or a timestamp in the wrong unit.
    if (seconds >= std::chrono::hours(24 * 365 * 10))
        return Formatting::tr("%1 (clock skew or bad timestamp?)").arg(formatUptime(seconds));
    return formatUptime(seconds);
}

QString formatSeconds(double seconds)
{
    return formatLatency(std::chrono::microseconds(std::llround(seconds * 1e6)));
}

QString formatCount(long long count)
{
    return QLocale().toString(count);
}

int pluralCount(long long count)
{
    return int(std::clamp<long long>(count, INT_MIN, INT_MAX));
}

QString formatCompact(double value)
{
    const util::CompactNumber n = util::compactNumber(value);
    return QLocale().toString(n.scaled, 'g', 3) + QLatin1String(n.suffix);
}

} // namespace kiq::ui

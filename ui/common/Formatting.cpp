#include "Formatting.h"

#include <QCoreApplication>
#include <QLocale>

namespace kiq::ui {

// The translation context of these strings (lupdate reads it from this declaration).
class Formatting {
    Q_DECLARE_TR_FUNCTIONS(kiq::ui::Formatting)
};

QString formatBytes(long long bytes) { return QLocale().formattedDataSize(bytes, 1); }

QString formatUptime(std::chrono::seconds duration)
{
    const long long s = duration.count();
    const long long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
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
    return Formatting::tr("%1 s").arg(locale.toString(us / 1e6, 'f', 2));
}

QString formatCount(long long count) { return QLocale().toString(count); }

} // namespace kiq::ui

#include "common/ForecastText.h"

#include "common/Colors.h"
#include "common/Formatting.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace kiq::ui {

using kiq::health::QueueForecast;

class ForecastText {
    Q_DECLARE_TR_FUNCTIONS(kiq::ui::ForecastText)
};

namespace {

// A forecast is an estimate: seconds to the nearest 5, minutes to the nearest one, hours to ten
// minutes, days to the day.
QString roughly(double seconds)
{
    if (seconds < 57.5) return ForecastText::tr("%1 s").arg(std::max(5LL, std::llround(seconds / 5) * 5));
    if (seconds < 3570) return ForecastText::tr("%1 min").arg(std::llround(seconds / 60));
    if (seconds < 48 * 3600) {
        const long long tens = std::llround(seconds / 600);
        return tens % 6 == 0 ? ForecastText::tr("%1 h").arg(tens / 6)
                             : ForecastText::tr("%1 h %2 min").arg(tens / 6).arg(tens % 6 * 10);
    }
    return ForecastText::tr("%1 d").arg(std::llround(seconds / 86400));
}

// An SLO as it was set: "1 min", "2 h", else "90 s"-like.
QString slo(double seconds)
{
    const long long whole = std::llround(seconds);
    if (whole >= 3600 && whole % 3600 == 0) return ForecastText::tr("%1 h").arg(whole / 3600);
    if (whole >= 60 && whole % 60 == 0) return ForecastText::tr("%1 min").arg(whole / 60);
    return formatSeconds(seconds);
}

} // namespace

QString forecastSummary(const QueueForecast& f)
{
    if (f.secondsToBreach && *f.secondsToBreach <= 0) return ForecastText::tr("over %1 SLO").arg(slo(f.sloSeconds));
    if (f.atRisk())
        return ForecastText::tr("breaches %1 SLO in ~%2").arg(slo(f.sloSeconds), roughly(*f.secondsToBreach));
    switch (f.trend) {
    case QueueForecast::Trend::Measuring:
        return ForecastText::tr("measuring…");
    case QueueForecast::Trend::Empty:
        return QStringLiteral("—");
    case QueueForecast::Trend::Steady:
        return ForecastText::tr("keeps up");
    case QueueForecast::Trend::Draining:
        return ForecastText::tr("empty in ~%1").arg(roughly(*f.secondsToEmpty));
    case QueueForecast::Trend::Growing:
        return ForecastText::tr("growing %1/min").arg(formatCompact(f.netPerMinute));
    }
    return {};
}

QString forecastDetail(const QueueForecast& f)
{
    switch (f.trend) {
    case QueueForecast::Trend::Measuring:
        return ForecastText::tr("A forecast needs a few refreshes of history.");
    case QueueForecast::Trend::Empty:
        return ForecastText::tr("Empty.");
    default:
        break;
    }
    QStringList lines;
    const QString size = formatCompact(std::abs(f.netPerMinute));
    lines << (f.trend == QueueForecast::Trend::Draining ? ForecastText::tr("Draining %1 jobs/min.").arg(size)
            : f.trend == QueueForecast::Trend::Growing  ? ForecastText::tr("Growing %1 jobs/min.").arg(size)
                                                        : ForecastText::tr("Arrivals and completions about even."));
    const QString change = formatSeconds(std::abs(f.latencyPerMinute));
    lines << (f.latencyPerMinute >= 0 ? ForecastText::tr("Latency %1, rising %2/min.")
                                      : ForecastText::tr("Latency %1, falling %2/min."))
                 .arg(formatSeconds(f.latencySeconds), change);
    lines << ForecastText::tr("In 5 min: %1 · in 15 min: %2.")
                 .arg(formatSeconds(f.latencyIn5Min), formatSeconds(f.latencyIn15Min));
    if (f.secondsToBreach)
        lines << (*f.secondsToBreach <= 0
                ? ForecastText::tr("Over its %1 SLO.").arg(slo(f.sloSeconds))
                : ForecastText::tr("Breaches the %1 SLO in ~%2.").arg(slo(f.sloSeconds), roughly(*f.secondsToBreach)));
    return lines.join(QLatin1Char('\n'));
}

QColor forecastColor(const QueueForecast& f)
{
    if (!f.secondsToBreach) return {};
    return f.atRisk() ? (*f.secondsToBreach <= 0 ? problemColor() : warningColor()) : QColor();
}

double forecastSortKey(const QueueForecast* f)
{
    if (!f) return 1e12;
    if (f->secondsToBreach) return -3e9 + *f->secondsToBreach;
    if (f->trend == QueueForecast::Trend::Growing) return -2e9 - f->netPerMinute;
    if (f->trend == QueueForecast::Trend::Draining) return -1e9 - *f->secondsToEmpty;
    return 0;
}

} // namespace kiq::ui

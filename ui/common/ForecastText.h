#pragma once
// A queue's drain forecast (health/DrainForecast.h) in words, the same on the Queues page and in the
// Fleet view: a short cell ("empty in ~4 min", "breaches 60 s SLO in ~7 min") and a tooltip with the
// trend and the projected latencies.

#include "health/DrainForecast.h"

#include <QColor>
#include <QString>

namespace kiq::ui {

QString forecastSummary(const kiq::health::QueueForecast& forecast);
QString forecastDetail(const kiq::health::QueueForecast& forecast);
// The warning colour for a queue at risk of breaching its SLO; invalid otherwise.
QColor forecastColor(const kiq::health::QueueForecast& forecast);
// Sorts ascending by urgency, as DrainForecaster::mostUrgent ranks: the soonest breach, the fastest
// growth, the longest drain, then the rest; no forecast last.
double forecastSortKey(const kiq::health::QueueForecast* forecast);

} // namespace kiq::ui

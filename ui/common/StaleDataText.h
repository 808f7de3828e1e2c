#pragma once
// The status line of a page whose refresh failed: the last data stays on screen (it is still the best
// we know), and the line says plainly that it is stale, or that nothing could be loaded yet.

#include <QElapsedTimer>
#include <QString>

namespace kiq::ui {

QString staleDataText(const QString& error, const QElapsedTimer& sinceLastLoad);

} // namespace kiq::ui

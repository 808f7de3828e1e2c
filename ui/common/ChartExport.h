#pragma once
// Charts you can use (issue 22, item 5): every chart's numbers as CSV, and the exact value under the
// pointer. A chart hands its table (ChartTable) to offerCsvExport, which adds "Export as CSV…" to
// its context menu and writes the file off the GUI thread. Times in the CSV are ISO 8601 in the
// user's time zone with the offset (2026-12-04T10:42:13+01:00) plus epoch seconds; numbers are
// plain (a dot, no grouping) so spreadsheets and scripts read them alike.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

class QBarSet;
class QChartView;
class QDateTime;

namespace kiq::ui {

struct ChartTable {
    QStringList header;
    std::vector<QStringList> rows;
    QByteArray toCsv() const; // RFC 4180: CRLF line ends, fields with a comma, quote or line end quoted
};

QString csvNumber(double value); // "38512", "0.25": shortest exact form, no grouping
QString csvTime(double epochSeconds); // ISO 8601 in the local zone, with its offset
// "CET", "UTC+05:30": the zone the chart's times are in, for axis titles and tooltips.
QString localZoneName(const QDateTime& at);

// While the pointer is on one of `set`'s bars, a tooltip with `text(index)`: the exact numbers.
void tipBarsOnHover(QChartView* view, QBarSet* set, std::function<QString(int)> text);

// Adds "Export as CSV…" to `view`'s context menu; `table` is read when chosen. `fileStem` names the
// file offered ("throughput" → throughput.csv in the home folder).
void offerCsvExport(QChartView* view, const QString& fileStem, std::function<ChartTable()> table);
// Writes `csv` to `path` off the GUI thread; `done` gets the error (empty on success) on the GUI
// thread unless `view` is gone.
void saveCsv(QChartView* view, const QString& path, QByteArray csv, std::function<void(const QString&)> done);

} // namespace kiq::ui

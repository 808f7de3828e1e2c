#include "common/ChartExport.h"

#include "common/OffThread.h"
#include "util/SaveFile.h"

#include <QBarSet>
#include <QChartView>
#include <QCoreApplication>
#include <QCursor>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QTimeZone>
#include <QToolTip>

namespace kiq::ui {

class ChartExport {
    Q_DECLARE_TR_FUNCTIONS(kiq::ui::ChartExport)
};

namespace {
QByteArray csvField(const QString& field)
{
    QByteArray bytes = field.toUtf8();
    if (!bytes.contains(',') && !bytes.contains('"') && !bytes.contains('\n') && !bytes.contains('\r')) return bytes;
    bytes.replace("\"", "\"\"");
    return '"' + bytes + '"';
}

void appendLine(QByteArray& out, const QStringList& fields)
{
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csvField(fields[i]);
    }
    out += "\r\n";
}
} // namespace

QByteArray ChartTable::toCsv() const
{
    QByteArray out;
    appendLine(out, header);
    for (const QStringList& row : rows) appendLine(out, row);
    return out;
}

QString csvNumber(double value)
{
    return QString::number(value, 'g', 15);
}

QString csvTime(double epochSeconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(epochSeconds * 1000), QTimeZone::systemTimeZone())
        .toString(Qt::ISODate);
}

QString localZoneName(const QDateTime& at)
{
    const QString abbreviation = QTimeZone::systemTimeZone().abbreviation(at);
    return abbreviation.isEmpty() ? QTimeZone::systemTimeZone().displayName(at, QTimeZone::OffsetName) : abbreviation;
}

void saveCsv(QChartView* view, const QString& path, QByteArray csv, std::function<void(const QString&)> done)
{
    runOffThread(
        view, [path, csv = std::move(csv)] { return util::saveFile(path, csv); },
        [done = std::move(done)](QChartView*, const QString& error) { done(error); });
}

void tipBarsOnHover(QChartView* view, QBarSet* set, std::function<QString(int)> text)
{
    QObject::connect(set, &QBarSet::hovered, view, [view, text](bool entered, int index) {
        if (entered)
            QToolTip::showText(QCursor::pos(), text(index), view);
        else
            QToolTip::hideText();
    });
}

void offerCsvExport(QChartView* view, const QString& fileStem, std::function<ChartTable()> table)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view, fileStem, table](const QPoint& at) {
        QMenu menu(view);
        QAction* exportCsv = menu.addAction(ChartExport::tr("Export as CSV…"));
        if (menu.exec(view->mapToGlobal(at)) != exportCsv) return;
        const QString path = QFileDialog::getSaveFileName(view, ChartExport::tr("Export as CSV"),
            QDir::home().filePath(fileStem + QStringLiteral(".csv")), ChartExport::tr("CSV files (*.csv)"));
        if (path.isEmpty()) return;
        saveCsv(view, path, table().toCsv(), [view, path](const QString& error) {
            if (!error.isEmpty())
                QMessageBox::warning(
                    view, ChartExport::tr("Export as CSV"), ChartExport::tr("Could not write %1: %2").arg(path, error));
        });
    });
}

} // namespace kiq::ui

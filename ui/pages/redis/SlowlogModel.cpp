#include "pages/redis/SlowlogModel.h"

#include "common/Formatting.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>

namespace kiq::ui {

namespace {
QString commandText(const kiq::server::SlowlogEntry& e)
{
    QStringList parts;
    for (const auto& a : e.args) parts << QString::fromStdString(a);
    return parts.join(u' ');
}

QString clientText(const kiq::server::SlowlogEntry& e)
{
    const QString address = QString::fromStdString(e.clientAddress);
    if (e.clientName.empty()) return address;
    return QStringLiteral("%1 (%2)").arg(QString::fromStdString(e.clientName), address);
}
} // namespace

SlowlogModel::SlowlogModel(QObject* parent)
    : SnapshotTableModel(parent)
{
}

int SlowlogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SlowlogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& e = m_rows[std::size_t(index.row())];
    const auto when = QDateTime::fromSecsSinceEpoch(e.timestamp);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return QString::number(e.id);
        case TimeColumn:
            return QLocale().toString(when, QLocale::ShortFormat);
        case DurationColumn:
            return formatLatency(e.duration);
        case CommandColumn:
            return commandText(e);
        case ClientColumn:
            return clientText(e);
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case IdColumn:
            return qlonglong(e.id);
        case TimeColumn:
            return qlonglong(e.timestamp);
        case DurationColumn:
            return qlonglong(e.duration.count());
        case CommandColumn:
            return commandText(e);
        case ClientColumn:
            return clientText(e);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == CommandColumn) return commandText(e);
        if (index.column() == TimeColumn) return QLocale().toString(when, QLocale::LongFormat);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == IdColumn || index.column() == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant SlowlogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case IdColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time");
    case DurationColumn:
        return tr("Duration");
    case CommandColumn:
        return tr("Command");
    case ClientColumn:
        return tr("Client");
    }
    return {};
}

} // namespace kiq::ui

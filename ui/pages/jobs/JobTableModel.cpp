#include "pages/jobs/JobTableModel.h"

#include "common/Colors.h"

#include <algorithm>

#include <QBrush>
#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QPalette>

namespace kiq::ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// The time shown for a row: the score for set rows, else the job's own enqueued_at/created_at.
double rowTime(const JobRow& r)
{
    if (r.index < 0) return r.score;
    if (r.job.enqueuedAt) return r.job.enqueuedAt->seconds();
    if (r.job.createdAt) return r.job.createdAt->seconds();
    return 0;
}

QString errorText(const kiq::sidekiq::JobRecord& j)
{
    if (!j.ok())
        return QCoreApplication::translate("kiq::ui::JobTableModel", "Unreadable payload: %1").arg(q(j.parseError));
    if (!j.hasError()) return {};
    return QStringLiteral("%1: %2").arg(
        q(j.errorClass.value_or(std::string())), q(j.errorMessage.value_or(std::string())));
}
} // namespace

JobTableModel::JobTableModel(const QString& whenCaption, QObject* parent)
    : QAbstractTableModel(parent)
    , m_whenCaption(whenCaption)
{
}

int JobTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const JobRow& r = m_rows[std::size_t(index.row())];
    const auto& j = r.job;
    const double when = rowTime(r);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case WhenColumn:
            return when > 0
                ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(when * 1000)), QLocale::ShortFormat)
                : QString();
        case QueueColumn:
            return q(j.queue);
        case ClassColumn:
            return j.ok() || !j.displayClass.empty() ? q(j.displayClass) : tr("(unreadable job)");
        case ArgsColumn:
            return q(j.argsDisplay);
        case ErrorColumn:
            return errorText(j);
        case RetryCountColumn:
            return j.retryCount ? QString::number(*j.retryCount) : QString();
        case JidColumn:
            return q(j.jid);
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case WhenColumn:
            return when;
        case RetryCountColumn:
            return qlonglong(j.retryCount.value_or(-1));
        default:
            return data(index, Qt::DisplayRole);
        }
    case PayloadRole:
        return QString::fromUtf8(j.raw.data(), qsizetype(j.raw.size()));
    case MalformedRole:
        return !j.ok();
    case Qt::ToolTipRole:
        if (!j.ok()) return QString::fromUtf8(j.raw.data(), qsizetype(std::min<std::size_t>(j.raw.size(), 2000)));
        if (index.column() == ErrorColumn || index.column() == ArgsColumn) return data(index, Qt::DisplayRole);
        break;
    case Qt::ForegroundRole:
        // Unreadable rows stand out: they are the ones most likely to need a hand.
        if (!j.ok()) return QBrush(problemColor());
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == RetryCountColumn) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return jobColumnCaption(section, m_whenCaption);
}

bool JobTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_fetching && qsizetype(m_rows.size()) < m_total;
}

void JobTableModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent)) return;
    m_fetching = true;
    emit fetchRequested(qint64(m_rows.size()), kPageSize);
}

void JobTableModel::resetListing(long long total, std::vector<JobRow> firstPage)
{
    beginResetModel();
    m_rows = std::move(firstPage);
    m_total = std::max<long long>(total, qsizetype(m_rows.size()));
    m_fetching = false;
    endResetModel();
}

void JobTableModel::appendPage(long long offset, std::vector<JobRow> rows)
{
    m_fetching = false;
    if (offset != qsizetype(m_rows.size())) return;
    if (rows.empty()) {
        // The set shrank under us: stop asking for pages that are not there.
        m_total = qsizetype(m_rows.size());
        return;
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    for (JobRow& r : rows) m_rows.push_back(std::move(r));
    endInsertRows();
    m_total = std::max<long long>(m_total, qsizetype(m_rows.size()));
}

void JobTableModel::clearRows()
{
    resetListing(0, {});
}

} // namespace kiq::ui

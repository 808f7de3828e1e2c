#include "pages/jobs/IndexedJobModel.h"

#include "common/Colors.h"
#include "common/OffThread.h"
#include "util/ThreadPriority.h"

#include <QBrush>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>
#include <QPointer>

#include <algorithm>
#include <unordered_set>

namespace kiq::ui {

using kiq::sidekiq::JobFilter;
using kiq::sidekiq::JobIndexEntry;
using kiq::sidekiq::JobIndexSort;

struct IndexedJobModel::Result {
    unsigned ticket = 0;
    std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot;
    std::shared_ptr<const std::vector<std::uint32_t>> rows;
    long long maybe = 0;
    std::optional<std::vector<kiq::sidekiq::JobIndexGroup>> groups;
    double milliseconds = 0;
};

namespace {
// The index keeps byte prefixes; a cut can fall inside a UTF-8 sequence, which must not show as �.
std::string_view wholeChars(std::string_view bytes, bool cut)
{
    if (cut) {
        std::size_t end = bytes.size();
        std::size_t back = 0;
        while (end > 0 && back < 4 && (static_cast<unsigned char>(bytes[end - 1]) & 0xC0) == 0x80) --end, ++back;
        if (end > 0 && static_cast<unsigned char>(bytes[end - 1]) >= 0xC0) bytes = bytes.substr(0, end - 1);
    }
    return bytes;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

IndexedJobModel::IndexedJobModel(const QString& whenCaption, bool descending, QObject* parent)
    : QAbstractTableModel(parent)
    , m_whenCaption(whenCaption)
    , m_rows(std::make_shared<const std::vector<std::uint32_t>>())
    , m_descending(descending)
{
    m_throttle.setSingleShot(true);
    connect(&m_throttle, &QTimer::timeout, this, &IndexedJobModel::requery);
    m_pool.setMaxThreadCount(1); // queries supersede each other; running two at once gains nothing
}

int IndexedJobModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows->size());
}

int IndexedJobModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void IndexedJobModel::setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor)
{
    m_redactor = std::move(redactor);
    if (rowCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

QVariant IndexedJobModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const std::uint32_t r = snapRow(index.row());
    const auto& snap = *m_shown;
    const JobIndexEntry& e = snap.entry(r);
    const bool malformed = e.has(JobIndexEntry::ParseError);
    // A set's score is its time; a queue's is a place in the list, and its time is enqueued_at.
    const double when = snap.listOrder() ? (e.hasTime() ? e.time : 0) : e.score;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case WhenColumn:
            return when > 0
                ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(when * 1000)), QLocale::ShortFormat)
                : QString();
        case QueueColumn:
            return q(snap.queue(r));
        case ClassColumn:
            return snap.displayClass(r).empty() && malformed ? tr("(unreadable job)") : q(snap.displayClass(r));
        case ArgsColumn:
            if (!e.has(JobIndexEntry::HasArgs)) return QString();
            return q(e.has(JobIndexEntry::ArgsCut) ? m_redactor->argsPrefix(snap.argsPrefix(r))
                                                   : m_redactor->args(snap.argsPrefix(r)));
        case ErrorColumn: {
            if (malformed) return tr("Unreadable payload (open it to see why)");
            const auto errorClass = snap.errorClass(r);
            if (!errorClass && !e.has(JobIndexEntry::HasMessage)) return {};
            return tr("%1: %2").arg(
                errorClass ? QString::fromUtf8(errorClass->data(), qsizetype(errorClass->size())) : QString(),
                q(m_redactor->text(wholeChars(snap.messagePrefix(r), e.has(JobIndexEntry::MessageCut))))
                    + (e.has(JobIndexEntry::MessageCut) ? QString(QChar(0x2026)) : QString()));
        }
        case RetryCountColumn:
            return e.retryCount >= 0 ? QString::number(e.retryCount) : QString();
        case JidColumn:
            return q(std::string(wholeChars(snap.jid(r), e.has(JobIndexEntry::JidCut))))
                + (e.has(JobIndexEntry::JidCut) ? QString(QChar(0x2026)) : QString());
        }
        break;
    case UnderlyingDataRole:
        switch (index.column()) {
        case WhenColumn:
            return when;
        case RetryCountColumn:
            return e.retryCount;
        default:
            return data(index, Qt::DisplayRole);
        }
    case MalformedRole:
        return malformed;
    case Qt::ForegroundRole:
        // Unreadable rows stand out: they are the ones most likely to need a hand.
        if (malformed) return QBrush(problemColor());
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == RetryCountColumn) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant IndexedJobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return jobColumnCaption(section, m_whenCaption);
}

bool IndexedJobModel::sortable(int column)
{
    return column != ArgsColumn && column != JidColumn && column >= 0 && column < ColumnCount;
}

void IndexedJobModel::sort(int column, Qt::SortOrder order)
{
    if (!sortable(column)) return;
    static constexpr JobIndexSort kByColumn[] = {JobIndexSort::Score, JobIndexSort::Queue, JobIndexSort::Class,
        JobIndexSort::Score, JobIndexSort::Error, JobIndexSort::RetryCount};
    const JobIndexSort sort = kByColumn[column];
    const bool descending = order == Qt::DescendingOrder;
    if (sort == m_sort && descending == m_descending) return;
    m_sort = sort;
    m_descending = descending;
    m_throttle.stop();
    requery();
}

void IndexedJobModel::setSnapshot(std::shared_ptr<const kiq::sidekiq::JobIndexSnapshot> snapshot)
{
    m_latest = std::move(snapshot);
    if (m_throttle.isActive()) return;
    const qint64 since = m_sinceApply.isValid() ? m_sinceApply.elapsed() : kMinApplyIntervalMs;
    if (since >= kMinApplyIntervalMs)
        requery();
    else
        m_throttle.start(int(kMinApplyIntervalMs - since));
}

void IndexedJobModel::setFilters(std::optional<JobFilter> rows, std::optional<JobFilter> groups)
{
    m_rowFilter = std::move(rows);
    m_groupFilter = std::move(groups);
    m_filterInvalid = false;
    m_throttle.stop();
    requery();
}

void IndexedJobModel::setFilterInvalid()
{
    m_filterInvalid = true;
    m_throttle.stop();
    ++m_ticket; // a query still running answers for the old filter: dropped
    beginResetModel();
    m_rows = std::make_shared<const std::vector<std::uint32_t>>();
    m_maybe = 0;
    endResetModel();
    m_groups.clear();
    emit groupsChanged();
    emit queryApplied(0);
}

void IndexedJobModel::requery()
{
    if (!m_latest || m_filterInvalid) return;
    if (m_running) {
        m_pending = true;
        return;
    }
    launch();
}

void IndexedJobModel::launch()
{
    m_running = true;
    m_pending = false;
    auto result = std::make_shared<Result>();
    result->ticket = ++m_ticket;
    result->snapshot = m_latest;
    const JobFilter rowFilter = m_rowFilter.value_or(JobFilter::parse({}));
    const JobFilter groupFilter = m_groupFilter.value_or(JobFilter::parse({}));
    const bool wantGroups = m_groupsWanted;
    const JobIndexSort sort = m_sort;
    const bool descending = m_descending;
    // Tens of milliseconds for a million entries: on the pool's thread, so the GUI keeps painting.
    runOffThread(
        this,
        [result, rowFilter, groupFilter, wantGroups, sort, descending] {
            // Background work: the GUI thread wins a busy core.
            static thread_local const bool niced = kiq::util::BackgroundPriority::lowerForGood();
            (void)niced;
            QElapsedTimer t;
            t.start();
            auto found = result->snapshot->query(rowFilter, sort, descending);
            result->maybe = qsizetype(found.maybe.size());
            result->rows = std::make_shared<const std::vector<std::uint32_t>>(std::move(found.rows));
            if (wantGroups) result->groups = result->snapshot->groups(groupFilter);
            result->milliseconds = double(t.nsecsElapsed()) / 1e6;
            return result;
        },
        [](IndexedJobModel* self, std::shared_ptr<Result> done) { self->apply(std::move(done)); }, &m_pool);
}

void IndexedJobModel::apply(std::shared_ptr<Result> result)
{
    m_running = false;
    if (result->ticket == m_ticket) {
        beginResetModel();
        m_shown = result->snapshot;
        m_rows = std::move(result->rows);
        m_maybe = result->maybe;
        endResetModel();
        m_sinceApply.restart();
        if (result->groups) {
            m_groups = std::move(*result->groups);
            emit groupsChanged();
        }
        emit queryApplied(result->milliseconds);
    }
    if (m_pending && !m_filterInvalid) launch();
}

IndexedJobModel::Key IndexedJobModel::key(int row) const
{
    const JobIndexEntry& e = m_shown->entry(snapRow(row));
    return {e.score, e.payloadHash};
}

std::vector<int> IndexedJobModel::rowsOf(const std::vector<Key>& keys) const
{
    std::vector<int> out;
    if (!m_shown || keys.empty()) return out;
    std::unordered_set<std::uint32_t> wanted;
    for (const Key& k : keys)
        if (const auto found = m_shown->find(k.score, k.payloadHash)) wanted.insert(*found);
    // Display rows are a permutation of a subset of snapshot rows: one pass (a few ms at 1M).
    for (std::size_t i = 0; i < m_rows->size() && out.size() < wanted.size(); ++i)
        if (wanted.count((*m_rows)[i])) out.push_back(int(i));
    return out;
}

} // namespace kiq::ui

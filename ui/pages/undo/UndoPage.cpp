#include "pages/undo/UndoPage.h"

#include "common/Formatting.h"
#include "common/Keyboard.h"
#include "common/SortedTable.h"
#include "common/StatusLine.h"
#include "deployment/Deployment.h"
#include "redis/AsyncClient.h"

#include <QAction>
#include <QDateTime>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace kiq::ui {

using kiq::write::UndoAction;

namespace {
enum Column { When, What, Jobs, Left, By, Reason, ColumnCount };

struct Load {
    std::vector<UndoAction> actions;
    std::string problem; // the journal could not be opened, or its size cap dropped older actions
};

struct Restored {
    kiq::write::RestoreResult result;
    std::vector<UndoAction> actions;
};

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QStandardItem* cell(const QString& text, const QVariant& sortKey)
{
    auto* item = new QStandardItem(text);
    item->setData(sortKey, Qt::UserRole);
    item->setEditable(false);
    return item;
}

QString timeOf(double epochSeconds)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(qint64(epochSeconds));
    const QLocale locale;
    return t.date() == QDate::currentDate() ? locale.toString(t.time(), QLocale::ShortFormat)
                                            : locale.toString(t, QLocale::ShortFormat);
}
} // namespace

UndoPage::UndoPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_model(new QStandardItemModel(0, ColumnCount, this))
    , m_table(makeSortedTable(m_model, QStringLiteral("undoTable"), this))
    , m_status(new StatusLine(QStringLiteral("undoStatus"), this))
{
    setObjectName(QStringLiteral("undoPage"));
    m_model->setHorizontalHeaderLabels(
        {tr("When"), tr("What was removed"), tr("Jobs"), tr("Not restored"), tr("By"), tr("Reason")});
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->sortByColumn(When, Qt::DescendingOrder); // the last action first: the likeliest to undo
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction* reload = bar->addAction(tr("Reload"));
    connect(reload, &QAction::triggered, this, &UndoPage::refresh);
    bar->addSeparator();
    m_restore = bar->addAction(tr("Restore"));
    m_restore->setObjectName(QStringLiteral("restoreAction"));
    connect(m_restore, &QAction::triggered, this, &UndoPage::restoreSelected);
    // The same as a kiqdesk-cli command, for a review or a script (allowed while writes are refused).
    m_copyRestore = bar->addAction(tr("Copy as command"));
    m_copyRestore->setObjectName(QStringLiteral("copyRestoreAction"));
    connect(m_copyRestore, &QAction::triggered, this, [this] {
        if (const auto action = selected()) m_status->showInfo(copyAsCommand(kiq::write::undoRestore(action->id)));
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    chainTabOrder(tabReachesToolBar(bar) << m_table);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &UndoPage::updateActions);
    m_status->showInfo(tr("Not connected."));
    updateActions();
}

QString UndoPage::title() const
{
    return tr("Undo history");
}

QIcon UndoPage::icon() const
{
    return style()->standardIcon(QStyle::SP_ArrowBack);
}

QString UndoPage::describe(const UndoAction& a)
{
    const int n = pluralCount(a.count);
    const QString count = formatCount(a.count), target = q(a.target), when = timeOf(a.time);
    if (a.action == "kill") return tr("%1 job(s) killed from %2 at %3", nullptr, n).arg(count, target, when);
    if (a.action == "clear-queue") return tr("%1 job(s) cleared from %2 at %3", nullptr, n).arg(count, target, when);
    return tr("%1 job(s) deleted from %2 at %3", nullptr, n).arg(count, target, when);
}

void UndoPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    refresh(); // other pages add to the journal while this one is hidden
}

void UndoPage::clientChanged()
{
    m_loading = false;
    show({});
    if (!client()) {
        m_status->showInfo(tr("Not connected."));
        return;
    }
    refresh();
}

void UndoPage::refresh()
{
    if (!client() || m_loading) return;
    m_loading = true;
    runFresh<Load>(
        [journal = Deployment::undoJournal()](kiq::redis::Client& c) {
            Load load;
            if (!journal->isOpen()) {
                load.problem
                    = "the undo journal " + journal->file().toStdString() + " cannot be opened: " + journal->error();
                return load;
            }
            load.actions = journal->actions(kiq::write::serverOf(c.options()));
            load.problem = journal->takeWarning();
            return load;
        },
        [this](kiq::redis::Result<Load> r) {
            m_loading = false;
            if (!r.ok()) {
                m_status->showLoadError(explainError(r.error->message));
                return;
            }
            show(std::move(r.value->actions));
            if (!r.value->problem.empty())
                m_status->showProblemText(q(r.value->problem));
            else if (m_actions.empty())
                m_status->showInfo(tr("Nothing to undo: deletes, kills and queue clears on this server are kept "
                                      "here for 7 days."));
            else
                m_status->showInfo(tr("%1 action(s) kept for 7 days", nullptr, pluralCount(qsizetype(m_actions.size())))
                                       .arg(formatCount(qsizetype(m_actions.size()))));
        });
}

void UndoPage::show(std::vector<UndoAction> actions)
{
    const auto keep = selected();
    m_actions = std::move(actions);
    m_model->removeRows(0, m_model->rowCount());
    for (std::size_t i = 0; i < m_actions.size(); ++i) {
        const auto& a = m_actions[i];
        QList<QStandardItem*> row {cell(timeOf(a.time), a.time), cell(describe(a), qlonglong(i)),
            cell(formatCount(a.count), qlonglong(a.count)), cell(formatCount(a.restorable), qlonglong(a.restorable)),
            cell(q(a.osUser), q(a.osUser)), cell(q(a.reason), q(a.reason))};
        row.front()->setData(qlonglong(i), Qt::UserRole + 1); // which action the row shows, whatever the sort
        m_model->appendRow(row);
    }
    if (keep) {
        for (int r = 0; r < m_table->model()->rowCount(); ++r) {
            const auto index = m_table->model()->index(r, When);
            if (m_actions.at(std::size_t(index.data(Qt::UserRole + 1).toLongLong())).id == keep->id)
                m_table->selectRow(r);
        }
    }
    updateActions();
}

std::optional<UndoAction> UndoPage::selected() const
{
    const auto rows = m_table->selectionModel()->selectedRows(When);
    if (rows.isEmpty()) return std::nullopt;
    const auto i = std::size_t(rows.front().data(Qt::UserRole + 1).toLongLong());
    if (i >= m_actions.size()) return std::nullopt;
    return m_actions[i];
}

void UndoPage::updateActions()
{
    // Disabled with the reason as the tooltip, in the order every page uses.
    const auto action = selected();
    QString why = !client() ? tr("Not connected") : writeRefusal();
    if (why.isEmpty() && !action) why = tr("Select an action in the list first");
    if (why.isEmpty() && action->restorable == 0) why = tr("Its jobs were restored already");
    m_restore->setEnabled(why.isEmpty());
    m_copyRestore->setEnabled(action && action->restorable > 0);
    m_restore->setToolTip(why.isEmpty() ? tr("Put back the %1").arg(describe(*action)) : why);
}

void UndoPage::restoreSelected()
{
    const auto action = selected();
    if (!client() || !action) return;
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        m_status->showProblemText(why);
        return;
    }
    m_status->showInfo(tr("Restoring…"));
    m_restore->setEnabled(false);
    runFresh<Restored>(
        [gate = writeGate(), journal = Deployment::undoJournal(), id = action->id](kiq::redis::Client& c) {
            Restored out;
            out.result = kiq::write::restoreAction(c, *gate, *journal, id);
            out.actions = journal->actions(kiq::write::serverOf(c.options()));
            return out;
        },
        [this, what = describe(*action)](kiq::redis::Result<Restored> r) {
            if (!r.ok()) {
                m_status->showError(tr("Restore failed:"), explainError(r.error->message));
                updateActions();
            } else {
                show(std::move(r.value->actions));
                const auto& res = r.value->result;
                m_status->showInfo(tr("Restored %1 job(s), %2 already there (%3)", nullptr, pluralCount(res.restored))
                                       .arg(formatCount(res.restored), formatCount(res.skipped), what));
            }
            emit restoreFinished();
        });
}

} // namespace kiq::ui

#include "fleet/FleetSearchDialog.h"

#include "common/Formatting.h"
#include "common/SortedTable.h"
#include "common/StatusLine.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "redaction/Redaction.h"

#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

namespace {
// What one step hands back from the client's thread: the search itself is only touched there.
struct SearchStep {
    std::vector<kiq::sidekiq::JobSearchHit> hits;
    kiq::sidekiq::JobSearchProgress progress;
};

enum ProgressColumn { NameColumn, ProgressTextColumn, HitsColumn };
} // namespace

FleetSearchDialog::FleetSearchDialog(DeploymentListModel* deployments, QWidget* parent)
    : QDialog(parent)
    , m_deployments(deployments)
    , m_query(new QLineEdit(this))
    , m_searchButton(new QPushButton(tr("&Search"), this))
    , m_stopButton(new QPushButton(tr("S&top"), this))
    , m_progress(new QTableWidget(0, 3, this))
    , m_model(new FleetSearchModel(this))
    , m_hits(makeSortedTable(m_model, QStringLiteral("fleetSearchHits"), this))
    , m_status(new StatusLine(QStringLiteral("fleetSearchStatus"), this))
{
    setWindowTitle(tr("Find in all deployments"));
    setObjectName(QStringLiteral("fleetSearchDialog"));
    resize(980, 560);
    m_query->setObjectName(QStringLiteral("fleetSearchQuery"));
    m_query->setPlaceholderText(tr("A JID, or text in a job's class, arguments or error"));
    m_query->setClearButtonEnabled(true);
    m_searchButton->setDefault(true);
    m_stopButton->setEnabled(false);

    m_progress->setObjectName(QStringLiteral("fleetSearchProgress"));
    m_progress->setHorizontalHeaderLabels({tr("Deployment"), tr("Progress"), tr("Hits")});
    m_progress->horizontalHeader()->setSectionResizeMode(ProgressTextColumn, QHeaderView::Stretch);
    m_progress->verticalHeader()->hide();
    m_progress->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_progress->setSelectionMode(QAbstractItemView::NoSelection);
    m_progress->setFocusPolicy(Qt::NoFocus);
    m_hits->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // in the order they are found, until a click
    m_hits->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_hits->setSelectionMode(QAbstractItemView::SingleSelection);

    auto* top = new QHBoxLayout;
    top->addWidget(m_query, 1);
    top->addWidget(m_searchButton);
    top->addWidget(m_stopButton);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_progress);
    split->addWidget(m_hits);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto* hint = new QLabel(tr("Arguments and messages are matched as each deployment's redaction rules show them. "
                               "Open a hit (double-click "
                               "or Enter) to see it on its page."),
        this);
    hint->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    layout->addWidget(hint);

    connect(m_searchButton, &QPushButton::clicked, this, [this] { search(m_query->text()); });
    connect(m_query, &QLineEdit::returnPressed, this, [this] { search(m_query->text()); });
    connect(m_stopButton, &QPushButton::clicked, this, &FleetSearchDialog::stop);
    connect(m_hits, &QTableView::activated, this, [this](const QModelIndex& index) {
        const auto* proxy = static_cast<const QSortFilterProxyModel*>(m_hits->model());
        emit hitActivated(m_model->at(proxy->mapToSource(index).row()));
    });
    updateStatus();
}

bool FleetSearchDialog::isSearching() const
{
    return std::any_of(m_runs.begin(), m_runs.end(), [](const Run& r) { return r.running; });
}

void FleetSearchDialog::search(const QString& text)
{
    const QString query = text.trimmed();
    stop();
    ++m_generation;
    m_runs.clear();
    m_model->clear();
    m_progress->setRowCount(0);
    if (query.isEmpty()) {
        updateStatus();
        return;
    }
    for (int row = 0; row < m_deployments->rowCount(); ++row) {
        Deployment* d = m_deployments->at(row);
        Run run;
        run.deployment = d;
        run.name = d->profile().name;
        if (d->client() && d->status() == Deployment::Status::Reachable) {
            run.search = std::make_shared<kiq::sidekiq::JobSearch>(
                kiq::sidekiq::JobSearchQuery::anyOf(query.toStdString()), d->profile().loadBudget(),
                std::make_shared<const kiq::redaction::Redactor>(d->profile().redaction));
            run.running = true;
            run.started.start();
        } else {
            run.problem = tr("Not connected");
        }
        m_runs.push_back(std::move(run));
    }
    m_progress->setRowCount(int(m_runs.size()));
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        showRun(i);
        if (!m_runs[i].running) continue;
        // A reconnect drops the work queued on the old client: that search ends here.
        m_runs[i].resetWatch = connect(m_runs[i].deployment, &Deployment::clientChanged, this, [this, i] {
            if (i < m_runs.size() && m_runs[i].running) endRun(i, tr("The connection was reset"));
        });
        step(i);
    }
    updateStatus();
}

void FleetSearchDialog::stop()
{
    bool stopped = false;
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        if (!m_runs[i].running) continue;
        disconnect(m_runs[i].resetWatch);
        m_runs[i].running = false;
        m_runs[i].problem = tr("Stopped");
        m_runs[i].seconds = m_runs[i].started.elapsed() / 1000.0;
        showRun(i);
        stopped = true;
    }
    ++m_generation; // a step still in flight is dropped when it answers
    if (stopped) {
        updateStatus();
        emit finished();
    }
}

void FleetSearchDialog::step(std::size_t index)
{
    Run& run = m_runs[index];
    if (!run.deployment || !run.deployment->client()) {
        endRun(index, tr("Not connected"));
        return;
    }
    run.deployment->client()->run<SearchStep>(
        [search = run.search](kiq::redis::Client& client) {
            SearchStep s;
            s.hits = search->step(client);
            s.progress = search->progress();
            return s;
        },
        this,
        [this, index, generation = m_generation](kiq::redis::Result<SearchStep> r) {
            if (generation != m_generation || index >= m_runs.size() || !m_runs[index].running) return;
            Run& run = m_runs[index];
            if (!r.ok()) {
                endRun(index, QString::fromStdString(r.error->message));
                return;
            }
            run.progress = r.value->progress;
            std::vector<FleetSearchHit> hits;
            for (auto& hit : r.value->hits) hits.push_back({run.deployment, run.name, std::move(hit)});
            m_model->append(std::move(hits));
            if (run.progress.done) {
                endRun(index, {});
                return;
            }
            showRun(index);
            updateStatus();
            step(index);
        });
}

void FleetSearchDialog::endRun(std::size_t index, const QString& problem)
{
    disconnect(m_runs[index].resetWatch);
    m_runs[index].running = false;
    m_runs[index].problem = problem;
    m_runs[index].seconds = m_runs[index].started.elapsed() / 1000.0;
    showRun(index);
    updateStatus();
    if (!isSearching()) emit finished();
}

void FleetSearchDialog::showRun(std::size_t index)
{
    const Run& run = m_runs[index];
    const auto& p = run.progress;
    QString text;
    if (!run.problem.isEmpty() && !run.running) {
        text = run.search
            ? tr("%1 (after %2 of %3 jobs)").arg(run.problem, formatCount(p.examined), formatCount(p.total))
            : run.problem;
    } else if (run.running) {
        text = p.reading.empty()
            ? tr("Starting…")
            : tr("Reading %1: %2 of %3 jobs")
                  .arg(QString::fromStdString(p.reading), formatCount(p.examined), formatCount(p.total));
        if (p.load.slowed) text += QStringLiteral(" · ") + QString::fromStdString(p.load.slowedNote());
    } else {
        text = p.truncated ? tr("Stopped at %1 hits: narrow the search").arg(formatCount(long(p.hits)))
                           : tr("Done: %1 jobs in %2").arg(formatCount(p.examined), formatSeconds(run.seconds));
    }
    const QString cells[] = {run.name, text, formatCount(long(p.hits))};
    for (int column = 0; column < 3; ++column) {
        auto* item = m_progress->item(int(index), column);
        if (!item) {
            item = new QTableWidgetItem;
            m_progress->setItem(int(index), column, item);
        }
        item->setText(cells[column]);
        item->setToolTip(cells[column]);
    }
    m_progress->resizeColumnToContents(NameColumn);
}

void FleetSearchDialog::updateStatus()
{
    m_stopButton->setEnabled(isSearching());
    if (m_runs.empty()) {
        m_status->showInfo(tr("Type a JID or some text, then Enter."));
        return;
    }
    long long examined = 0;
    int searched = 0;
    for (const Run& r : m_runs) {
        examined += r.progress.examined;
        if (r.search) ++searched;
    }
    const int hits = m_model->rowCount();
    const QString found = tr("%1 hit(s)", nullptr, pluralCount(hits)).arg(formatCount(hits));
    if (isSearching())
        m_status->showInfo(tr("Searching %1 of %2 deployments… %3 so far, %4 jobs examined")
                               .arg(searched)
                               .arg(int(m_runs.size()))
                               .arg(found, formatCount(examined)));
    else
        m_status->showInfo(tr("%1 in %2 jobs").arg(found, formatCount(examined)));
}

} // namespace kiq::ui

#include "pages/profiles/ProfilesPage.h"

#include "common/Formatting.h"
#include "common/SortedTable.h"
#include "common/StatusLine.h"
#include "pages/profiles/ProfileListModel.h"
#include "sidekiq/api/Profiles.h"
#include "sidekiq/model/Timestamp.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace kiq::ui {

namespace {
// What saving one profile came to, carried from the client's thread to the page.
struct SaveOutcome {
    bool expired = false; // the hash was gone (Sidekiq keeps profiles a day)
    QString error; // the file could not be written
    long long bytes = 0;
};
} // namespace

ProfilesPage::ProfilesPage(QWidget* parent)
    : DeploymentPage(parent)
    , m_save(new QPushButton(tr("&Save profile…"), this))
    , m_status(new StatusLine(QStringLiteral("profilesStatus"), this))
    , m_saveStatus(new StatusLine(QStringLiteral("profileSaveStatus"), this))
    , m_model(new ProfileListModel(this))
{
    setObjectName(QStringLiteral("profilesPage"));
    m_save->setObjectName(QStringLiteral("saveProfileButton"));
    m_table = makeSortedTable(m_model, QStringLiteral("profilesTable"), this);
    m_proxy = static_cast<QSortFilterProxyModel*>(m_table->model());
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(ProfileListModel::JobColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->sortByColumn(ProfileListModel::StartedColumn, Qt::DescendingOrder);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* saveAction = new QAction(tr("Save profile…"), m_table);
    m_table->addAction(saveAction);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_save);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    // The last save's outcome on its own line: the list's refresh must not wipe it.
    m_saveStatus->setHiddenWhenEmpty(true);
    layout->addWidget(m_saveStatus);

    connect(m_save, &QPushButton::clicked, this, &ProfilesPage::saveSelectedProfile);
    connect(saveAction, &QAction::triggered, this, &ProfilesPage::saveSelectedProfile);
    connect(m_table, &QTableView::doubleClicked, this, &ProfilesPage::saveSelectedProfile);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ProfilesPage::updateActions);
    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) refresh(); // hidden pages do not poll
    });
    m_status->showInfo(tr("Not connected."));
    updateActions();
}

QString ProfilesPage::title() const
{
    return tr("Profiles");
}

QIcon ProfilesPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogContentsView);
}

void ProfilesPage::clientChanged()
{
    m_loading = false;
    m_saving = false;
    m_sinceLoad.invalidate();
    m_model->clearRows();
    m_saveStatus->showInfo(QString());
    if (!client()) {
        m_timer.stop();
        m_status->showInfo(tr("Not connected."));
    } else {
        m_timer.start();
        if (isVisible()) refresh();
    }
    updateActions();
}

void ProfilesPage::showEvent(QShowEvent* event)
{
    DeploymentPage::showEvent(event);
    if (!m_sinceLoad.isValid() || m_sinceLoad.elapsed() >= m_timer.interval()) refresh();
}

void ProfilesPage::refresh()
{
    if (!client() || m_loading) return; // one load at a time
    m_loading = true;
    if (!m_sinceLoad.isValid()) m_status->showInfo(tr("Loading…"));
    runFresh<kiq::sidekiq::ProfileList>(
        [](kiq::redis::Client& c) { return kiq::sidekiq::readProfiles(c, kiq::sidekiq::Timestamp::now().seconds()); },
        [this](kiq::redis::Result<kiq::sidekiq::ProfileList> r) {
            m_loading = false;
            if (r.ok())
                showList(*r.value);
            else
                m_status->showLoadError(explainError(r.error->message), m_sinceLoad);
        });
}

void ProfilesPage::showList(const kiq::sidekiq::ProfileList& list)
{
    m_sinceLoad.start();
    m_model->setNow(kiq::sidekiq::Timestamp::now().seconds());
    m_model->applySnapshot(list.records);
    QString text = list.records.empty()
        ? tr("No job profiles. Sidekiq 8 profiles a job pushed with \"profile\" set and keeps the profile "
             "for a day.")
        : tr("%1 profile(s), newest first.", nullptr, pluralCount(qint64(list.records.size())))
              .arg(formatCount(qint64(list.records.size())));
    if (list.truncated)
        text += QLatin1Char(' ')
            + tr("Only the newest %1 are listed.").arg(formatCount(qint64(kiq::sidekiq::kProfileListLimit)));
    if (list.expired > 0)
        text += QLatin1Char(' ')
            + tr("%1 expired profile(s) not shown (Sidekiq removes them; this page does not write).", nullptr,
                pluralCount(list.expired))
                  .arg(formatCount(list.expired));
    m_status->showInfo(text);
    if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0) m_table->selectRow(0);
    updateActions();
}

const kiq::sidekiq::ProfileRecord* ProfilesPage::selectedRecord() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) return nullptr;
    const QModelIndex source = m_proxy->mapToSource(rows.front());
    return source.isValid() ? &m_model->rows()[std::size_t(source.row())] : nullptr;
}

void ProfilesPage::updateActions()
{
    const bool enabled = client() && selectedRecord() && !m_saving;
    m_save->setEnabled(enabled);
    for (QAction* a : m_table->actions()) a->setEnabled(enabled);
    m_save->setToolTip(!client() ? tr("Not connected")
            : m_saving           ? tr("Saving…")
            : !selectedRecord()  ? tr("Select a profile first")
                                 : tr("Write the profile to a file for the Firefox Profiler; nothing is uploaded"));
}

void ProfilesPage::saveSelectedProfile()
{
    const auto* record = selectedRecord();
    if (!record || !client() || m_saving) return;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(this, tr("Save profile"),
        QDir(dir).filePath(QString::fromStdString(kiq::sidekiq::profileFileName(*record))),
        tr("Firefox Profiler files (*.json.gz)"));
    if (!path.isEmpty()) saveSelectedProfileTo(path);
}

void ProfilesPage::saveSelectedProfileTo(const QString& path)
{
    const auto* record = selectedRecord();
    if (!record || !client() || m_saving) {
        emit saveFinished(false);
        return;
    }
    m_saving = true;
    updateActions();
    const std::string key = record->key;
    m_saveStatus->showInfo(tr("Saving the profile of %1…").arg(QString::fromStdString(record->type)));
    runFresh<SaveOutcome>(
        [key, path](kiq::redis::Client& c) {
            SaveOutcome out;
            const auto data = kiq::sidekiq::readProfileData(c, key);
            if (!data) {
                out.expired = true;
                return out;
            }
            out.bytes = static_cast<long long>(data->size());
            out.error = kiq::sidekiq::saveProfile(*data, path); // on this worker: never the GUI thread's disk
            return out;
        },
        [this, path](kiq::redis::Result<SaveOutcome> r) {
            m_saving = false;
            updateActions();
            const QString file = QDir::toNativeSeparators(path);
            bool saved = false;
            if (!r.ok())
                m_saveStatus->showError(tr("The profile could not be read:"), explainError(r.error->message));
            else if (r.value->expired)
                m_saveStatus->showError(tr("The profile could not be read:"),
                    tr("it is no longer in Redis (Sidekiq keeps profiles for a day)."));
            else if (!r.value->error.isEmpty())
                m_saveStatus->showError(tr("The profile could not be saved to %1:").arg(file), r.value->error);
            else {
                saved = true;
                m_saveStatus->showInfo(tr("Saved %1 (%2). Open it in the Firefox Profiler (Load a profile from file); "
                                          "nothing was uploaded.")
                                           .arg(file, formatBytes(r.value->bytes)));
            }
            emit saveFinished(saved);
            refresh(); // an expired profile leaves the list
        });
}

} // namespace kiq::ui

#pragma once
// The Profiles page (issue 20, item 3): Sidekiq 8's job profiles (sidekiq/api/Profiles.h), the jobs pushed
// with `profile: <token>` that ran under Vernier. A list with the job, when it started, how long it ran,
// the profile's size and when Sidekiq deletes it; "Save profile…" writes one to a local file (gzip,
// Firefox-profiler JSON) to open in the Firefox Profiler. Nothing is uploaded, and reading writes nothing:
// Sidekiq's own list trims expired entries on read, this page only skips them. Reads while visible.

#include "deployment/DeploymentPage.h"

#include <QElapsedTimer>
#include <QTimer>

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace kiq::sidekiq {
struct ProfileList;
struct ProfileRecord;
} // namespace kiq::sidekiq

namespace kiq::ui {

class ProfileListModel;
class StatusLine;

class ProfilesPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit ProfilesPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    static constexpr int kRefreshIntervalMs = 30'000;

    // Asks where, then saves the selected profile there (Save profile…, a double-click).
    void saveSelectedProfile();
    // Saves the selected profile to `path` without asking: read from Redis and written off the GUI thread.
    void saveSelectedProfileTo(const QString& path);
    QTableView* profileTable() const { return m_table; }

signals:
    void saveFinished(bool saved); // after saveSelectedProfileTo, either way; the status line says why

protected:
    void clientChanged() override;
    void showEvent(QShowEvent* event) override;

private:
    void showList(const kiq::sidekiq::ProfileList& list);
    const kiq::sidekiq::ProfileRecord* selectedRecord() const;
    void updateActions();

    bool m_loading = false;
    bool m_saving = false;
    QElapsedTimer m_sinceLoad;
    QTimer m_timer;

    QPushButton* m_save;
    StatusLine* m_status;
    StatusLine* m_saveStatus;
    ProfileListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
};

} // namespace kiq::ui

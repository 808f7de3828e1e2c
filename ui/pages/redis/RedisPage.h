#pragma once
// The Redis page: what the server itself says. INFO summary cards (version, role, uptime, memory,
// clients, ops/s, keys), the slow log, and the clients: a census by host and client library (which
// Sidekiq versions hold how many connections) and the full connection list. Data comes from
// kiq::server::loadServerInfo, run through the deployment's AsyncClient every 5 s while the page is
// visible (and once when the client arrives or the page is shown with stale data).

#include "deployment/DeploymentPage.h"

#include <QElapsedTimer>
#include <QTimer>

class QAbstractItemModel;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace kiq::server {
struct ServerInfo;
}

namespace kiq::ui {

class ClientCensusModel;
class ClientListModel;
class InfoCard;
class SlowlogModel;
class StatusLine;

class RedisPage final : public DeploymentPage {
    Q_OBJECT
public:
    explicit RedisPage(QWidget* parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void refresh() override;

    static constexpr int kRefreshIntervalMs = 5000;
    void setRefreshInterval(int ms); // how often a visible page reloads; default kRefreshIntervalMs

protected:
    void clientChanged() override;
    void showEvent(QShowEvent* event) override;

private:
    void showInfo(const kiq::server::ServerInfo& info);
    void clearData();

    bool m_loading = false;
    QElapsedTimer m_sinceLoad; // invalid until the first successful load
    QTimer m_timer;

    InfoCard* m_version;
    InfoCard* m_role;
    InfoCard* m_uptime;
    InfoCard* m_memory;
    InfoCard* m_clients;
    InfoCard* m_ops;
    InfoCard* m_keys;
    InfoCard* m_eviction;
    StatusLine* m_status;
    StatusLine* m_slowlogNote;
    StatusLine* m_clientsNote;
    SlowlogModel* m_slowlogModel;
    ClientListModel* m_clientModel;
    ClientCensusModel* m_censusModel;
    QLabel* m_censusSummary;
};

} // namespace kiq::ui

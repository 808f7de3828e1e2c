#pragma once
// The "where is it" part of the connection dialog: standalone host and port, Sentinel (master name,
// sentinel list, the sentinels' own ACL user and password) or Cluster (seed nodes).

#include "redis/ConnectionOptions.h"

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

namespace kiq::ui {

class TopologyBox final : public QGroupBox {
    Q_OBJECT
public:
    explicit TopologyBox(QWidget* parent = nullptr);

    void setOptions(const kiq::redis::ConnectionOptions& options, bool sentinelPasswordRequired);
    // Writes topology, endpoint, seeds and the sentinel fields. Returns an error message for an
    // endpoint list it cannot read ("line 2: 'x' is not host:port"), or an empty string.
    QString applyTo(kiq::redis::ConnectionOptions& options) const;
    bool sentinelPasswordRequired() const;

    // "host:port" per line or separated by commas/spaces; IPv6 as [addr]:port; a bare host gets
    // defaultPort. Throws nothing: errors go to *error.
    static std::vector<kiq::redis::Endpoint> parseEndpoints(const QString& text, int defaultPort, QString* error);
    static QString formatEndpoints(const std::vector<kiq::redis::Endpoint>& endpoints);

signals:
    void topologyChanged(kiq::redis::Topology topology);

private:
    QComboBox* m_kind;
    QStackedWidget* m_stack;
    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_master;
    QPlainTextEdit* m_sentinels;
    QLineEdit* m_sentinelUser;
    QLineEdit* m_sentinelPassword;
    QCheckBox* m_sentinelPasswordRequired;
    QPlainTextEdit* m_seeds;
};

} // namespace kiq::ui

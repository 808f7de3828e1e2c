#pragma once
// Health alerts to a chat tool or an incident system: each notification of a deployment POSTed as
// JSON (Notification::toJson) to the webhook URL of its profile (Slack, Mattermost, Teams through a
// workflow, or anything that takes JSON).
//
// A webhook URL is a secret (Slack's carries its token in the path): it is kept in the keychain with
// the profile's other secrets, and no message here ever holds more of it than the host. Asynchronous;
// one attempt per notification, then `failed` (the next notification is the next attempt).

#include "health/Alerts.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>

namespace kiq::health {

class WebhookSender : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 10000;

    explicit WebhookSender(QObject* parent = nullptr);

    // Empty when `url` can carry a notification, else why not ("not an http(s) URL").
    static QString check(const QUrl& url);
    void post(const QUrl& url, const Notification& notification);

signals:
    void delivered(const QString& deployment);
    // "webhook to hooks.example.com: HTTP 500" — the host alone, never the path or query.
    void failed(const QString& deployment, const QString& error);

private:
    QNetworkAccessManager m_network;
};

} // namespace kiq::health

#include "health/Webhook.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace kiq::health {

WebhookSender::WebhookSender(QObject* parent)
    : QObject(parent)
{
}

QString WebhookSender::check(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty()) return QStringLiteral("not a valid URL");
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("https") && scheme != QLatin1String("http"))
        return QStringLiteral("not an http(s) URL");
    return {};
}

void WebhookSender::post(const QUrl& url, const Notification& n)
{
    const QString deployment = QString::fromStdString(n.deployment);
    const QString host = url.host();
    if (const QString why = check(url); !why.isEmpty()) {
        emit failed(deployment, QStringLiteral("webhook: %1").arg(why));
        return;
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(kTimeoutMs);
    // A redirect could carry the body elsewhere, or from https to http.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = m_network.post(request, QByteArray::fromStdString(n.toJson()));
    connect(reply, &QNetworkReply::finished, this, [this, reply, deployment, host] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            emit delivered(deployment);
            return;
        }
        // Not errorString(): Qt puts the whole URL in it, token and all.
        const QString why = status > 0 ? QStringLiteral("HTTP %1").arg(status)
            : reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError
            ? QStringLiteral("no answer in %1 s").arg(kTimeoutMs / 1000)
            : QStringLiteral("network error %1").arg(int(reply->error()));
        emit failed(deployment, QStringLiteral("webhook to %1: %2").arg(host, why));
    });
}

} // namespace kiq::health

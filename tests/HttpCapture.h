#pragma once
// A one-request HTTP endpoint on loopback for webhook tests: it keeps what it was sent (head and body)
// and answers `status`.

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <memory>

namespace kiq::test {

struct HttpCapture {
    QTcpServer server;
    int status = 200;
    QByteArray head, body;
    bool done = false;

    HttpCapture()
    {
        server.listen(QHostAddress::LocalHost);
        QObject::connect(&server, &QTcpServer::newConnection, [this] {
            QTcpSocket* s = server.nextPendingConnection();
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                buffer->append(s->readAll());
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0) return;
                const QByteArray h = buffer->left(end);
                qsizetype length = 0;
                for (const QByteArray& line : h.split('\n'))
                    if (line.toLower().startsWith("content-length:")) length = line.mid(15).trimmed().toLongLong();
                if (buffer->size() < end + 4 + length) return;
                head = h;
                body = buffer->mid(end + 4, length);
                done = true;
                s->write(
                    "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                s->disconnectFromHost();
            });
        });
    }
    QUrl url(const QString& path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.serverPort()).arg(path));
    }
};

} // namespace kiq::test

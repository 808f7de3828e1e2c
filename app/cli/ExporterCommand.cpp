// exporter: a Prometheus endpoint for one deployment (health/Exposition.h). Loopback by default: the
// numbers name queues and job classes' health, which is nobody else's business without --listen-any.
// Redis is read at most once per --interval however many scrapers call: a scrape within it is served
// from the last reading.
#include "Commands.h"
#include "ExitCode.h"

#include "health/Exposition.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <iostream>
#include <memory>

namespace kiq::cli {

namespace {

constexpr qint64 kMaxRequestLine = 8192; // bytes without a line end before the request is refused
constexpr int kRequestTimeoutMs = 10000; // from connecting to the response

struct Exporter {
    Exporter(const redis::ConnectionOptions& options, std::string name, health::HealthThresholds t, double seconds)
        : client(options)
        , deployment(std::move(name))
        , thresholds(std::move(t))
        , interval(
              std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds)))
    {
    }

    redis::Client client;
    std::string deployment;
    health::HealthThresholds thresholds;
    health::HealthEvaluator evaluator;
    health::DrainForecaster drain; // fed by each reading, so the forecast needs no read of its own
    std::chrono::steady_clock::duration interval;
    std::optional<std::chrono::steady_clock::time_point> readAt;
    std::string body;

    std::string metrics()
    {
        const auto now = std::chrono::steady_clock::now();
        if (readAt && now - *readAt < interval) return body;
        health::Scrape scrape {deployment, evaluator.evaluate(client, thresholds), 0, {}};
        scrape.durationSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - now).count();
        evaluator.previous = scrape.report.counters; // the failure rate over the scrape interval
        if (scrape.report.stats) drain.add(*scrape.report.stats);
        scrape.forecasts = drain.forecast(thresholds);
        body = health::prometheusText({scrape});
        readAt = now;
        return body;
    }
};

QByteArray response(int code, const char* reason, const QByteArray& type, const QByteArray& body)
{
    return "HTTP/1.1 " + QByteArray::number(code) + " " + reason + "\r\nContent-Type: " + type
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

int runExporter(CliContext& ctx, const std::string& listen, bool listenAny, double intervalSeconds)
{
    const auto colon = listen.rfind(':');
    const QString host = QString::fromStdString(listen.substr(0, colon == std::string::npos ? 0 : colon))
                             .remove(QLatin1Char('['))
                             .remove(QLatin1Char(']'));
    bool portOk = false;
    const int port = colon == std::string::npos ? 0 : QString::fromStdString(listen.substr(colon + 1)).toInt(&portOk);
    const QHostAddress address(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host);
    if (!portOk || port <= 0 || port > 65535 || address.isNull()) {
        std::cerr << "error: --listen wants ADDRESS:PORT, e.g. 127.0.0.1:9469 (got '" << listen << "')\n";
        return Usage;
    }
    if (!address.isLoopback() && !listenAny) {
        std::cerr << "error: " << listen
                  << " is not a loopback address: the metrics name your queues and their health; pass --listen-any "
                     "to serve them beyond this machine\n";
        return Usage;
    }
    auto exporter = std::make_shared<Exporter>(ctx.options(),
        ctx.profile() ? ctx.profile()->name.toStdString() : ctx.options().describe(),
        ctx.profile() ? ctx.profile()->health : health::HealthThresholds {}, intervalSeconds);
    QTcpServer server;
    if (!server.listen(address, quint16(port))) {
        std::cerr << "error: cannot listen on " << listen << ": " << server.errorString().toStdString() << "\n";
        return Unreachable;
    }
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server, exporter] {
        while (QTcpSocket* socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            // A client that never finishes its request line holds neither memory nor the socket for long.
            QTimer::singleShot(kRequestTimeoutMs, socket, [socket] { socket->abort(); });
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, exporter] {
                if (!socket->canReadLine()) { // the request line is all we need
                    if (socket->bytesAvailable() > kMaxRequestLine) {
                        socket->write(
                            response(431, "Request Header Fields Too Large", "text/plain", "request line too long\n"));
                        socket->disconnectFromHost();
                    }
                    return;
                }
                const QList<QByteArray> request = socket->readLine().trimmed().split(' ');
                const QByteArray path = request.size() >= 2 ? request[1] : QByteArray();
                if (request.value(0) != "GET")
                    socket->write(response(405, "Method Not Allowed", "text/plain", "GET only\n"));
                else if (path == "/metrics")
                    socket->write(response(200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                        QByteArray::fromStdString(exporter->metrics())));
                else if (path == "/")
                    socket->write(response(200, "OK", "text/plain", "kiqdesk exporter: metrics at /metrics\n"));
                else
                    socket->write(response(404, "Not Found", "text/plain", "not found: try /metrics\n"));
                socket->disconnectFromHost();
            });
        }
    });
    std::cerr << "kiqdesk exporter for " << exporter->deployment << " on http://" << listen << "/metrics\n";
    return QCoreApplication::exec() == 0 ? Ok : Cancelled;
}
} // namespace

void addExporterCommand(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* cmd = app.add_subcommand("exporter",
        "Serve the deployment's health as Prometheus metrics at http://ADDRESS:PORT/metrics; Redis is read at most "
        "once per --interval");
    auto listen = std::make_shared<std::string>("127.0.0.1:9469");
    auto any = std::make_shared<bool>(false);
    auto interval = std::make_shared<double>(15);
    cmd->add_option(
        "--listen", *listen, "Address and port (default 127.0.0.1:9469; loopback only without --listen-any)");
    cmd->add_flag("--listen-any", *any, "Allow a non-loopback --listen address");
    cmd->add_option("--interval", *interval, "Seconds a reading is served before Redis is read again (default 15)")
        ->check(CLI::Range(0.1, 3600.0));
    cmd->callback([&ctx, &exitCode, listen, any, interval] { exitCode = runExporter(ctx, *listen, *any, *interval); });
}

} // namespace kiq::cli

// Alerts (issue 21 item 2): what is told of real health evaluations (grouped, rate-limited,
// acknowledged, snoozed), desktop notifications through a notification server on a private session
// bus (run under with-session-bus.sh), and the webhook's POST to a local HTTP server.
#include "HttpCapture.h"
#include "NotificationServer.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "health/Alerts.h"
#include "health/DesktopNotifier.h"
#include "health/Webhook.h"
#include "redis/Client.h"
#include "sidekiq/model/Timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace kiq::health;
using kiq::redis::Client;
using kiq::redis::Command;
using kiq::test::HttpCapture;
using kiq::test::NotificationServer;
using kiq::test::RedisServer;

namespace {
double now()
{
    return kiq::sidekiq::Timestamp::now().seconds();
}

// The test's queues have no process on purpose: only their latency is watched.
HealthThresholds quiet()
{
    HealthThresholds t;
    for (const char* q : {"mail", "reports"}) t.queues[q].expectUnwatched = true;
    return t;
}

Notification sample(CheckState to)
{
    Notification n;
    n.deployment = "payments";
    n.worst = to;
    n.at = 1000;
    n.changes.push_back(AlertChange {{"payments", check::kQueueLatency, "mail"}, CheckState::Ok, to,
        "queue <mail>: latency 75 s over the 60 s SLO"});
    return n;
}

const AlertChange* changeOf(const Notification& n, const std::string& check, const std::string& subject)
{
    for (const auto& c : n.changes)
        if (c.key.check == check && c.key.subject == subject) return &c;
    return nullptr;
}
} // namespace

class TestAlerts : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<Client> m_client;
    HealthEvaluator m_evaluator;

    void run(std::vector<std::string> args) { m_client->command(Command::raw(std::move(args))).throwIfError(); }
    void enqueueOld(const std::string& queue, double ageSeconds)
    {
        run({"SADD", "queues", queue});
        run({"LPUSH", "queue:" + queue,
            "{\"class\":\"X\",\"jid\":\"j-" + queue + "\",\"enqueued_at\":" + std::to_string(now() - ageSeconds)
                + "}"});
    }
    HealthReport evaluate(const HealthThresholds& t = quiet()) { return m_evaluator.evaluate(*m_client, t); }

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServer>(RedisServer::Options {});
        m_client = std::make_unique<Client>(kiq::test::optionsFor(*m_server));
    }
    void init()
    {
        run({"FLUSHALL"});
        m_evaluator = HealthEvaluator {};
    }

    void changesAreGroupedAndRateLimited()
    {
        AlertTracker alerts; // one notification per deployment per minute
        alerts.update("payments", evaluate());
        QVERIFY(alerts.due(1000).empty()); // all OK: nothing to tell
        QCOMPARE(alerts.worst(), CheckState::Ok);

        enqueueOld("mail", 75);
        enqueueOld("reports", 90);
        alerts.update("payments", evaluate());
        auto sent = alerts.due(1000);
        QCOMPARE(sent.size(), std::size_t(1)); // both queues in one notification
        QCOMPARE(sent[0].worst, CheckState::Warn);
        QVERIFY(changeOf(sent[0], check::kQueueLatency, "mail"));
        QVERIFY(changeOf(sent[0], check::kQueueLatency, "reports"));
        QVERIFY2(sent[0].summary().find("payments: 2 warnings") == 0, sent[0].summary().c_str());
        QVERIFY2(sent[0].body().find("warn: queue mail: latency 75 s over the 60 s SLO") != std::string::npos,
            sent[0].body().c_str());
        QVERIFY(alerts.due(1001).empty()); // told: no repeat
        QCOMPARE(alerts.worst("payments"), CheckState::Warn);

        // Worse within the minute: held back, then told once the minute is over.
        HealthThresholds strict = quiet();
        strict.latencyCriticalSeconds = 80;
        alerts.update("payments", evaluate(strict));
        QVERIFY(alerts.due(1030).empty());
        QCOMPARE(alerts.worst(), CheckState::Critical); // the tray does not wait
        sent = alerts.due(1061);
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].changes.size(), std::size_t(1));
        QCOMPARE(sent[0].changes[0].from, CheckState::Warn);
        QCOMPARE(sent[0].changes[0].to, CheckState::Critical);
        QCOMPARE(sent[0].changes[0].key.subject, std::string("reports"));

        // Bad and back within the wait: no news at all.
        alerts.update("payments", evaluate());
        alerts.update("payments", evaluate(strict));
        QVERIFY(alerts.due(1200).empty());

        // Cleared: a recovery notification.
        run({"DEL", "queue:mail", "queue:reports"});
        alerts.update("payments", evaluate());
        sent = alerts.due(1300);
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].worst, CheckState::Ok);
        QCOMPARE(sent[0].changes.size(), std::size_t(2));
        QVERIFY2(sent[0].summary() == "payments: 2 recovered", sent[0].summary().c_str());
        QCOMPARE(alerts.worst(), CheckState::Ok);

        // Each deployment has its own notification and its own wait.
        enqueueOld("mail", 75);
        alerts.update("payments", evaluate());
        alerts.update("billing", evaluate());
        sent = alerts.due(1310); // payments told 10 s ago: waits; billing is new
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].deployment, std::string("billing"));
        QCOMPARE(alerts.due(1400).size(), std::size_t(1));
    }

    void acknowledgedAndSnoozedChecksStaySilent()
    {
        AlertTracker alerts;
        alerts.update("payments", evaluate());
        enqueueOld("mail", 75);
        enqueueOld("reports", 75);
        alerts.update("payments", evaluate());
        QCOMPARE(alerts.due(1000).size(), std::size_t(1));
        const AlertKey mail {"payments", check::kQueueLatency, "mail"};
        const AlertKey reports {"payments", check::kQueueLatency, "reports"};
        alerts.acknowledge(mail);
        alerts.snooze(reports, 5000);
        QVERIFY(alerts.acknowledged(mail));
        QVERIFY(alerts.snoozed(reports, 2000));

        HealthThresholds strict = quiet();
        strict.latencyCriticalSeconds = 70;
        alerts.update("payments", evaluate(strict));
        QVERIFY(alerts.due(2000).empty()); // both worse, both silent
        QCOMPARE(alerts.worst(), CheckState::Critical); // silence is not health
        QCOMPARE(alerts.active().size(), std::size_t(2));

        // The snooze ends with the check still not as last told: news then.
        const auto sent = alerts.due(5001);
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].changes.size(), std::size_t(1));
        QCOMPARE(sent[0].changes[0].key, reports);
        QCOMPARE(sent[0].changes[0].to, CheckState::Critical);

        // An acknowledged check that clears is no news, and its acknowledgement ends with it: the next
        // time it goes bad is told.
        run({"DEL", "queue:mail"});
        alerts.update("payments", evaluate(strict));
        QVERIFY(alerts.due(6000).empty());
        QVERIFY(!alerts.acknowledged(mail));
        enqueueOld("mail", 75);
        alerts.update("payments", evaluate(strict));
        const auto again = alerts.due(6100);
        QCOMPARE(again.size(), std::size_t(1));
        QVERIFY(changeOf(again[0], check::kQueueLatency, "mail"));
    }

    void unreachableAndUnknownKeepWhatWasKnown()
    {
        RedisServer server {RedisServer::Options {}};
        Client client(kiq::test::optionsFor(server));
        HealthEvaluator evaluator;
        AlertTracker alerts;
        client.command(Command::raw({"SADD", "queues", "mail"})).throwIfError();
        client
            .command(Command::raw({"LPUSH", "queue:mail",
                "{\"class\":\"X\",\"jid\":\"j\",\"enqueued_at\":" + std::to_string(now() - 75) + "}"}))
            .throwIfError();
        alerts.update("edge", evaluator.evaluate(client, quiet()));
        QCOMPARE(alerts.due(1000).size(), std::size_t(1));

        server.stop();
        alerts.update("edge", evaluator.evaluate(client, quiet()));
        auto sent = alerts.due(1100);
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].worst, CheckState::Critical);
        QVERIFY(changeOf(sent[0], check::kReachable, ""));
        QCOMPARE(sent[0].changes.size(), std::size_t(1)); // the queue's warning is neither cleared nor told
        QCOMPARE(alerts.active().size(), std::size_t(2));

        server.restart();
        client.command(Command::raw({"FLUSHALL"})).throwIfError();
        alerts.update("edge", evaluator.evaluate(client, quiet()));
        sent = alerts.due(1200);
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].worst, CheckState::Ok);
        QVERIFY(changeOf(sent[0], check::kReachable, ""));
        // The queue is gone with the data: forgotten, not "recovered".
        QVERIFY(!changeOf(sent[0], check::kQueueLatency, "mail"));
        QCOMPARE(alerts.worst("edge"), CheckState::Ok);

        alerts.forget("edge");
        QCOMPARE(alerts.worst(), CheckState::Unknown);
    }

    void desktopNotificationsGoThroughTheBus()
    {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"), "run under tests/with-session-bus.sh");
        DesktopNotifier notifier;
        QVERIFY(!notifier.available());
        QString failure;
        connect(&notifier, &DesktopNotifier::failed, this, [&failure](const QString& e) { failure = e; });
        notifier.notify(sample(CheckState::Warn)); // nobody serves notifications: said, not thrown
        QTRY_VERIFY(!failure.isEmpty());

        NotificationServer server;
        QVERIFY(server.start());
        QTRY_VERIFY(notifier.available());
        std::vector<AlertKey> acknowledged, snoozed;
        connect(&notifier, &DesktopNotifier::acknowledged, this, [&](const auto& keys) { acknowledged = keys; });
        connect(&notifier, &DesktopNotifier::snoozeRequested, this, [&](const auto& keys) { snoozed = keys; });

        // The same deployment twice before the server answers the first: the second waits for the
        // first's id and replaces that bubble (never two bubbles for one deployment).
        notifier.notify(sample(CheckState::Warn));
        notifier.notify(sample(CheckState::Critical));
        QTRY_COMPARE(server.calls.size(), 2);
        const auto first = server.calls[0];
        QCOMPARE(first.replaces, 0u);
        QCOMPARE(first.summary, QStringLiteral("payments: 1 warning"));
        // Markup-capable servers must show the queue's name as written.
        QVERIFY2(first.body.contains(QStringLiteral("queue &lt;mail&gt;")), qPrintable(first.body));
        QCOMPARE(first.hints.value(QStringLiteral("urgency")).toInt(), 1);
        QCOMPARE(first.timeout, -1);
        QVERIFY(first.actions.contains(QString::fromLatin1(DesktopNotifier::kAcknowledge)));
        QVERIFY(first.actions.contains(QString::fromLatin1(DesktopNotifier::kSnooze)));

        // It replaced the first's bubble; critical stays until seen.
        QCOMPARE(server.calls[1].replaces, first.id);
        QCOMPARE(server.calls[1].hints.value(QStringLiteral("urgency")).toInt(), 2);
        QCOMPARE(server.calls[1].timeout, 0);

        server.emitSignal(QStringLiteral("ActionInvoked"), {QVariant(uint(999)), QStringLiteral("acknowledge")});
        server.emitSignal(QStringLiteral("ActionInvoked"), {QVariant(first.id), QStringLiteral("snooze")});
        QTRY_COMPARE(snoozed.size(), std::size_t(1));
        QVERIFY(acknowledged.empty()); // 999 is another application's
        QCOMPARE(snoozed[0].subject, std::string("mail"));
        server.emitSignal(QStringLiteral("ActionInvoked"), {QVariant(first.id), QStringLiteral("acknowledge")});
        QTRY_COMPARE(acknowledged.size(), std::size_t(1));
        QCOMPARE(acknowledged[0].check, std::string(check::kQueueLatency));

        // Closed by the user: the next notification is a new bubble.
        server.emitSignal(QStringLiteral("NotificationClosed"), {QVariant(first.id), QVariant(uint(2))});
        QTest::qWait(100);
        Notification recovered = sample(CheckState::Ok);
        notifier.notify(recovered);
        QTRY_COMPARE(server.calls.size(), 3);
        QCOMPARE(server.calls[2].replaces, 0u);
        QVERIFY(server.calls[2].actions.isEmpty()); // nothing to acknowledge in a recovery
        QCOMPARE(server.calls[2].hints.value(QStringLiteral("urgency")).toInt(), 0);
        server.stop();
    }

    void webhookPostsTheNotification()
    {
        HttpCapture endpoint;
        WebhookSender sender;
        QString delivered, failed;
        connect(&sender, &WebhookSender::delivered, this, [&](const QString& d) { delivered = d; });
        connect(&sender, &WebhookSender::failed, this, [&](const QString&, const QString& e) { failed = e; });
        sender.post(endpoint.url(QStringLiteral("/services/T0/B0/secret-token")), sample(CheckState::Critical));
        QTRY_VERIFY(endpoint.done);
        QTRY_COMPARE(delivered, QStringLiteral("payments"));
        QVERIFY(endpoint.head.startsWith("POST /services/T0/B0/secret-token HTTP/1.1"));
        QVERIFY(endpoint.head.toLower().contains("content-type: application/json"));
        const QJsonObject o = QJsonDocument::fromJson(endpoint.body).object();
        QCOMPARE(o.value("deployment").toString(), QStringLiteral("payments"));
        QCOMPARE(o.value("state").toString(), QStringLiteral("critical"));
        QCOMPARE(o.value("summary").toString(), QStringLiteral("payments: 1 critical"));
        const QJsonObject change = o.value("changes").toArray().at(0).toObject();
        QCOMPARE(change.value("check").toString(), QString::fromLatin1(check::kQueueLatency));
        QCOMPARE(change.value("subject").toString(), QStringLiteral("mail"));
        QCOMPARE(change.value("from").toString(), QStringLiteral("ok"));
        QCOMPARE(change.value("to").toString(), QStringLiteral("critical"));

        // Refused: said with the host, never the token in the path.
        HttpCapture refusing;
        refusing.status = 500;
        sender.post(refusing.url(QStringLiteral("/hook/secret-token")), sample(CheckState::Warn));
        QTRY_VERIFY(!failed.isEmpty());
        QVERIFY2(failed.contains(QStringLiteral("127.0.0.1")) && failed.contains(QStringLiteral("HTTP 500")),
            qPrintable(failed));
        QVERIFY(!failed.contains(QStringLiteral("secret-token")));

        // Nobody listening: a network error, the token still unsaid.
        failed.clear();
        const quint16 port = refusing.server.serverPort();
        refusing.server.close();
        sender.post(QUrl(QStringLiteral("http://127.0.0.1:%1/hook/secret-token").arg(port)), sample(CheckState::Warn));
        QTRY_VERIFY(!failed.isEmpty());
        QVERIFY(!failed.contains(QStringLiteral("secret-token")));

        QVERIFY(!WebhookSender::check(QUrl(QStringLiteral("ftp://example.com/x"))).isEmpty());
        QVERIFY(WebhookSender::check(QUrl(QStringLiteral("https://hooks.example.com/x"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"

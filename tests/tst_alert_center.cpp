// The app's alerts end to end (issue 21 item 2): a deployment connected in the main window is
// evaluated at once, its warning reaches the desktop's notification server on a private session bus
// (tests/with-session-bus.sh) and the tray icon's state; the notification's Acknowledge button comes
// back and silences it, and the tray follows the server back to OK. Tray images to $KIQ_TEST_OUTPUT.
#include "EnglishTranslation.h"
#include "HttpCapture.h"
#include "NotificationServer.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentPoller.h"
#include "fleet/FleetModel.h"
#include "fleet/FleetView.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/AlertCenter.h"
#include "main/MainWindow.h"
#include "main/TrayIcon.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sidekiq/model/Timestamp.h"

#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

using namespace kiq;
using namespace kiq::ui;
using kiq::health::CheckState;

namespace {
// Each deployment's client's round trips so far, asked on its own thread (the count is the client's).
std::vector<std::uint64_t> roundTripsOf(MainWindow& window, int count)
{
    std::vector<std::uint64_t> out(std::size_t(count), 0);
    int answered = 0;
    QObject context;
    for (int i = 0; i < count; ++i)
        window.deployment(i)->client()->run<std::uint64_t>([](redis::Client& c) { return c.roundTrips(); }, &context,
            [&out, &answered, i](redis::Result<std::uint64_t> r) {
                if (r.ok()) out[std::size_t(i)] = *r.value;
                ++answered;
            });
    if (!QTest::qWaitFor([&] { return answered == count; }, 10000)) qWarning("a client did not answer");
    return out;
}
} // namespace

class TestAlertCenter : public QObject {
    Q_OBJECT
    QTranslator m_english;

private slots:
    void initTestCase() { QVERIFY2(kiq::test::installEnglishTranslation(m_english), KIQ_EN_QM); } // "1 alert open"

    void aWarningIsNotifiedShownInTheTrayAndAcknowledged()
    {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"), "run under tests/with-session-bus.sh");
        test::NotificationServer notifications;
        QVERIFY(notifications.start());
        test::RedisServer server {test::RedisServer::Options {}};
        redis::Client client(test::optionsFor(server));
        const double now = sidekiq::Timestamp::now().seconds();
        client.command(redis::Command("SADD").key("queues").arg("mail")).throwIfError();
        client
            .command(redis::Command("LPUSH")
                         .key("queue:mail")
                         .arg("{\"class\":\"X\",\"jid\":\"j1\",\"enqueued_at\":" + std::to_string(now - 75) + "}"))
            .throwIfError();

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        QVERIFY(!window.alertCenter()); // off unless the app turns them on
        window.enableAlerts();
        AlertCenter* alerts = window.alertCenter();
        TrayIcon* tray = window.trayIcon();
        QVERIFY(alerts && tray);
        QCOMPARE(tray->state(), CheckState::Unknown); // nothing watched yet
        auto profile = deployment::ConnectionProfile::create(QStringLiteral("payments"));
        profile.options = test::optionsFor(server);
        profile.health.queues["mail"].expectUnwatched = true; // no process on purpose: latency alone
        // Its alerts go to a chat tool's webhook too (the URL as resolved at connect: in memory).
        test::HttpCapture chat;
        profile.webhook = true;
        profile.webhookUrl = chat.url(QStringLiteral("/services/T0/B0/secret-token")).toString().toStdString();
        window.addDeployment(profile, false);

        // Evaluated as soon as it connects, not a timer period later.
        QTRY_COMPARE_WITH_TIMEOUT(alerts->worst(), CheckState::Warn, 10000);
        QCOMPARE(tray->state(), CheckState::Warn);
        QVERIFY2(
            tray->toolTip().contains(QStringLiteral("payments · queue mail: latency")), qPrintable(tray->toolTip()));
        QTRY_COMPARE_WITH_TIMEOUT(notifications.calls.size(), 1, 5000);
        QCOMPARE(notifications.calls[0].summary, QStringLiteral("payments: 1 warning"));
        QVERIFY(notifications.calls[0].body.contains(QStringLiteral("latency 75 s over the 60 s SLO")));
        QTRY_VERIFY_WITH_TIMEOUT(chat.done, 5000);
        QVERIFY(chat.head.startsWith("POST /services/T0/B0/secret-token HTTP/1.1"));
        const QJsonObject posted = QJsonDocument::fromJson(chat.body).object();
        QCOMPARE(posted.value(QStringLiteral("deployment")).toString(), QStringLiteral("payments"));
        QCOMPARE(posted.value(QStringLiteral("state")).toString(), QStringLiteral("warn"));

        QCOMPARE(tray->menu()->actions().at(2)->text(), QStringLiteral("1 alert open"));
        // The README's picture: the icon in its three states, then the menu as it stands (one alert).
        tray->menu()->adjustSize();
        const QPixmap menu = tray->menu()->grab();
        QImage picture(3 * 80 + menu.width() + 16, std::max(80, menu.height()) + 16, QImage::Format_ARGB32);
        picture.fill(QColor(0xee, 0xee, 0xee));
        QPainter painter(&picture);
        int x = 8;
        for (const CheckState s : {CheckState::Ok, CheckState::Warn, CheckState::Critical}) {
            painter.drawPixmap(x + 8, 16, TrayIcon::iconFor(s).pixmap(64, 64));
            x += 80;
        }
        painter.drawPixmap(x, 8, menu);
        painter.end();
        QVERIFY(picture.save(QDir(test::testOutputDir()).filePath(QStringLiteral("tray.png"))));

        // The notification's Acknowledge: the warning stays in the tray, but its end is no news.
        QSignalSpy changed(alerts, &AlertCenter::changed);
        notifications.emitSignal(QStringLiteral("ActionInvoked"),
            {QVariant(notifications.calls[0].id), QString::fromLatin1(health::DesktopNotifier::kAcknowledge)});
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 1, 5000);
        alerts->evaluateAll();
        QTest::qWait(500);
        QCOMPARE(alerts->worst(), CheckState::Warn);
        QCOMPARE(notifications.calls.size(), 1);

        client.command(redis::Command("DEL").key("queue:mail")).throwIfError();
        alerts->evaluateAll();
        QTRY_COMPARE_WITH_TIMEOUT(tray->state(), CheckState::Ok, 5000);
        QVERIFY(tray->toolTip().contains(QStringLiteral("all checks OK")));
        QCOMPARE(tray->menu()->actions().at(2)->text(), QStringLiteral("all checks OK"));
        QTest::qWait(300);
        QCOMPARE(notifications.calls.size(), 1); // acknowledged: its recovery is not told
    }

    // Issue 21, item 6: with the Fleet view open and the alerts on, 50 deployments are read once per
    // refresh each (one DeploymentPoll round trip feeding both), and the reachability probe keeps
    // quiet while the readings answer. Then the Overview of one: it reads that one every 2 s, the
    // others fall back to the alerts' pace.
    // A server gone is not read every 5 s while the Fleet view is open (the probe watches it); once the
    // probe finds it back, a reading follows without waiting out the longer interval.
    void anUnansweredServerIsReadLessOften()
    {
        test::RedisServer server {test::RedisServer::Options {}};
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.enableAlerts();
        auto profile = deployment::ConnectionProfile::create(QStringLiteral("flaky"));
        profile.options = test::optionsFor(server);
        Deployment* d = window.addDeployment(profile, false);
        window.show();
        window.showFleet();
        DeploymentPoller* poller = d->poller();
        const auto answered = [poller] { return poller->last() && poller->last()->health.stats; };
        QTRY_VERIFY_WITH_TIMEOUT(answered(), 10000);
        QCOMPARE(poller->interval(), std::chrono::milliseconds(FleetView::kRefreshEvery));

        server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(poller->last() && !poller->last()->health.stats, 15000);
        QCOMPARE(poller->interval(), DeploymentPoller::kUnansweredEvery);
        QTRY_COMPARE_WITH_TIMEOUT(d->status(), Deployment::Status::Unreachable, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!poller->inFlight(), 5000); // the views' read at the status change
        int readings = 0;
        connect(poller, &DeploymentPoller::polled, this, [&readings] { ++readings; });
        QTest::qWait(int(std::chrono::milliseconds(FleetView::kRefreshEvery).count()) * 2 + 500);
        QCOMPARE(readings, 0); // two of the Fleet view's ticks passed

        server.restart();
        // The probe's next tick (10 s at most) finds it; the reading comes with the status.
        QTRY_VERIFY_WITH_TIMEOUT(answered(), 15000);
        QVERIFY(readings >= 1);
        QCOMPARE(poller->interval(), std::chrono::milliseconds(FleetView::kRefreshEvery));
    }

    void viewsAndAlertsShareOneReadPerRefresh()
    {
        constexpr int kDeployments = 50;
        std::vector<std::unique_ptr<test::RedisServer>> servers;
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.enableAlerts();
        AlertCenter* alerts = window.alertCenter();
        std::vector<int> readings(kDeployments, 0);
        std::uint64_t mostInOneReading = 0;
        for (int i = 0; i < kDeployments; ++i) {
            servers.push_back(std::make_unique<test::RedisServer>(test::RedisServer::Options {}));
            redis::Client c(test::optionsFor(*servers.back()));
            c.command(redis::Command("SADD").key("queues").arg("default")).throwIfError();
            auto profile = deployment::ConnectionProfile::create(QStringLiteral("d%1").arg(i));
            profile.options = test::optionsFor(*servers.back());
            Deployment* d = window.addDeployment(profile, false);
            connect(d->poller(), &DeploymentPoller::polled, this, [&readings, &mostInOneReading, i](const auto& r) {
                ++readings[std::size_t(i)];
                mostInOneReading = std::max(mostInOneReading, r.roundTrips);
            });
        }
        window.resize(1200, 800);
        window.show();
        window.showFleet();
        FleetModel* fleet = window.fleetView()->model();
        const auto allRead = [&] {
            for (int i = 0; i < kDeployments; ++i)
                if (fleet->index(i, FleetModel::Enqueued).data().toString() != QStringLiteral("0")) return false;
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allRead(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(alerts->worst(), CheckState::Ok, 10000); // the alerts had the same readings
        // Past the first readings (which learn the names) and the connects' probes.
        QTest::qWait(6000);

        std::fill(readings.begin(), readings.end(), 0);
        mostInOneReading = 0;
        const auto before = roundTripsOf(window, kDeployments);
        QTest::qWait(11000);
        const auto after = roundTripsOf(window, kDeployments);
        QCOMPARE(mostInOneReading, std::uint64_t(1));
        int allReadings = 0;
        std::uint64_t allRoundTrips = 0;
        for (int i = 0; i < kDeployments; ++i) {
            allReadings += readings[std::size_t(i)];
            allRoundTrips += after[std::size_t(i)] - before[std::size_t(i)];
        }
        qInfo("%d deployments, 11 s of the Fleet view and the alerts: %d readings, %llu round trips", kDeployments,
            allReadings, static_cast<unsigned long long>(allRoundTrips));
        for (int i = 0; i < kDeployments; ++i) {
            const int n = readings[std::size_t(i)];
            const auto spent = after[std::size_t(i)] - before[std::size_t(i)];
            // The Fleet view's 5 s over 11 s: two or three readings, not one per view.
            QVERIFY2(n >= 1 && n <= 3, qPrintable(QStringLiteral("d%1: %2 readings").arg(i).arg(n)));
            // Nothing else went out (one reading may straddle either end of the window).
            QVERIFY2(spent + 1 >= std::uint64_t(n) && spent <= std::uint64_t(n) + 1,
                qPrintable(QStringLiteral("d%1: %2 round trips for %3 readings").arg(i).arg(spent).arg(n)));
        }

        // One deployment's Overview: it is read every 2 s; the rest at the alerts' 30 s.
        window.selectDeployment(0);
        QVERIFY(!window.isFleetShown());
        QTest::qWait(1000);
        std::fill(readings.begin(), readings.end(), 0);
        const auto overviewBefore = roundTripsOf(window, kDeployments);
        QTest::qWait(6500);
        const auto overviewAfter = roundTripsOf(window, kDeployments);
        QVERIFY2(readings[0] >= 2 && readings[0] <= 5, qPrintable(QString::number(readings[0])));
        QVERIFY(overviewAfter[0] - overviewBefore[0] <= std::uint64_t(readings[0]) + 1);
        for (int i = 1; i < kDeployments; ++i) {
            // No reading yet at the alerts' 30 s, or one under way at the switch; at most a reachability
            // probe besides (nobody else reads them now).
            const int n = readings[std::size_t(i)];
            QVERIFY2(n <= 1, qPrintable(QStringLiteral("d%1: %2 readings").arg(i).arg(n)));
            QVERIFY2(overviewAfter[std::size_t(i)] - overviewBefore[std::size_t(i)] <= std::uint64_t(n) + 1,
                qPrintable(QStringLiteral("d%1").arg(i)));
        }
    }
};

QTEST_MAIN(TestAlertCenter)
#include "tst_alert_center.moc"

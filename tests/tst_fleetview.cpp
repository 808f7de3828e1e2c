// The fleet overview against real servers: one row per deployment with its numbers read from Redis
// (enqueued, the latest queue and its latency, retries, dead and deaths in the last hour, memory), an
// unreachable deployment shown as such with no stale numbers, and a row that opens its deployment.
// Deaths in the last hour come from the dead set's scores: retrying dead jobs never makes them
// negative, and kills into a dead set at Sidekiq's cap still count. Screenshot to $KIQ_TEST_OUTPUT.
#include "common/Colors.h"
#include "common/Formatting.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "fleet/FleetModel.h"
#include "fleet/FleetView.h"
#include "harness/Fixture.h"
#include "harness/Ports.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "harness/TlsFiles.h"
#include "main/MainWindow.h"
#include "main/Theme.h"
#include "redis/Client.h"
#include "sidekiq/actions/JobActions.h"
#include "sidekiq/model/DeadSet.h"
#include "sidekiq/model/JobBuilder.h"

#include <QColor>
#include <QDir>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;
using namespace kiq::ui;

namespace {
deployment::ConnectionProfile profileFor(const QString& name, int port)
{
    auto p = deployment::ConnectionProfile::create(name);
    p.options = test::optionsFor(port);
    p.options.connectTimeout = std::chrono::milliseconds(500);
    return p;
}

void push(redis::Client& c, const std::string& queue, int count, double ageSeconds)
{
    const double now = sidekiq::Timestamp::now().seconds();
    for (int i = 0; i < count; ++i) {
        sidekiq::JobBuilder b("FleetJob", "[]");
        b.setQueue(queue).setNow(sidekiq::Timestamp::fromSeconds(now - ageSeconds));
        c.command(redis::Command("LPUSH").key("queue:" + queue).arg(b.build().json)).throwIfError();
    }
    c.command(redis::Command("SADD").key("queues").arg(queue)).throwIfError();
}

// The same bytes for the same i, so a test can ZREM what it added.
std::string deadJob(int i)
{
    return "{\"class\":\"DeadJob\",\"queue\":\"default\",\"args\":[" + std::to_string(i) + "],\"jid\":\"dead"
        + std::to_string(i) + "\"}";
}

// Jobs that died `ageSeconds` ago, added in one round trip.
void addDead(redis::Client& c, int from, int count, double ageSeconds = 2 * 86400)
{
    const double at = sidekiq::Timestamp::now().seconds() - ageSeconds;
    std::vector<redis::Command> cmds;
    for (int i = from; i < from + count; ++i)
        cmds.push_back(redis::Command("ZADD").key("dead").arg(at).arg(deadJob(i)));
    for (const auto& r : c.pipeline(cmds)) r.throwIfError();
}

// Sidekiq's morgue: ZADD dead <now>, then the trim to dead_max_jobs (docs/sidekiq-data-model.md §3).
void killNow(redis::Client& c, int from, int count)
{
    for (int i = from; i < from + count; ++i) {
        const auto replies = c.pipeline({redis::Command("MULTI"),
            redis::Command("ZADD").key("dead").arg(sidekiq::Timestamp::now().seconds()).arg(deadJob(i)),
            redis::Command("ZREMRANGEBYRANK").key("dead").arg(0).arg(-sidekiq::DeadSetLimits {}.maxJobs),
            redis::Command("EXEC")});
        for (const auto& r : replies) r.throwIfError();
    }
}

// Sidekiq's retry from the dead set: the job leaves `dead` for its queue.
void retryDead(redis::Client& c, int from, int count)
{
    for (int i = from; i < from + count; ++i) {
        QCOMPARE(c.command(redis::Command("ZREM").key("dead").arg(deadJob(i))).integer, 1LL);
        c.command(redis::Command("LPUSH").key("queue:default").arg(deadJob(i))).throwIfError();
    }
}
} // namespace

class TestFleetView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { applyTheme(Theme::Light); }

    // Without a password no AUTH is sent and the server runs everything as `default`: the status says
    // so. With a password it does not.
    void statusSaysWhenConnectedAsDefaultWithoutPassword()
    {
        test::RedisServer open(test::RedisServer::Options {});
        test::RedisServer::Options locked;
        locked.extraArgs = {"--requirepass", "status-pw"};
        test::RedisServer withPassword(locked);
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(profileFor("open", open.port()), false);
        auto authenticated = profileFor("locked", withPassword.port());
        authenticated.options.password = "status-pw";
        window.addDeployment(authenticated, false);
        QVERIFY(test::waitUntil(
            [&] {
                return window.deployment(0)->status() == Deployment::Status::Reachable
                    && window.deployment(1)->status() == Deployment::Status::Reachable;
            },
            10000));
        QVERIFY2(window.deployment(0)->statusText().contains("connected as default, no password"),
            qPrintable(window.deployment(0)->statusText()));
        QVERIFY2(!window.deployment(1)->statusText().contains("no password"),
            qPrintable(window.deployment(1)->statusText()));
    }

    // A TLS deployment whose server certificate expires in 5 days: the sidebar entry and the fleet row
    // warn, with the certificate named; a long-valid one next to it does not. Screenshot to
    // $KIQ_TEST_OUTPUT/certificate-warning.png.
    void certificateAboutToExpireIsWarnedAbout()
    {
        QTemporaryDir dir;
        const auto files = test::TlsFiles::generate(dir.path());
        test::RedisServer::Options o;
        o.tls = true;
        o.tlsFiles = &files;
        o.name = "soon";
        o.tlsCertFile = files.soonServerCert;
        o.tlsKeyFile = files.soonServerKey;
        test::RedisServer soon(o);
        o.name = "fine";
        o.tlsCertFile.clear();
        o.tlsKeyFile.clear();
        test::RedisServer fine(o);

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.resize(1200, 500);
        for (const auto& [name, port] : {std::pair {"Payments", soon.port()}, std::pair {"Search", fine.port()}}) {
            auto p = deployment::ConnectionProfile::create(name);
            p.options = test::tlsOptionsFor(port, files);
            window.addDeployment(p, false);
        }
        window.showFleet();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(!window.deployment(0)->certificateWarnings().isEmpty(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.deployment(1)->status() == Deployment::Status::Reachable, 10000);
        const QString warning = window.deployment(0)->certificateWarnings().front();
        QVERIFY2(warning.startsWith("Server certificate “localhost” expires in ") && warning.contains("day"),
            qPrintable(warning));
        QCOMPARE(window.deployment(0)->certificateWarnings().size(), 1); // the CA and no client cert: fine
        QTest::qWait(300); // the other deployment's check, had it anything to say
        QVERIFY(window.deployment(1)->certificateWarnings().isEmpty());

        auto* sidebar = window.findChild<QListView*>(QStringLiteral("deploymentList"));
        QCOMPARE(sidebar->model()->index(0, 0).data(DeploymentListModel::CertificateWarningRole).toString(), warning);
        QVERIFY(sidebar->model()->index(0, 0).data(Qt::ToolTipRole).toString().contains(warning));
        QVERIFY(sidebar->model()->index(1, 0).data(DeploymentListModel::CertificateWarningRole).toString().isEmpty());
        FleetModel* model = window.fleetView()->model();
        QTRY_COMPARE(model->index(0, FleetModel::Status).data().toString(), warning);
        QCOMPARE(model->index(0, FleetModel::Status).data(Qt::ForegroundRole).value<QColor>(), warningColor());
        QCOMPARE(model->index(1, FleetModel::Status).data().toString(), QStringLiteral("Reachable"));
        const QString path = QDir(test::testOutputDir()).filePath("certificate-warning.png");
        QVERIFY(window.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    void rowsComeFromEachDeployment()
    {
        test::RedisServer busy(test::RedisServer::Options {});
        test::RedisServer quiet(test::RedisServer::Options {});
        redis::Client c(kiq::test::optionsFor(busy));
        push(c, "default", 5, 90);
        push(c, "mailers", 2, 5);
        addDead(c, 0, 3);

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(profileFor("busy", busy.port()), false);
        window.addDeployment(profileFor("quiet", quiet.port()), false);
        window.addDeployment(profileFor("gone", test::freePort()), false);
        window.resize(1560, 520); // every column in view for the screenshot
        window.show();
        window.showFleet();
        QVERIFY(window.isFleetShown());

        FleetModel* model = window.fleetView()->model();
        QCOMPARE(model->rowCount(), 3);
        const auto text = [model](int row, int column) {
            return model->data(model->index(row, column), Qt::DisplayRole).toString();
        };
        QVERIFY2(
            test::waitUntil(
                [&] { return text(0, FleetModel::Enqueued) == "7" && text(1, FleetModel::Enqueued) == "0"; }, 10000),
            qPrintable(text(0, FleetModel::Enqueued)));
        QCOMPARE(text(0, FleetModel::Dead), QString("3"));
        QCOMPARE(text(0, FleetModel::Status), QObject::tr("Reachable"));
        const double latency = model->data(model->index(0, FleetModel::MaxLatency), Qt::UserRole).toDouble();
        QVERIFY2(latency >= 89 && latency < 120, qPrintable(QString::number(latency)));
        QCOMPARE(model->data(model->index(0, FleetModel::MaxLatency), Qt::ToolTipRole).toString(),
            QObject::tr("Queue “%1”").arg("default"));
        QVERIFY(model->data(model->index(0, FleetModel::Memory), Qt::UserRole).toLongLong() > 0);
        // The drain forecast names the most urgent queue: "default", 90 s old, is already over the
        // 60 s SLO (known from one reading); the quiet deployment has no queue to forecast.
        QCOMPARE(text(0, FleetModel::Forecast), QStringLiteral("default: over 1 min SLO"));
        QCOMPARE(
            model->data(model->index(0, FleetModel::Forecast), Qt::ForegroundRole).value<QColor>(), problemColor());
        QCOMPARE(text(1, FleetModel::Forecast), QStringLiteral("—"));

        // The unreachable one: its status says so, and it shows no numbers.
        QVERIFY(
            test::waitUntil([&] { return window.deployment(2)->status() == Deployment::Status::Unreachable; }, 10000));
        QCOMPARE(text(2, FleetModel::Enqueued), QString("—"));
        QVERIFY(!text(2, FleetModel::Status).isEmpty());
        QVERIFY(text(2, FleetModel::Status) != QObject::tr("Reachable"));

        // Two jobs that died just now count; the three from two days ago do not.
        QCOMPARE(text(0, FleetModel::DeadLastHour), QString("0"));
        addDead(c, 3, 2, 1);
        QVERIFY2(test::waitUntil(
                     [&] {
                         window.fleetView()->refresh();
                         return text(0, FleetModel::DeadLastHour) == "2";
                     },
                     10000),
            qPrintable(text(0, FleetModel::DeadLastHour)));
        QCOMPARE(text(0, FleetModel::Dead), QString("5"));

        const QString path = QDir(test::testOutputDir()).filePath("fleet-overview.png");
        QVERIFY(window.grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));

        // Enter on a row opens that deployment.
        QTableView* table = window.fleetView()->table();
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(table->model());
        const QModelIndex quietRow = proxy ? proxy->mapFromSource(model->index(1, 0)) : model->index(1, 0);
        table->setFocus();
        table->setCurrentIndex(quietRow);
        QTest::keyClick(table, Qt::Key_Return);
        QVERIFY(!window.isFleetShown());
        QCOMPARE(window.currentDeployment(), window.deployment(1));
    }

    // Issue 14, point 5: 137 old dead jobs retried read −137; the set's size is not a death count.
    void retriedDeadJobsAreNotNegativeDeaths()
    {
        test::RedisServer server(test::RedisServer::Options {});
        redis::Client c(kiq::test::optionsFor(server));
        addDead(c, 0, 137);
        killNow(c, 1000, 3);

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(profileFor("one", server.port()), false);
        window.show();
        window.showFleet();
        FleetModel* model = window.fleetView()->model();
        const auto text
            = [model](int column) { return model->data(model->index(0, column), Qt::DisplayRole).toString(); };
        QVERIFY2(test::waitUntil([&] { return text(FleetModel::Dead) == "140"; }, 10000),
            qPrintable(text(FleetModel::Dead)));
        QCOMPARE(text(FleetModel::DeadLastHour), QString("3"));

        retryDead(c, 0, 137);
        QVERIFY2(test::waitUntil(
                     [&] {
                         window.fleetView()->refresh();
                         return text(FleetModel::Dead) == "3";
                     },
                     10000),
            qPrintable(text(FleetModel::Dead)));
        QCOMPARE(text(FleetModel::DeadLastHour), QString("3"));
        QVERIFY(model->data(model->index(0, FleetModel::DeadLastHour), Qt::UserRole).toLongLong() >= 0);
    }

    // At Sidekiq's cap the dead set's size stays flat while jobs keep dying: each kill drops the oldest.
    void killsIntoAFullDeadSetCount()
    {
        test::RedisServer server(test::RedisServer::Options {});
        redis::Client c(kiq::test::optionsFor(server));
        addDead(c, 0, int(sidekiq::DeadSetLimits {}.maxJobs) - 1);

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(profileFor("full", server.port()), false);
        window.show();
        window.showFleet();
        FleetModel* model = window.fleetView()->model();
        const auto text
            = [model](int column) { return model->data(model->index(0, column), Qt::DisplayRole).toString(); };
        const QString full = formatCount(sidekiq::DeadSetLimits {}.maxJobs - 1);
        QVERIFY2(
            test::waitUntil([&] { return text(FleetModel::Dead) == full; }, 10000), qPrintable(text(FleetModel::Dead)));
        QCOMPARE(text(FleetModel::DeadLastHour), QString("0"));
        // Sidekiq's cap (issue 20, item 6): the Dead cell is a warning and says how close it is.
        const QModelIndex dead = model->index(0, FleetModel::Dead);
        QCOMPARE(dead.data(Qt::ForegroundRole).value<QColor>(), warningColor());
        const QString tip = dead.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(full + " of Sidekiq's cap of " + formatCount(10000) + " dead jobs (100 %)")
                && tip.contains("At the cap"),
            qPrintable(tip));

        killNow(c, 20000, 7);
        QVERIFY2(test::waitUntil(
                     [&] {
                         window.fleetView()->refresh();
                         return text(FleetModel::DeadLastHour) == "7";
                     },
                     10000),
            qPrintable(text(FleetModel::DeadLastHour)));
        QCOMPARE(text(FleetModel::Dead), full);
    }
};

QTEST_MAIN(TestFleetView)
#include "tst_fleetview.moc"

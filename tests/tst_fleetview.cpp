// The fleet overview against real servers: one row per deployment with its numbers read from Redis
// (enqueued, the latest queue and its latency, retries, dead and dead growth, memory), an unreachable
// deployment shown as such with no stale numbers, and a row that opens its deployment. Screenshot
// to $KIQ_TEST_OUTPUT.
#include "deployment/Deployment.h"
#include "fleet/FleetModel.h"
#include "fleet/FleetView.h"
#include "harness/Ports.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/Theme.h"
#include "redis/Client.h"
#include "sidekiq/JobBuilder.h"

#include <QDir>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

using namespace kiq;
using namespace kiq::ui;

namespace {
services::ConnectionProfile profileFor(const QString& name, int port)
{
    auto p = services::ConnectionProfile::create(name);
    p.options.endpoint = {"127.0.0.1", port};
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

void addDead(redis::Client& c, int from, int count)
{
    for (int i = from; i < from + count; ++i)
        c.command(redis::Command("ZADD").key("dead").arg(1700000000.0 + i).arg(sidekiq::JobBuilder("DeadJob", "[" + std::to_string(i) + "]").build().json)).throwIfError();
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
        test::RedisServer open(test::RedisServer::Options{});
        test::RedisServer::Options locked;
        locked.extraArgs = {"--requirepass", "status-pw"};
        test::RedisServer withPassword(locked);
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(profileFor("open", open.port()), false);
        auto authenticated = profileFor("locked", withPassword.port());
        authenticated.options.password = "status-pw";
        window.addDeployment(authenticated, false);
        QVERIFY(test::waitUntil([&] {
            return window.deployment(0)->status() == Deployment::Status::Reachable
                && window.deployment(1)->status() == Deployment::Status::Reachable;
        }, 10000));
        QVERIFY2(window.deployment(0)->statusText().contains("connected as default, no password"),
                 qPrintable(window.deployment(0)->statusText()));
        QVERIFY2(!window.deployment(1)->statusText().contains("no password"), qPrintable(window.deployment(1)->statusText()));
    }

    void rowsComeFromEachDeployment()
    {
        test::RedisServer busy(test::RedisServer::Options{});
        test::RedisServer quiet(test::RedisServer::Options{});
        redis::ConnectionOptions o;
        o.endpoint = {"127.0.0.1", busy.port()};
        redis::Client c(o);
        push(c, "default", 5, 90);
        push(c, "mailers", 2, 5);
        addDead(c, 0, 3);

        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.addDeployment(profileFor("busy", busy.port()), false);
        window.addDeployment(profileFor("quiet", quiet.port()), false);
        window.addDeployment(profileFor("gone", test::freePort()), false);
        window.resize(1300, 520);
        window.show();
        window.showFleet();
        QVERIFY(window.isFleetShown());

        FleetModel* model = window.fleetView()->model();
        QCOMPARE(model->rowCount(), 3);
        const auto text = [model](int row, int column) { return model->data(model->index(row, column), Qt::DisplayRole).toString(); };
        QVERIFY2(test::waitUntil([&] { return text(0, FleetModel::Enqueued) == "7" && text(1, FleetModel::Enqueued) == "0"; }, 10000),
                 qPrintable(text(0, FleetModel::Enqueued)));
        QCOMPARE(text(0, FleetModel::Dead), QString("3"));
        QCOMPARE(text(0, FleetModel::Status), QObject::tr("Reachable"));
        const double latency = model->data(model->index(0, FleetModel::MaxLatency), Qt::UserRole).toDouble();
        QVERIFY2(latency >= 89 && latency < 120, qPrintable(QString::number(latency)));
        QCOMPARE(model->data(model->index(0, FleetModel::MaxLatency), Qt::ToolTipRole).toString(), QObject::tr("Queue “%1”").arg("default"));
        QVERIFY(model->data(model->index(0, FleetModel::Memory), Qt::UserRole).toLongLong() > 0);

        // The unreachable one: its status says so, and it shows no numbers.
        QVERIFY(test::waitUntil([&] { return window.deployment(2)->status() == Deployment::Status::Unreachable; }, 10000));
        QCOMPARE(text(2, FleetModel::Enqueued), QString("—"));
        QVERIFY(!text(2, FleetModel::Status).isEmpty());
        QVERIFY(text(2, FleetModel::Status) != QObject::tr("Reachable"));

        // Dead growth: two more dead jobs show as +2 after the next refresh.
        addDead(c, 3, 2);
        window.fleetView()->refresh();
        QVERIFY2(test::waitUntil([&] { return text(0, FleetModel::DeadGrowth) == "+2"; }, 10000), qPrintable(text(0, FleetModel::DeadGrowth)));
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
};

QTEST_MAIN(TestFleetView)
#include "tst_fleetview.moc"

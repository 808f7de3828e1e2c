// File → Incident snapshot… on a real server: the archive the desktop writes holds the Overview's
// charts as PNG beside the parts the core reads (tst_incident_snapshot checks those), nothing secret,
// and the GUI thread never waits on it.
#include "deployment/Deployment.h"
#include "harness/Archive.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/MainWindow.h"
#include "main/Theme.h"
#include "redis/Client.h"
#include "sidekiq/model/Timestamp.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;
using namespace kiq::ui;

class TestIncidentAction : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { applyTheme(Theme::Light); }

    void snapshotHoldsTheChartsAndNoSecret()
    {
        test::RedisServer server(test::RedisServer::Options {});
        redis::Client client(test::optionsFor(server));
        const double t = sidekiq::Timestamp::now().seconds();
        client
            .command(redis::Command("ZADD").key("dead").arg(t - 30).arg(
                "{\"class\":\"ChargeJob\",\"queue\":\"default\",\"args\":[{\"password\":\"hunter2-gui\"}],\"jid\":"
                "\"abc\",\"error_class\":\"Boom\",\"error_message\":\"token=hunter2-gui\",\"failed_at\":"
                + std::to_string(t - 30) + "}"))
            .throwIfError();
        QTemporaryDir dir;
        MainWindow window(nullptr);
        window.setPasswordPromptsEnabled(false);
        window.resize(1280, 800);
        auto profile = deployment::ConnectionProfile::create("billing");
        profile.options = test::optionsFor(server.port());
        window.addDeployment(profile, false);
        window.show();
        window.selectDeployment(0);
        QVERIFY(
            test::waitUntil([&] { return window.deployment(0)->status() == Deployment::Status::Reachable; }, 10000));
        auto* action = window.findChild<QAction*>("incidentSnapshotAction");
        QVERIFY(action && action->isEnabled());

        QSignalSpy written(&window, &MainWindow::incidentSnapshotWritten);
        const QString path = dir.filePath("incident.tar.gz");
        window.takeIncidentSnapshotTo(path, 3600);
        QVERIFY(written.wait(20000));
        QCOMPARE(written.first().at(1).toString(), QString());
        QFile::remove(QDir(test::testOutputDir()).filePath("incident-snapshot.tar.gz"));
        QFile::copy(path, QDir(test::testOutputDir()).filePath("incident-snapshot.tar.gz")); // to look at
        const auto files = test::readTarGz(path).files;
        for (const char* chart : {"charts/throughput.png", "charts/load.png", "charts/redis-memory.png",
                 "charts/queue-latency.png", "charts/daily-history.png"}) {
            QVERIFY2(files.count(chart) == 1, chart);
            const QImage image = QImage::fromData(QByteArray::fromStdString(files.at(chart)), "PNG");
            QVERIFY2(!image.isNull() && image.width() > 100 && image.height() > 50, chart);
        }
        QVERIFY(files.count("failure-groups.json") == 1);
        QVERIFY(files.at("failure-groups.json").find("ChargeJob") != std::string::npos);
        QVERIFY(files.at("README.txt").find("charts/throughput.png") != std::string::npos);
        for (const auto& [name, bytes] : files) QVERIFY2(bytes.find("hunter2-gui") == std::string::npos, name.c_str());
    }
};

QTEST_MAIN(TestIncidentAction)
#include "tst_incidentaction.moc"

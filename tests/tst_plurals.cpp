// Plurals and words in English (issue 14): with the English translation loaded as the app loads it,
// counts say "1 process" and "5 seconds", never "1 processes" or "second(s)"; a queue with nothing
// waiting has an "empty" latency, not "0 µs", on the Overview and the Queues page.
#include "EnglishTranslation.h"
#include "PageDeployment.h"
#include "common/Formatting.h"
#include "common/InfoCard.h"
#include "deployment/DeploymentListModel.h"
#include "fleet/FleetView.h"
#include "pages/busy/BusyPage.h"
#include "pages/overview/OverviewPage.h"
#include "pages/queues/QueueListModel.h"
#include "pages/queues/QueuesPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/LocalSandbox.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QTest>
#include <QTranslator>

using namespace kiq::ui;
using kiq::redis::Command;

namespace {
QString labelText(QWidget* root, const char* name)
{
    auto* l = root->findChild<QLabel*>(QString::fromLatin1(name));
    return l ? l->text() : QString();
}
} // namespace

class TestPlurals : public QObject {
    Q_OBJECT
    QTranslator m_translator;
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;

private slots:
    void initTestCase()
    {
        QVERIFY2(kiq::test::installEnglishTranslation(m_translator), KIQ_EN_QM);
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
    }

    void cleanupTestCase()
    {
        QCoreApplication::removeTranslator(&m_translator);
        m_sandbox.reset();
    }

    void durationsAndCounts()
    {
        using std::chrono::hours;
        QCOMPARE(formatUptime(hours(24 * 365)), QStringLiteral("1 year"));
        QCOMPARE(formatUptime(hours(24 * 365 * 56)), QStringLiteral("56 years"));

        DeploymentListModel deployments;
        FleetView fleet(&deployments);
        QStringList texts;
        for (QLabel* l : fleet.findChildren<QLabel*>()) texts << l->text();
        QVERIFY2(texts.join(u'|').contains(QStringLiteral("refreshed every 5 seconds.")), qPrintable(texts.join(u'|')));
        const QString one = QCoreApplication::translate("kiq::ui::FleetView",
            "Every deployment, refreshed every %n second(s). Double-click a row to open it.", nullptr, 1);
        QVERIFY2(one.contains(QStringLiteral("refreshed every 1 second.")), qPrintable(one));
    }

    void busyPageCountsOneProcess()
    {
        kiq::redis::Client direct(m_sandbox->options());
        const std::string id = "worker-1:1234:abcdef";
        const auto now = QDateTime::currentSecsSinceEpoch();
        const std::string info = "{\"hostname\":\"worker-1\",\"started_at\":" + std::to_string(now - 60)
            + ",\"pid\":1234,\"concurrency\":5,\"queues\":[\"default\"],\"labels\":[],\"identity\":\"" + id + "\"}";
        direct.command(Command("SADD").key("processes").arg(id));
        direct.command(Command("HSET")
                           .key(id)
                           .arg("info")
                           .arg(info)
                           .arg("busy")
                           .arg("0")
                           .arg("beat")
                           .arg(std::to_string(now))
                           .arg("quiet")
                           .arg("false"));

        kiq::redis::AsyncClient client(m_sandbox->options());
        BusyPage page;
        page.show();
        page.setClient(&client);
        QTRY_COMPARE_WITH_TIMEOUT(labelText(&page, "busyStatus"), QStringLiteral("1 process, 0 jobs running"), 10000);
        page.setClient(nullptr);
        direct.command(Command("DEL").key("processes").key(id));
    }

    void emptyQueueHasNoLatency()
    {
        kiq::redis::Client direct(m_sandbox->options());
        // Sidekiq keeps a queue's name in `queues` after its last job is gone.
        direct.command(Command("SADD").key("queues").arg("default"));
        kiq::redis::AsyncClient client(m_sandbox->options());

        OverviewPage overview;
        overview.show();
        const auto deployment = kiq::test::connectPage(overview, m_sandbox->options());
        auto* latency = overview.findChild<InfoCard*>(QStringLiteral("latencyCard"));
        QVERIFY(latency);
        QTRY_VERIFY_WITH_TIMEOUT(!latency->value().isEmpty(), 10000);
        QCOMPARE(latency->value(), QStringLiteral("empty"));
        overview.setClient(nullptr);

        QueuesPage queues;
        queues.show();
        queues.setClient(&client);
        QTRY_COMPARE_WITH_TIMEOUT(queues.queueModel()->rowCount(), 1, 10000);
        QCOMPARE(
            queues.queueModel()->index(0, QueueListModel::LatencyColumn).data().toString(), QStringLiteral("empty"));
        queues.setClient(nullptr);
    }
};

QTEST_MAIN(TestPlurals)
#include "tst_plurals.moc"

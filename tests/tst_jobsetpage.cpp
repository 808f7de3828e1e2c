// The Retries/Dead/Scheduled page against a seeded LocalSandbox: the paged model under
// QAbstractItemModelTester fills in 200 rows at a time, malformed payloads are rows with their parse
// error, the filter bar filters and shows parse errors inline, and retrying two selected dead jobs
// through the page's action path moves them (checked with direct Redis reads) from `dead` to their
// queue. Screenshots: retries_page.png, dead_page.png, scheduled_page.png.
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/jobs/JobBrowser.h"
#include "pages/jobs/JobFilterProxy.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/jobs/JobTableModel.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sandbox/LocalSandbox.h"
#include "services/WriteGate.h"
#include "sidekiq/JobRecord.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTest>

using namespace kiq::ui;
using kiq::sidekiq::JobSetKind;

namespace {
constexpr const char* kMalformed = "{\"class\":\"Broken\",\"jid\":"; // cut short, as a truncated write would leave it
}

class TestJobSetPage : public QObject {
    Q_OBJECT
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;
    std::unique_ptr<kiq::redis::Client> m_direct;

    void save(QWidget* w, const QString& file)
    {
        const QString path = QDir(kiq::test::testOutputDir()).filePath(file);
        QVERIFY(w->grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

private slots:
    void initTestCase()
    {
        applyTheme(Theme::Light);
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
        m_direct = std::make_unique<kiq::redis::Client>(m_sandbox->options());
        kiq::sandbox::seedDemoData(*m_direct);
        // Newest in `dead`, so it is on the first page of a newest-first listing.
        m_direct->command(kiq::redis::Command("ZADD").key("dead").arg("9999999999").arg(kMalformed));
    }

    void cleanupTestCase()
    {
        m_direct.reset();
        m_sandbox.reset();
    }

    void pagesRender_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<long long>("total");
        QTest::addColumn<QString>("file");
        QTest::newRow("retries") << int(JobSetKind::Retry) << 300LL << QStringLiteral("retries_page.png");
        QTest::newRow("scheduled") << int(JobSetKind::Scheduled) << 200LL << QStringLiteral("scheduled_page.png");
    }

    void pagesRender()
    {
        QFETCH(int, kind);
        QFETCH(long long, total);
        QFETCH(QString, file);
        kiq::services::WriteGate gate("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page{JobSetKind(kind)};
        QAbstractItemModelTester tester(page.browser()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWriteGate(&gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        QTRY_VERIFY_WITH_TIMEOUT(page.browser()->model()->rowCount() > 0, 10000);
        QCOMPARE(page.browser()->model()->total(), total);
        page.browser()->table()->selectRow(0);
        QVERIFY(!page.browser()->inspector()->text().isEmpty());
        save(&page, file);
    }

    void deadPagePagesFiltersAndRetries()
    {
        kiq::services::WriteGate gate("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        JobTableModel* model = page.browser()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(page.browser()->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWriteGate(&gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);

        // Paging: 200 rows, then 200 more on fetchMore (what the view does when scrolled down).
        // (The view and the tester may already have asked for a page or two more.)
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0, 10000);
        QCOMPARE(model->total(), 1201LL);
        QTRY_VERIFY_WITH_TIMEOUT(model->canFetchMore({}), 10000);
        const int loaded = model->rowCount();
        QCOMPARE(loaded % JobTableModel::kPageSize, 0);
        model->fetchMore({});
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= loaded + JobTableModel::kPageSize, 10000);

        // The malformed payload is a row, shown with its parse error.
        QVERIFY(model->index(0, 0).data(JobTableModel::MalformedRole).toBool());
        QVERIFY(model->index(0, JobTableModel::ErrorColumn).data().toString().contains(QStringLiteral("Unreadable")));

        // Filter bar: a bad expression is reported inline; a good one filters the loaded rows.
        auto* error = page.findChild<QLabel*>(QStringLiteral("jobFilterError"));
        page.browser()->filterEdit()->setText(QStringLiteral("age>banana"));
        QVERIFY(error->isVisible());
        QVERIFY(!error->text().isEmpty());
        page.browser()->filterEdit()->setText(QStringLiteral("malformed"));
        QVERIFY(!error->isVisible());
        QCOMPARE(page.browser()->proxy()->rowCount(), 1);
        page.browser()->filterEdit()->clear();
        QCOMPARE(page.browser()->proxy()->rowCount(), model->rowCount());

        // Select two readable jobs and press R, as an operator would.
        QTableView* table = page.browser()->table();
        table->clearSelection();
        table->selectionModel()->select(page.browser()->proxy()->index(1, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->select(page.browser()->proxy()->index(2, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->setCurrentIndex(page.browser()->proxy()->index(2, 0), QItemSelectionModel::NoUpdate);
        const auto payloads = page.browser()->selectedPayloads();
        QCOMPARE(payloads.size(), std::size_t(2));
        QVERIFY(page.browser()->inspector()->text().contains(QString::fromStdString(model->row(2).job.jid)));
        save(&page, QStringLiteral("dead_page.png"));

        table->setFocus();
        QTest::keyClick(table, Qt::Key_R);
        for (const auto& raw : payloads) {
            const auto job = kiq::sidekiq::JobRecord::parse(raw);
            QTRY_VERIFY_WITH_TIMEOUT(m_direct->command(kiq::redis::Command("ZSCORE").key("dead").arg(raw)).isNil(), 10000);
            const auto queued = m_direct->command(kiq::redis::Command("LRANGE").key("queue:" + job.queue).arg(0).arg(-1)).asStringList();
            const bool found = std::any_of(queued.begin(), queued.end(),
                                           [&](const std::string& p) { return kiq::sidekiq::JobRecord::parse(p).jid == job.jid; });
            QVERIFY2(found, job.jid.c_str());
        }
        // The page reloads after the action: one job fewer on the server... two, in fact.
        QTRY_COMPARE_WITH_TIMEOUT(model->total(), 1199LL, 10000);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("jobSetStatus"))->text().contains(QStringLiteral("Retry")));
    }
};

QTEST_MAIN(TestJobSetPage)
#include "tst_jobsetpage.moc"

// The Audit trail page against a real redis-server: the timeline shows the entries every writer
// appended (newest first), filters by action and user, Verify marks the row after a deleted entry,
// and Export writes every entry as JSON lines. Renders itself to test-output/audit.png.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/audit/AuditPage.h"
#include "pages/audit/AuditTrailModel.h"
#include "redis/AsyncClient.h"
#include "write/AuditTrail.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq;

class TestAuditPage : public QObject, kiq::test::ServerTest {
    Q_OBJECT
    QTemporaryDir m_dir;

    void append(write::AuditTrail& trail, const std::string& action, const std::string& reason, bool ok = true)
    {
        write::AuditEntry e;
        e.deployment = "Billing";
        e.time = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
        e.intent = {action, action == "quiet" ? "host:1:abc" : "dead", 40, "class=HardJob", {"0123abcd", "4567ef01"}};
        e.reason = reason;
        e.armedBy = reason.empty() ? "" : "alice";
        e.ok = ok;
        e.affected = ok ? 38 : 0;
        e.skipped = ok ? 2 : 0;
        e.error = ok ? "" : "NOPERM this user has no permissions to run the 'zrem' command";
        trail.append(e);
    }

private slots:
    void initTestCase()
    {
        startServer();
        ui::applyTheme(ui::Theme::Light);
    }

    void timelineFiltersVerifiesAndExports()
    {
        write::AuditTrail trail(test::optionsFor(*m_server), m_dir.filePath("local.jsonl").toStdString());
        append(trail, "retry", "INC-4711 stuck retries");
        append(trail, "delete", "INC-4711 stuck retries");
        append(trail, "quiet", "");
        append(trail, "kill", "INC-4712", false);
        append(trail, "retry", "INC-4713");

        redis::AsyncClient client(test::optionsFor(*m_server));
        ui::AuditPage page;
        page.setClient(&client);
        page.resize(1280, 420);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* table = page.findChild<QTableView*>(QStringLiteral("auditTable"));
        QTRY_COMPARE(table->model()->rowCount(), 5);
        auto* model = page.findChild<ui::AuditTrailModel*>();
        QCOMPARE(model->rows().front().get("action"), std::string("retry")); // newest first
        QCOMPARE(model->data(model->index(0, ui::AuditTrailModel::ReasonColumn), Qt::DisplayRole).toString(),
            QStringLiteral("INC-4713 (armed by alice)"));
        QCOMPARE(model->data(model->index(0, ui::AuditTrailModel::CountsColumn), Qt::DisplayRole).toString(),
            QStringLiteral("40 / 38 / 2"));

        auto* action = page.findChild<QComboBox*>(QStringLiteral("auditAction"));
        action->setCurrentIndex(action->findData(QStringLiteral("retry")));
        QTRY_COMPARE(table->model()->rowCount(), 2);
        action->setCurrentIndex(0);
        QTRY_COMPARE(table->model()->rowCount(), 5);
        auto* user = page.findChild<QLineEdit*>(QStringLiteral("auditUser"));
        user->setText(QStringLiteral("someone-else"));
        QTest::keyClick(user, Qt::Key_Return);
        QTRY_COMPARE(table->model()->rowCount(), 0);
        user->setText(QString::fromStdString(write::osUser()));
        QTest::keyClick(user, Qt::Key_Return);
        QTRY_COMPARE(table->model()->rowCount(), 5);

        auto* status = page.findChild<QLabel*>(QStringLiteral("auditStatus"));
        page.findChild<QPushButton*>(QStringLiteral("auditVerify"))->click();
        QTRY_VERIFY(status->text().contains(QStringLiteral("chain intact")));
        for (int row = 0; row < 5; ++row) QVERIFY(!model->isBroken(row));

        // The "delete" entry removed behind our back: the "quiet" entry after it is marked.
        const std::string deleted = model->rows()[3].id;
        m_server->cli({"XDEL", "kiqdesk:audit", QString::fromStdString(deleted)});
        page.refresh();
        QTRY_COMPARE(table->model()->rowCount(), 4);
        page.findChild<QPushButton*>(QStringLiteral("auditVerify"))->click();
        QTRY_VERIFY(status->text().contains(QStringLiteral("chain broken")));
        QCOMPARE(model->rows()[2].get("action"), std::string("quiet"));
        QVERIFY(model->isBroken(2));
        QVERIFY(!model->isBroken(1) && !model->isBroken(3));
        QVERIFY(model->data(model->index(2, 0), Qt::ToolTipRole).toString().contains(QStringLiteral("Chain broken")));

        const QString out = QDir(test::testOutputDir()).filePath(QStringLiteral("audit.png"));
        QVERIFY(page.grab().save(out));
        qInfo("screenshot: %s", qPrintable(out));
        if (qEnvironmentVariableIsSet("KIQ_AUDIT_SCREENSHOT"))
            QVERIFY(page.grab().save(qEnvironmentVariable("KIQ_AUDIT_SCREENSHOT")));

        const QString file = m_dir.filePath(QStringLiteral("export.jsonl"));
        page.exportTo(file);
        QTRY_VERIFY(status->text().contains(QStringLiteral("Exported")));
        QFile exported(file);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QCOMPARE(exported.readAll().trimmed().split('\n').size(), 4);
    }
};

QTEST_MAIN(TestAuditPage)
#include "tst_audit_page.moc"

// The ACL page against a real server: users listed with risks, a Sidekiq role applied and verified,
// disable and delete, the log and its reset; screenshots of the page and the rule editor.
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TestEnv.h"
#include "pages/acl/AclLogModel.h"
#include "pages/acl/AclPage.h"
#include "pages/acl/AclUserEditor.h"
#include "pages/acl/AclUsersModel.h"
#include "redis/AsyncClient.h"
#include "write/WriteGate.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QStyle>
#include <QTest>

using namespace kiq;
using kiq::test::RedisServer;

class TestAclPage : public QObject {
    Q_OBJECT
    std::unique_ptr<RedisServer> m_server;

    static int rowOf(const ui::AclUsersModel& m, const QString& name)
    {
        for (int r = 0; r < m.rowCount(); ++r)
            if (m.data(m.index(r, ui::AclUsersModel::NameColumn), Qt::DisplayRole).toString() == name) return r;
        return -1;
    }

private slots:
    void initTestCase() { m_server = std::make_unique<RedisServer>(RedisServer::Options {}); }

    void pageDrivesAcl()
    {
        redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        ui::AclPage page;
        QAbstractItemModelTester usersTester(page.usersModel());
        QAbstractItemModelTester logTester(page.logModel());
        page.setWriteGate(gate);
        page.setClient(&client);
        QTRY_VERIFY(rowOf(*page.usersModel(), "default") >= 0);
        const int def = rowOf(*page.usersModel(), "default");
        QVERIFY(page.usersModel()
                    ->data(page.usersModel()->index(def, ui::AclUsersModel::RisksColumn), Qt::DisplayRole)
                    .toString()
                    .contains("default user"));

        QSignalSpy finished(&page, &ui::AclPage::changeFinished);
        page.applyRole(acl::Role::Monitor, "mon", "m0n-pw");
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(page.resultText()));
        QVERIFY(page.resultText().contains("ok allow"));
        QVERIFY(!page.resultText().contains("FAILED"));
        QVERIFY(!page.resultText().contains("m0n-pw"));
        QVERIFY(m_server->cli({"ACL", "GETUSER", "mon"}).contains("%R~*"));
        QTRY_VERIFY(rowOf(*page.usersModel(), "mon") >= 0);

        // A denied write by the monitor shows up in the log.
        m_server->cli({"ACL", "SETUSER", "mon", ">plain"});
        m_server->cliResult({"--user", "mon", "--pass", "plain", "SET", "x", "1"});
        page.refresh();
        QTRY_VERIFY(page.logModel()->rowCount() >= 1);

        page.resize(1100, 650);
        page.show();
        QTest::qWait(50);
        const QString dir = kiq::test::testOutputDir();
        QVERIFY(page.grab().save(QDir(dir).filePath("acl_page.png")));

        ui::AclUserEditor editor(page.usersModel()->rows()[std::size_t(rowOf(*page.usersModel(), "mon"))]);
        editor.resize(640, 720);
        editor.show();
        QTest::qWait(50);
        QVERIFY(editor.grab().save(QDir(dir).filePath("acl_user_editor.png")));
        QVERIFY(editor.rules().has_value());

        page.setEnabled("mon", false);
        QTRY_COMPARE(finished.count(), 2);
        QVERIFY(m_server->cli({"ACL", "GETUSER", "mon"}).contains("off"));
        page.resetLog();
        QTRY_COMPARE(finished.count(), 3);
        QTRY_COMPARE(page.logModel()->rowCount(), 0);
        page.deleteUser("mon");
        QTRY_COMPARE(finished.count(), 4);
        QCOMPARE(m_server->cli({"ACL", "GETUSER", "mon"}), QString());
        QTRY_COMPARE(rowOf(*page.usersModel(), "mon"), -1);
    }

    // The editor's password goes to ACL SETUSER as one token: "pw allkeys" is a password, not a
    // password plus ~*; and no message shown in the dialog carries it.
    void editorPasswordWithSpacesIsOnePassword()
    {
        redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        ui::AclPage page;
        page.setWriteGate(gate);
        page.setClient(&client);

        ui::AclUserEditor editor(std::nullopt);
        editor.findChild<QLineEdit*>("aclName")->setText("spacey");
        editor.findChild<QLineEdit*>("aclPassword")->setText("pw allkeys");
        editor.findChild<QLineEdit*>("aclExtraRules")->setText("+get");
        const auto rules = editor.rules();
        QVERIFY(rules.has_value());
        QVERIFY(editor.findChild<QLabel*>("aclError")->text().isEmpty());
        for (const QLabel* label : editor.findChildren<QLabel*>())
            QVERIFY2(!label->text().contains("pw allkeys"), qPrintable(label->text()));

        // A password that is not a valid rule line either: still one token, and never echoed.
        editor.findChild<QLineEdit*>("aclPassword")->setText("p (w");
        QVERIFY(editor.rules().has_value());
        editor.findChild<QLineEdit*>("aclExtraRules")->setText("+get frobnicate");
        QVERIFY(!editor.rules().has_value());
        const QString error = editor.findChild<QLabel*>("aclError")->text();
        QVERIFY2(error.contains("frobnicate") && !error.contains("p (w"), qPrintable(error));

        QSignalSpy finished(&page, &ui::AclPage::changeFinished);
        page.applyRules("spacey", *rules);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(page.resultText()));
        const QString user = m_server->cli({"ACL", "GETUSER", "spacey"});
        QVERIFY2(user.contains(QString::fromStdString(acl::sha256Hex("pw allkeys"))), qPrintable(user));
        QVERIFY2(!user.contains("~*") && !user.contains("allkeys"), qPrintable(user));
        // It logs in with the whole password, and has no key at all.
        const auto get = m_server->cliResult({"--user", "spacey", "--pass", "pw allkeys", "GET", "k"});
        const QString said = get.out + get.err;
        QVERIFY2(
            said.contains("NOPERM") && !said.contains("WRONGPASS") && !said.contains("AUTH failed"), qPrintable(said));
        m_server->cli({"ACL", "DELUSER", "spacey"});
    }

    // A click on a command category ticks that category, even when the preview, diff or error below
    // change between press and release (a keystroke's update, a growing "Will run" line): nothing
    // above them moves, so the neighbour never slides under the pointer.
    void categoryClickTicksWhatWasPressed()
    {
        ui::AclUserEditor editor(std::nullopt);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        auto* list = editor.findChild<QListWidget*>();
        QVERIFY(list);
        QListWidgetItem* read = list->findItems(QStringLiteral("@read"), Qt::MatchExactly).value(0);
        QListWidgetItem* write = list->findItems(QStringLiteral("@write"), Qt::MatchExactly).value(0);
        QVERIFY(read && write);
        const QRect rect = list->visualItemRect(read);
        // On the check box: the indicator sits at the start of the row.
        const QPoint at(rect.left() + list->style()->pixelMetric(QStyle::PM_IndicatorWidth) / 2 + 3, rect.center().y());
        const QPoint before = list->viewport()->mapTo(&editor, at);
        const QRect writeBefore = list->visualItemRect(write);

        QTest::mousePress(list->viewport(), Qt::LeftButton, {}, at);
        // What may land between press and release: the form's preview and error grow by several lines.
        auto edits = editor.findChildren<QLineEdit*>();
        QVERIFY(edits.size() >= 3);
        edits[0]->setText(QStringLiteral("a name with spaces that makes the error and the preview line long"));
        edits.back()->setText(QStringLiteral("+get +set +del +hget +hset +lpush +rpush +zadd +zrem +sadd +srem +expire "
                                             "+ttl +exists +incr +decr +mget +mset +publish +subscribe +eval "
                                             "+evalsha +multi +exec +watch +unwatch +client|setname +info"));
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QCOMPARE(list->viewport()->mapTo(&editor, at), before);
        QCOMPARE(list->mapTo(&editor, list->visualItemRect(read).topLeft()), list->mapTo(&editor, rect.topLeft()));
        QCOMPARE(list->visualItemRect(write), writeBefore);
        // Release where the pointer is on screen: the press position in the dialog.
        QTest::mouseRelease(list->viewport(), Qt::LeftButton, {}, list->viewport()->mapFrom(&editor, before));
        QCOMPARE(read->checkState(), Qt::Checked);
        QCOMPARE(write->checkState(), Qt::Unchecked);
    }

    void readOnlyGateRefuses()
    {
        redis::AsyncClient client(kiq::test::optionsFor(*m_server));
        auto gate = std::make_shared<kiq::write::WriteGate>("prod", true);
        ui::AclPage page;
        page.setWriteGate(gate);
        page.setClient(&client);
        QSignalSpy finished(&page, &ui::AclPage::changeFinished);
        page.applyRole(acl::Role::Worker, "w", "pw");
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY(page.resultText().contains("read-only"));
        QCOMPARE(m_server->cli({"ACL", "GETUSER", "w"}), QString());
    }
};

QTEST_MAIN(TestAclPage)
#include "tst_acl_page.moc"

// The Retries/Dead/Scheduled pages against a seeded LocalSandbox, browsing the local job index:
// the virtual model (under QAbstractItemModelTester) shows every job of the set, malformed payloads
// are rows, the filter bar filters the index and shows parse errors inline, columns sort through
// the index, failure groups count and filter, the selection follows its jobs when the index changes
// under it, and retrying two selected dead jobs moves them (checked with direct Redis reads) from
// `dead` to their queue; a kill from Retries and a move from Scheduled act on the rows' exact
// payloads the same way. The "All matching…" flow is driven through its dialogs as an operator
// would: preview content, typed confirmation, progress, and Cancel partway under a rate cap.
// Screenshots: retries_page.png, dead_page.png, dead_page_group.png, scheduled_page.png.
#include "EnglishTranslation.h"
#include "deployment/Deployment.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/jobs/BulkPreviewDialog.h"
#include "pages/jobs/FailureGroupModel.h"
#include "pages/jobs/IndexedJobBrowser.h"
#include "pages/jobs/IndexedJobModel.h"
#include "pages/jobs/JobIndexFeed.h"
#include "pages/jobs/JobInspector.h"
#include "pages/jobs/JobRow.h"
#include "pages/jobs/JobSetPage.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"
#include "sandbox/DemoData.h"
#include "sandbox/LocalSandbox.h"
#include "sidekiq/actions/BulkExecutor.h"
#include "sidekiq/actions/JobTransfer.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/search/JobFilter.h"
#include "storage/BulkCursorStore.h"
#include "write/WriteGate.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

using namespace kiq::ui;
using kiq::sidekiq::JobSetKind;

namespace {
constexpr const char* kMalformed = "{\"class\":\"Broken\",\"jid\":"; // cut short, as a truncated write would leave it

std::string deadJob(const std::string& cls, int n, double failedAt)
{
    return "{\"class\":\"" + cls + "\",\"args\":[" + std::to_string(n) + "],\"queue\":\"bulk\",\"jid\":\""
        + cls.substr(0, 4) + std::to_string(100000 + n) + "\",\"created_at\":" + std::to_string(failedAt - 60)
        + ",\"enqueued_at\":" + std::to_string(failedAt - 30)
        + ",\"error_class\":\"Net::ReadTimeout\",\"error_message\":\"read timeout after 30s\","
        + "\"failed_at\":" + std::to_string(failedAt) + ",\"retry_count\":25}";
}

// What the operator saw and did in the "all matching" dialogs.
struct DialogLog {
    QString preview; // the preview's summary and groups
    QString confirmation; // the typed-confirmation question
    int progressMax = 0; // the progress bar's highest value (it resets itself when full)
    QString progressText; // its last label
    QPixmap progressShot; // the progress dialog as it last looked
    bool cancelled = false;
    QStringList strayDialogs; // progress dialogs seen over the preview or the confirmation
};
} // namespace

class TestJobSetPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_home; // bulk cursors of this run only: a sandbox's port, and so its deployment, recurs
    QTranslator m_translator;
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;
    std::unique_ptr<kiq::redis::Client> m_direct;

    void save(QWidget* w, const QString& file)
    {
        const QString path = QDir(kiq::test::testOutputDir()).filePath(file);
        QVERIFY(w->grab().save(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    long long zcard(const char* key) { return m_direct->command(kiq::redis::Command("ZCARD").key(key)).asInteger(); }
    long long llen(const std::string& key)
    {
        return m_direct->command(kiq::redis::Command("LLEN").key(key)).asInteger();
    }

    void addDead(const std::string& cls, int count)
    {
        kiq::redis::Command c("ZADD");
        c.key("dead");
        for (int i = 0; i < count; ++i) {
            const double t = 1.6e9 + i;
            c.arg(t).arg(deadJob(cls, i, t));
        }
        m_direct->command(c).throwIfError();
    }

    // Answers the flow's dialogs from a timer, since each blocks in exec(): fills in the preview's
    // rate cap and continues, types the job count into the confirmation, and presses Cancel on the
    // progress dialog once it has moved past `cancelAt` (never when 0). The preview is read like a
    // person would, `holdMs` before continuing; meanwhile no progress dialog may show over it.
    std::unique_ptr<QTimer> operate(JobSetPage& page, DialogLog& log, int rate, int cancelAt, int holdMs = 0)
    {
        auto timer = std::make_unique<QTimer>();
        auto seen = std::make_shared<QElapsedTimer>();
        QObject::connect(timer.get(), &QTimer::timeout, &page, [&page, &log, rate, cancelAt, holdMs, seen] {
            const auto dialogs = page.findChildren<QDialog*>();
            const bool asking = std::any_of(dialogs.cbegin(), dialogs.cend(), [](QDialog* d) {
                return d->isVisible() && (qobject_cast<BulkPreviewDialog*>(d) || qobject_cast<QInputDialog*>(d));
            });
            for (auto* progress : page.findChildren<QProgressDialog*>())
                if (asking && progress->isVisible() && !log.strayDialogs.contains(progress->labelText()))
                    log.strayDialogs << progress->labelText();
            for (auto* preview : page.findChildren<BulkPreviewDialog*>()) {
                if (!preview->isVisible()) continue;
                if (!seen->isValid()) seen->start();
                if (seen->elapsed() < holdMs) return;
                for (auto* label : preview->findChildren<QLabel*>()) log.preview += label->text() + u'\n';
                auto* tree = preview->findChild<QTreeWidget*>();
                for (QTreeWidgetItemIterator it(tree); *it; ++it)
                    log.preview += (*it)->text(0) + u' ' + (*it)->text(1) + u'\n';
                preview->findChild<QSpinBox*>(QStringLiteral("bulkRate"))->setValue(rate);
                preview->accept();
                return;
            }
            for (auto* input : page.findChildren<QInputDialog*>()) {
                if (!input->isVisible()) continue;
                log.confirmation = input->labelText();
                // "Type 1234 to confirm.": answer with the number asked for.
                input->setTextValue(
                    QRegularExpression(QStringLiteral("Type (\\d+) to confirm")).match(input->labelText()).captured(1));
                input->accept();
                return;
            }
            if (auto* progress = page.findChild<QProgressDialog*>(QStringLiteral("bulkProgress"))) {
                log.progressText = progress->labelText();
                if (progress->isVisible()) log.progressShot = progress->grab();
                log.progressMax = std::max(log.progressMax, progress->value());
                if (cancelAt > 0 && progress->value() >= cancelAt && !log.cancelled) {
                    log.cancelled = true;
                    progress->findChild<QPushButton*>()->click(); // what the operator presses
                }
            }
        });
        timer->start(20);
        return timer;
    }

private slots:
    void initTestCase()
    {
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8());
        QVERIFY(kiq::test::installEnglishTranslation(m_translator)); // "3 match the filter", not "match(es)"
        applyTheme(Theme::Light);
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
        m_direct = std::make_unique<kiq::redis::Client>(m_sandbox->options());
        kiq::sandbox::seedDemoData(*m_direct);
        // Newest in `dead`, so it is the first row of a newest-first listing.
        m_direct->command(kiq::redis::Command("ZADD").key("dead").arg("9999999999").arg(kMalformed));
    }

    void cleanupTestCase()
    {
        m_direct.reset();
        m_sandbox.reset();
    }

    // The inspector decodes a backtrace on a pool thread: the GUI thread shows "Decoding…" and the
    // rest of the job at once, then the (capped, marked) backtrace; a decode for a job no longer
    // shown is dropped.
    void inspectorDecodesBacktraceOffTheGuiThread()
    {
        std::vector<std::string> lines;
        for (int i = 0; i < 12000; ++i) lines.push_back("app/models/deep.rb:" + std::to_string(i) + ":in `recurse'");
        kiq::sidekiq::PayloadEditor e(kiq::sidekiq::JobBuilder("DeepJob", "[1]").build().json);
        e.setString("error_class", "SystemStackError");
        e.setString("error_backtrace", kiq::sidekiq::BacktraceCodec::encode(lines));
        kiq::sidekiq::JobParseOptions options;
        options.decodeBacktrace = false; // as every page reads jobs
        JobRow row;
        row.job = kiq::sidekiq::JobRecord::parse(e.result(), options);
        JobInspector inspector;
        inspector.showJob(&row);
        QVERIFY(inspector.text().contains("SystemStackError"));
        QVERIFY2(inspector.text().contains("Decoding"), qPrintable(inspector.text().left(400)));
        QVERIFY(!inspector.text().contains("deep.rb:0:in"));
        QTRY_VERIFY_WITH_TIMEOUT(inspector.text().contains("deep.rb:0:in"), 10000);
        QVERIFY(inspector.text().contains("deep.rb:9999:in"));
        QVERIFY(!inspector.text().contains("deep.rb:10000:in"));
        QVERIFY(inspector.text().contains("truncated: 2000 more lines"));
        QVERIFY(inspector.text().contains("DeepJob")); // the payload is still there, after the backtrace

        inspector.showJob(&row);
        inspector.showJob(nullptr);
        QTest::qWait(500);
        QVERIFY(!inspector.text().contains("deep.rb"));
    }

    void pagesRender_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("total");
        QTest::addColumn<QString>("file");
        QTest::newRow("retries") << int(JobSetKind::Retry) << 300 << QStringLiteral("retries_page.png");
        QTest::newRow("scheduled") << int(JobSetKind::Scheduled) << 200 << QStringLiteral("scheduled_page.png");
    }

    void pagesRender()
    {
        QFETCH(int, kind);
        QFETCH(int, total);
        QFETCH(QString, file);
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page {JobSetKind(kind)};
        QAbstractItemModelTester tester(
            page.browser()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        // The whole set is in the table at once: the index has it all, nothing pages in later.
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), total, 10000);
        QCOMPARE(page.browser()->groupTable() != nullptr, JobSetKind(kind) != JobSetKind::Scheduled);
        page.browser()->table()->selectRow(0);
        const QString jid = page.browser()->model()->index(0, IndexedJobModel::JidColumn).data().toString();
        QTRY_VERIFY_WITH_TIMEOUT(page.browser()->inspector()->text().contains(jid), 10000);
        save(&page, file);
    }

    void deadPageFiltersSortsGroupsAndRetries()
    {
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        IndexedJobModel* model = page.browser()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setWriteGate(gate);
        page.resize(1280, 900);
        page.show();
        page.setClient(&client);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1201, 10000);
        QVERIFY(page.feed()->snapshot()->complete());

        // The malformed payload is a row, newest first, shown as unreadable.
        QVERIFY(model->index(0, 0).data(IndexedJobModel::MalformedRole).toBool());
        QVERIFY(model->index(0, IndexedJobModel::ErrorColumn).data().toString().contains(QStringLiteral("Unreadable")));
        QVERIFY(!model->index(1, 0).data(IndexedJobModel::MalformedRole).toBool());
        for (int r = 1; r < 50; ++r)
            QVERIFY(model->index(r - 1, 0).data(IndexedJobModel::UnderlyingDataRole).toDouble()
                >= model->index(r, 0).data(IndexedJobModel::UnderlyingDataRole).toDouble());

        // Filter bar: a good filter filters the whole index; a bad one is reported inline at the
        // character that is wrong and empties the table (the last good filter's rows would pass for
        // its results, issue 14), and "all matching" waits until it is fixed.
        auto* error = page.findChild<QLabel*>(QStringLiteral("jobFilterError"));
        auto* status = page.findChild<QLabel*>(QStringLiteral("jobSetStatus"));
        auto* allButton = page.findChild<QToolButton*>(QStringLiteral("allMatchingButton"));
        page.browser()->filterEdit()->setText(QStringLiteral("malformed"));
        QVERIFY(!error->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
        QVERIFY(allButton->isEnabled());
        page.browser()->filterEdit()->setText(QStringLiteral("age>>"));
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(),
            QStringLiteral("Filter, at character 5: expected a duration like 30m, 2h or 7d, not '>'. "
                           "No jobs are shown until it is fixed."));
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(!status->text().contains(QStringLiteral("match the filter")));
        QTest::qWait(
            IndexedJobModel::kMinApplyIntervalMs + 200); // a refresh of the index must not bring the old rows back
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(!allButton->isEnabled());
        QVERIFY(allButton->toolTip().contains(QStringLiteral("Fix the filter")));
        page.actOnAllMatching(kiq::sidekiq::JobAction::Delete); // as a failure group's action would
        QVERIFY(status->text().contains(QStringLiteral("Fix the filter first")));
        page.browser()->filterEdit()->setText(QStringLiteral("class=\"x"));
        QCOMPARE(error->text(),
            QStringLiteral("Filter, at character 7: unterminated quoted value. No jobs are shown until it is fixed."));
        page.browser()->filterEdit()->setText(QStringLiteral("age<2h"));
        QVERIFY(!error->isVisible());
        QVERIFY(!status->text().contains(QStringLiteral("Fix the filter first")));
        QVERIFY(allButton->isEnabled());
        page.browser()->filterEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1201, 5000);

        // error~ on a message longer than 64 bytes ("refused" starts at byte 67 of the Faraday
        // message): the index keeps ordinary messages whole, so the count is exact, with nothing
        // left undecided.
        int refused = 0;
        for (const auto& p : m_direct->command(kiq::redis::Command("ZRANGE").key("dead").arg(0).arg(-1)).asStringList())
            refused += kiq::sidekiq::JobFilter::parse("error~refused").matches(kiq::sidekiq::JobRecord::parse(p), 0)
                ? 1
                : 0;
        QVERIFY(refused > 0);
        page.browser()->filterEdit()->setText(QStringLiteral("error~refused"));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), refused, 5000);
        QCOMPARE(model->maybeCount(), 0LL);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("%1 match the filter").arg(refused)), 5000);
        QVERIFY2(!status->text().contains(QStringLiteral("not checked")), qPrintable(status->text()));
        page.browser()->filterEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1201, 5000);

        // Sorting by class orders every row, through the index.
        page.browser()->table()->sortByColumn(IndexedJobModel::ClassColumn, Qt::AscendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!model->busy(), 5000);
        for (int r = 1; r < model->rowCount(); ++r) {
            const QString a = model->index(r - 1, IndexedJobModel::ClassColumn).data().toString();
            const QString b = model->index(r, IndexedJobModel::ClassColumn).data().toString();
            QVERIFY2(a.toStdString() <= b.toStdString(), qPrintable(a + u'/' + b + u' ' + QString::number(r)));
        }
        page.browser()->table()->sortByColumn(IndexedJobModel::WhenColumn, Qt::DescendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!model->busy(), 5000);
        QVERIFY(model->index(0, 0).data(IndexedJobModel::MalformedRole).toBool());

        // Failure groups: they cover every failed job; choosing one filters the table to it.
        FailureGroupModel* groups = page.browser()->groupModel();
        QTRY_VERIFY_WITH_TIMEOUT(groups->rowCount() > 1, 5000);
        long long grouped = 0;
        for (int g = 0; g < groups->rowCount(); ++g) grouped += groups->group(g).count;
        QCOMPARE(grouped, 1201LL); // every entry is in one group (the malformed payload in one without an error)
        const auto biggest = groups->group(0);
        QVERIFY(biggest.count >= groups->group(groups->rowCount() - 1).count);
        QVERIFY(biggest.firstSeen <= biggest.lastSeen);
        page.browser()->groupTable()->selectRow(0);
        QVERIFY(page.browser()->filterEdit()->text().contains(
            QStringLiteral("group=") + FailureGroupModel::fingerprintText(biggest.fingerprint)));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), int(biggest.count), 5000);
        for (int r = 0; r < model->rowCount(); ++r)
            QCOMPARE(model->index(r, IndexedJobModel::ClassColumn).data().toString(),
                QString::fromStdString(biggest.displayClass));
        QCOMPARE(groups->rowCount() > 1, true); // the other groups stay listed
        QVERIFY(page.findChild<QAction*>(QStringLiteral("groupretryAction"))->isEnabled());
        save(&page, QStringLiteral("dead_page_group.png"));
        page.browser()->filterEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1201, 5000);
        QVERIFY(!page.browser()->groupTable()->selectionModel()->hasSelection());

        // The selection follows its job when a newer death lands above it.
        QTableView* table = page.browser()->table();
        table->selectRow(5);
        const auto key = model->key(5);
        m_direct->command(
            kiq::redis::Command("ZADD").key("dead").arg("9999999998").arg(deadJob("LateArrival", 1, 9999999998)));
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1202, 5000);
        QCOMPARE(page.browser()->selectedCount(), 1LL);
        QCOMPARE(model->key(table->selectionModel()->selectedRows().front().row()), key);
        QCOMPARE(table->selectionModel()->selectedRows().front().row(), 6);
        m_direct->command(kiq::redis::Command("ZREMRANGEBYSCORE").key("dead").arg("9999999998").arg("9999999998"));
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1201, 5000);
        QCOMPARE(table->selectionModel()->selectedRows().front().row(), 5);

        // Select two readable jobs and press R, as an operator would.
        table->clearSelection();
        table->selectionModel()->select(model->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->select(model->index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->setCurrentIndex(model->index(3, 0), QItemSelectionModel::NoUpdate);
        const QString jid3 = model->index(3, IndexedJobModel::JidColumn).data().toString();
        QTRY_VERIFY_WITH_TIMEOUT(page.browser()->inspector()->text().contains(jid3), 10000);
        const QList<std::pair<QString, QString>> jobs {
            {model->index(2, IndexedJobModel::JidColumn).data().toString(),
                model->index(2, IndexedJobModel::QueueColumn).data().toString()},
            {jid3, model->index(3, IndexedJobModel::QueueColumn).data().toString()}};
        save(&page, QStringLiteral("dead_page.png"));

        table->setFocus();
        QTest::keyClick(table, Qt::Key_R);
        QTRY_COMPARE_WITH_TIMEOUT(zcard("dead"), 1199LL, 10000);
        for (const auto& [jid, queue] : jobs) {
            bool queued = false;
            for (const auto& p :
                m_direct->command(kiq::redis::Command("LRANGE").key("queue:" + queue.toStdString()).arg(0).arg(-1))
                    .asStringList())
                queued = queued || QString::fromStdString(kiq::sidekiq::JobRecord::parse(p).jid) == jid;
            QVERIFY2(queued, qPrintable(jid));
        }
        // The index notices, and the retried jobs leave the table and the selection.
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1199, 10000);
        QCOMPARE(page.browser()->selectedCount(), 0LL);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("jobSetStatus"))->text().contains(QStringLiteral("Retry")));
    }

    // The other sets act through the same index keys: kill from Retries, move from Scheduled.
    void selectionActionsOnRetriesAndScheduled()
    {
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        {
            JobSetPage page(JobSetKind::Retry);
            page.setWriteGate(gate);
            page.show();
            page.setClient(&client);
            IndexedJobModel* model = page.browser()->model();
            QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 300, 10000);
            page.browser()->table()->selectRow(7);
            const std::string jid = model->index(7, IndexedJobModel::JidColumn).data().toString().toStdString();
            const long long deadBefore = zcard("dead");
            QSignalSpy done(&page, &JobSetPage::actionFinished);
            page.actOnSelection(kiq::sidekiq::JobAction::Kill, true);
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
            QCOMPARE(zcard("retry"), 299LL);
            QCOMPARE(zcard("dead"), deadBefore + 1);
            const auto newest
                = m_direct->command(kiq::redis::Command("ZRANGE").key("dead").arg(-2).arg(-1)).asStringList();
            QVERIFY(std::any_of(newest.begin(), newest.end(),
                [&](const std::string& p) { return kiq::sidekiq::JobRecord::parse(p).jid == jid; }));
            QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 299, 10000);
        }
        {
            JobSetPage page(JobSetKind::Scheduled);
            page.setWriteGate(gate);
            page.show();
            page.setClient(&client);
            IndexedJobModel* model = page.browser()->model();
            QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 200, 10000);
            page.browser()->table()->selectRow(0);
            page.browser()->table()->selectionModel()->select(
                model->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
            QCOMPARE(page.browser()->selectedCount(), 2LL);
            QSignalSpy done(&page, &JobSetPage::actionFinished);
            page.actOnSelection(kiq::sidekiq::JobAction::Move, true, QStringLiteral("elsewhere"));
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
            QCOMPARE(llen("queue:elsewhere"), 2LL);
            QCOMPARE(zcard("schedule"), 198LL);
            QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 198, 10000);
        }
    }

    void allMatchingRetriesThroughTheDialogs()
    {
        addDead("BulkTarget", 40);
        const long long queuedBefore = llen("queue:bulk");
        const long long deadBefore = zcard("dead");
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        page.browser()->filterEdit()->setText(QStringLiteral("class=BulkTarget"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 40, 10000);

        DialogLog log;
        // A 40 jobs/s cap: the run pauses 1 s after its one page, so the operator's 20 ms look sees the
        // bar full even on a loaded machine (0.1 s was missed under ctest -j2). The preview stays open
        // past the scanning dialog's show delay (Qt starts it at 4 s).
        const auto operatorTimer = operate(page, log, 40, 0, 4500);
        QSignalSpy done(&page, &JobSetPage::actionFinished);
        page.actOnAllMatching(kiq::sidekiq::JobAction::Retry);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);

        // The preview said what would happen, counted by class and queue.
        QVERIFY2(log.preview.contains(QStringLiteral("<b>40</b>")), qPrintable(log.preview));
        QVERIFY2(log.preview.contains(QStringLiteral("BulkTarget 40")), qPrintable(log.preview));
        QVERIFY2(log.preview.contains(QStringLiteral("bulk 40")), qPrintable(log.preview));
        // 40 jobs is more than a yes/no: the count had to be typed.
        QVERIFY2(log.confirmation.contains(QStringLiteral("Type 40")), qPrintable(log.confirmation));
        QVERIFY2(log.progressText.contains(QStringLiteral("Retry: 40 done")), qPrintable(log.progressText));
        // With what it costs: its pace and the share of Redis time it took.
        QVERIFY2(log.progressText.contains(QStringLiteral(" jobs/s · Redis busy ")), qPrintable(log.progressText));
        QVERIFY(!log.progressShot.isNull());
        QVERIFY(log.progressShot.save(QDir(kiq::test::testOutputDir()).filePath(QStringLiteral("bulk-progress.png"))));
        // Nothing stale came up over the preview or the confirmation (it once froze the flow).
        QVERIFY2(log.strayDialogs.isEmpty(), qPrintable(log.strayDialogs.join(u'|')));
        // In Redis: all 40 left `dead` for their queue; nothing else moved.
        QCOMPARE(llen("queue:bulk"), queuedBefore + 40);
        QCOMPARE(zcard("dead"), deadBefore - 40);
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 0, 10000);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("jobSetStatus"))->text().contains(QStringLiteral("40 done")));
    }

    // "Copy as command" on a production profile while writes are refused (preparing a change for review):
    // the filtered list, a retry of all matching and a delete of the selected jobs, with the --arm
    // placeholder until armed and the arming reason after.
    void copyAsCommandWithAFilter()
    {
        addDead("CopyTarget", 5);
        auto gate = std::make_shared<kiq::write::WriteGate>("Billing", true);
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        auto profile = kiq::deployment::ConnectionProfile::create(QStringLiteral("Billing EU"));
        profile.environment = kiq::deployment::Environment::Production;
        profile.options = m_sandbox->options();
        page.setProfile(profile, true);
        page.setWriteGate(gate);
        page.show();
        page.setClient(&client);
        page.browser()->filterEdit()->setText(QStringLiteral("class=CopyTarget error~timeout"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 5, 10000);
        QVERIFY(!page.findChild<QAction*>(QStringLiteral("retryAction"))->isEnabled()); // read-only
        const long long deadBefore = zcard("dead");

        page.findChild<QAction*>(QStringLiteral("copyListAction"))->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
            QStringLiteral("kiqdesk-cli --profile 'Billing EU' jobs list --set dead --filter 'class=CopyTarget "
                           "error~timeout'"));
        page.findChild<QAction*>(QStringLiteral("copyAllretryAction"))->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
            QStringLiteral("kiqdesk-cli --profile 'Billing EU' --arm 'REPLACE WITH THE REASON FOR THIS CHANGE' jobs "
                           "retry --set dead --filter 'class=CopyTarget error~timeout' --yes"));
        auto* status = page.findChild<QLabel*>(QStringLiteral("jobSetStatus"));
        QVERIFY2(status->text().contains(QStringLiteral("replace the --arm placeholder")), qPrintable(status->text()));

        gate->arm("INC-7: it's the \"timeout\" fix");
        auto* table = page.browser()->table();
        table->selectRow(0);
        table->selectionModel()->select(
            page.browser()->model()->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(page.browser()->selectedCount(), 2LL);
        // Oldest first, as the selection's keys are ordered.
        const QString older = page.browser()->model()->index(2, IndexedJobModel::JidColumn).data().toString();
        const QString newer = page.browser()->model()->index(0, IndexedJobModel::JidColumn).data().toString();
        page.findChild<QAction*>(QStringLiteral("copySelecteddeleteAction"))->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
            QStringLiteral("kiqdesk-cli --profile 'Billing EU' --arm 'INC-7: it'\\''s the \"timeout\" fix' jobs delete "
                           "--set dead --jid %1 --jid %2 --yes")
                .arg(older, newer));
        QVERIFY2(status->text().contains(QStringLiteral("Copied the command")), qPrintable(status->text()));
        QCOMPARE(zcard("dead"), deadBefore); // copying wrote nothing
    }

    void allMatchingCancelStopsPartway()
    {
        constexpr int kJobs = 300;
        addDead("SlowTarget", kJobs);
        const long long queuedBefore = llen("queue:bulk");
        const long long deadBefore = zcard("dead");
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page(JobSetKind::Dead);
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        page.browser()->filterEdit()->setText(QStringLiteral("class=SlowTarget"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), kJobs, 10000);

        // 50 jobs a second: the whole run would take six seconds; Cancel once the bar passes 40.
        DialogLog log;
        const auto operatorTimer = operate(page, log, 50, 40);
        QSignalSpy done(&page, &JobSetPage::actionFinished);
        page.actOnAllMatching(kiq::sidekiq::JobAction::Retry);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY(log.cancelled);
        const long long moved = llen("queue:bulk") - queuedBefore;
        qInfo("cancelled after %lld of %d jobs", moved, kJobs);
        QVERIFY2(moved >= 40 && moved < kJobs, qPrintable(QString::number(moved)));
        QVERIFY(log.progressMax >= 40 && log.progressMax < kJobs); // the bar moved, partway
        QCOMPARE(zcard("dead"), deadBefore - moved);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("jobSetStatus"))->text().contains(QStringLiteral("cancelled")));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), int(kJobs - moved), 10000);
    }

    // Removing a deployment (as MainWindow does: its view, then the deployment) while an "all
    // matching" action runs stops the action at its next page instead of running it to the end on
    // the retired client's thread; the write gate the action uses outlives the deployment, and the
    // saved cursor resumes the rest with nothing lost or done twice.
    void removingTheDeploymentStopsItsBulkAction()
    {
        constexpr int kJobs = 300;
        addDead("RemovedTarget", kJobs);
        const long long queuedBefore = llen("queue:bulk");
        const long long deadBefore = zcard("dead");
        kiq::deployment::ConnectionProfile profile = kiq::deployment::ConnectionProfile::create(
            QStringLiteral("removed-%1").arg(QDateTime::currentMSecsSinceEpoch()));
        profile.options = m_sandbox->options();
        auto* deployment = new Deployment(profile, false);
        deployment->connectNow();
        auto* page = new JobSetPage(JobSetKind::Dead);
        page->setWriteGate(deployment->writeGate());
        page->resize(1280, 800);
        page->show();
        page->setClient(deployment->client());
        page->browser()->filterEdit()->setText(QStringLiteral("class=RemovedTarget"));
        QTRY_COMPARE_WITH_TIMEOUT(page->browser()->model()->rowCount(), kJobs, 10000);

        // 50 jobs a second: six seconds for all of them; the deployment goes after about one.
        DialogLog log;
        const auto operatorTimer = operate(*page, log, 50, 0);
        page->actOnAllMatching(kiq::sidekiq::JobAction::Retry);
        QTRY_VERIFY_WITH_TIMEOUT(llen("queue:bulk") - queuedBefore >= 40, 20000);
        delete page;
        delete deployment;

        // Stopped within a page (a second's worth at this rate), well before the end.
        QTest::qWait(2500);
        const long long moved = llen("queue:bulk") - queuedBefore;
        QTest::qWait(1500);
        QCOMPARE(llen("queue:bulk") - queuedBefore, moved);
        qInfo("stopped after %lld of %d jobs", moved, kJobs);
        QVERIFY2(moved < kJobs - 50, qPrintable(QString::number(moved)));
        QCOMPARE(zcard("dead"), deadBefore - moved);

        // Resumable from its saved cursor: the rest is retried, each job exactly once.
        // Other tests' operations on this sandbox are the same deployment's: this one is told by its filter.
        kiq::storage::BulkCursorStore store;
        const auto ours = [&] {
            auto ops = store.unfinished(kiq::sidekiq::BulkExecutor::deploymentOf(profile.options));
            std::erase_if(ops, [](const auto& op) { return op.spec.filter != "class=RemovedTarget"; });
            return ops;
        };
        const auto pending = ours();
        QCOMPARE(pending.size(), std::size_t(1));
        QVERIFY(pending[0].progress.cancelled);
        kiq::write::WriteGate gate("test");
        kiq::sidekiq::BulkExecutor resumed(*m_direct, gate, pending[0], &store);
        QVERIFY(resumed.run().progress.finished);
        QCOMPARE(llen("queue:bulk") - queuedBefore, kJobs);
        QCOMPARE(zcard("dead"), deadBefore - kJobs);
        QVERIFY(ours().empty());
    }

    // The table, the inspector and its copy show arguments through the profile's rules; Reveal shows one
    // job as it is and is recorded in the audit trail.
    void argumentsAreRedactedUntilRevealed()
    {
        const std::string payload
            = kiq::sidekiq::JobBuilder("SecretJob", R"(["pos-secret",{"password":"hunter2","note":"visible"}])")
                  .build()
                  .json;
        m_direct->command(kiq::redis::Command("ZADD").key("dead").arg(1.7e9).arg(payload)).throwIfError();
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        std::vector<kiq::write::AuditEntry> audit;
        gate->addAuditSink([&](const kiq::write::AuditEntry& e) { audit.push_back(e); });
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage page {JobSetKind::Dead};
        auto profile = kiq::deployment::ConnectionProfile::create(QStringLiteral("Payments"));
        profile.redaction.paths = {"args[0]"};
        page.setProfile(profile);
        page.setWriteGate(gate);
        page.resize(1280, 800);
        page.show();
        page.setClient(&client);
        page.browser()->filterEdit()->setText(QStringLiteral("class=SecretJob"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 1, 10000);
        const QString args = page.browser()->model()->index(0, IndexedJobModel::ArgsColumn).data().toString();
        QVERIFY2(
            !args.contains("pos-secret") && !args.contains("hunter2") && args.contains("visible"), qPrintable(args));

        page.browser()->table()->selectRow(0);
        JobInspector* inspector = page.browser()->inspector();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->text().contains("SecretJob"), 10000);
        for (const QString& shown : {inspector->text(), inspector->copiedPayload()}) {
            QVERIFY2(!shown.contains("pos-secret") && !shown.contains("hunter2"), qPrintable(shown));
            QVERIFY(shown.contains("[REDACTED]"));
        }
        auto* reveal = inspector->findChild<QPushButton*>(QStringLiteral("revealButton"));
        QVERIFY(reveal->isEnabled());
        reveal->click();
        QVERIFY(inspector->text().contains("pos-secret") && inspector->text().contains("hunter2"));
        QCOMPARE(inspector->copiedPayload().toStdString(), payload);
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(audit[0].intent.action, std::string("reveal"));
        QCOMPARE(audit[0].intent.target, kiq::sidekiq::JobRecord::parse(payload).jid);
        QVERIFY(!reveal->isEnabled());

        // The filter bar sees what the table shows: filtering for a hidden value finds nothing.
        page.browser()->filterEdit()->setText(QStringLiteral("class=SecretJob args~hunter2"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 0, 10000);
        page.browser()->filterEdit()->setText(QStringLiteral("class=SecretJob args~visible"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 1, 10000);
        // Rules switched off in the profile: the same filter finds it.
        profile.redaction.enabled = false;
        page.setProfile(profile);
        page.browser()->filterEdit()->setText(QStringLiteral("class=SecretJob args~hunter2"));
        QTRY_COMPARE_WITH_TIMEOUT(page.browser()->model()->rowCount(), 1, 10000);
        m_direct->command(kiq::redis::Command("ZREM").key("dead").arg(payload)).throwIfError();
    }

    // Issue 22, item 5: the selected jobs to a file, redacted by default (a record to read, which
    // import refuses) or byte-exact with the arguments as they are (recorded in the audit trail), and
    // such a file imported into another set through the gate; a read-only deployment refuses it.
    void selectedJobsGoToAFileAndComeBack()
    {
        QTemporaryDir dir;
        auto gate = std::make_shared<kiq::write::WriteGate>("test");
        std::vector<kiq::write::AuditEntry> audit;
        gate->addAuditSink([&audit](const kiq::write::AuditEntry& e) { audit.push_back(e); });
        kiq::redis::AsyncClient client(m_sandbox->options());
        JobSetPage dead(JobSetKind::Dead);
        dead.setWriteGate(gate);
        dead.show();
        dead.setClient(&client);
        IndexedJobModel* model = dead.browser()->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 3, 10000);
        dead.browser()->table()->selectRow(1);
        dead.browser()->table()->selectionModel()->select(
            model->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QSignalSpy done(&dead, &JobSetPage::jobFileDone);

        const QString redacted = dir.filePath(QStringLiteral("dead.jsonl"));
        dead.exportSelection(redacted);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(!done.last().at(1).toBool(), qPrintable(done.last().at(0).toString()));
        QFile file(redacted);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto read = kiq::sidekiq::readTransfer(file.readAll().toStdString());
        QCOMPARE(read.jobs.size(), std::size_t(2));
        QCOMPARE(read.redactedLines, 2LL);

        const QString exact = dir.filePath(QStringLiteral("dead-exact.jsonl"));
        dead.exportSelection(exact, true);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QFile exactFile(exact);
        QVERIFY(exactFile.open(QIODevice::ReadOnly));
        const auto jobs = kiq::sidekiq::readTransfer(exactFile.readAll().toStdString()).jobs;
        QCOMPARE(jobs.size(), std::size_t(2));
        for (const auto& job : jobs) { // the very bytes in the set, at its score
            const auto found = m_direct->command(kiq::redis::Command("ZSCORE").key("dead").arg(job.payload));
            QVERIFY(found.asOptionalString());
            QCOMPARE(std::stod(*found.asOptionalString()), *job.score);
        }
        QVERIFY(std::any_of(audit.begin(), audit.end(),
            [](const auto& e) { return e.intent.action == "export-unredacted" && e.intent.requested == 2; }));

        JobSetPage scheduled(JobSetKind::Scheduled);
        scheduled.setWriteGate(gate);
        scheduled.setClient(&client);
        QSignalSpy imported(&scheduled, &JobSetPage::jobFileDone);
        const long long before = zcard("schedule");
        scheduled.importFile(redacted, true);
        QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 10000);
        QVERIFY(imported.last().at(1).toBool()); // a redacted export is refused
        QVERIFY(imported.last().at(0).toString().contains(QStringLiteral("redacted")));
        scheduled.importFile(exact, true);
        QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 2, 10000);
        QVERIFY2(!imported.last().at(1).toBool(), qPrintable(imported.last().at(0).toString()));
        QCOMPARE(zcard("schedule"), before + 2);
        QVERIFY(std::any_of(audit.begin(), audit.end(), [](const auto& e) {
            return e.intent.action == "import" && e.intent.target == "schedule" && e.affected == 2;
        }));

        // Read-only: refused before anything is read or written.
        auto readOnly = std::make_shared<kiq::write::WriteGate>("prod", true);
        scheduled.setWriteGate(readOnly);
        scheduled.importFile(exact, true);
        QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 3, 10000);
        QVERIFY(imported.last().at(1).toBool());
        QCOMPARE(zcard("schedule"), before + 2);
        for (const auto& job : jobs) m_direct->command(kiq::redis::Command("ZREM").key("schedule").arg(job.payload));
    }
};

QTEST_MAIN(TestJobSetPage)
#include "tst_jobsetpage.moc"

// The Redis page's table models under QAbstractItemModelTester: snapshots merge by key (rows that
// stay keep their place, so selection survives a refresh), vanished rows go, new rows come, and the
// raw-value role sorts numbers as numbers. Also what every page shares with it (issue 15): the status
// line shows a server's text literally and problems in a red that reads on light and dark themes, and
// a late result of the previous client is never shown.
#include "EnglishTranslation.h"
#include "common/Colors.h"
#include "common/StatusLine.h"
#include "harness/Fixture.h"
#include "harness/RedisServer.h"
#include "harness/TcpProxy.h"
#include "harness/TestEnv.h"
#include "main/Theme.h"
#include "pages/redis/ClientCensusModel.h"
#include "pages/redis/ClientListModel.h"
#include "pages/redis/RedisPage.h"
#include "pages/redis/SlowlogModel.h"
#include "redis/AsyncClient.h"
#include "redis/Client.h"

#include <QAbstractItemModelTester>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QTranslator>

#include <cmath>

using namespace kiq::ui;
using kiq::server::ClientEntry;
using kiq::server::SlowlogEntry;

namespace {
SlowlogEntry slow(long long id, long long micros)
{
    SlowlogEntry e;
    e.id = id;
    e.timestamp = 1700000000 + id;
    e.duration = std::chrono::microseconds(micros);
    e.args = {"SET", "k" + std::to_string(id), "v"};
    e.clientAddress = "127.0.0.1:5000";
    return e;
}

ClientEntry client(long long id, const std::string& name, long long idle)
{
    ClientEntry c;
    c.fields = {{"id", std::to_string(id)}, {"name", name}, {"idle", std::to_string(idle)}, {"age", "5"}, {"db", "0"}};
    return c;
}

// WCAG's contrast ratio: 1 (same luminance) to 21 (black on white).
double contrast(const QColor& a, const QColor& b)
{
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Pixels of the rendered widget within a small distance of `colour`: the text is drawn in it.
int pixelsNear(QWidget& widget, const QColor& colour)
{
    const QImage image = widget.grab().toImage();
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green())
                    + std::abs(c.blue() - colour.blue())
                < 40;
        }
    return n;
}

QString labelText(QWidget& root, const char* name)
{
    auto* label = root.findChild<QLabel*>(QString::fromLatin1(name));
    return label ? label->text() : QString();
}
} // namespace

class TestRedisPageModels : public QObject {
    Q_OBJECT
private slots:
    void slowlogMergesByKey()
    {
        SlowlogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot({slow(3, 10), slow(2, 20), slow(1, 30)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(SlowlogModel::ColumnCount));

        QItemSelectionModel selection(&model);
        selection.select(model.index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows); // id 2
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

        // Next refresh: id 1 fell off the end, 4 is new, 2 and 3 stay.
        model.applySnapshot({slow(4, 5), slow(3, 10), slow(2, 21)});
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(selection.isRowSelected(1, {}));
        QCOMPARE(model.index(1, SlowlogModel::IdColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(
            model.index(1, SlowlogModel::DurationColumn).data(SlowlogModel::UnderlyingDataRole).toLongLong(), 21LL);
        QCOMPARE(model.index(2, SlowlogModel::IdColumn).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(0, SlowlogModel::CommandColumn).data().toString(), QStringLiteral("SET k3 v"));

        model.applySnapshot({});
        QCOMPARE(model.rowCount(), 0);
        model.applySnapshot({slow(9, 1), slow(9, 2)}); // a duplicate key keeps its first row
        QCOMPARE(model.rowCount(), 1);
        model.clearRows();
        QCOMPARE(model.rowCount(), 0);
    }

    void clientsSortNumerically()
    {
        ClientListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applySnapshot({client(10, "a", 100), client(9, "b", 20), client(100, "c", 3)});
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(ClientListModel::UnderlyingDataRole);
        proxy.sort(ClientListModel::IdColumn, Qt::AscendingOrder);
        // As text "10" < "100" < "9"; as numbers 9 < 10 < 100.
        QCOMPARE(proxy.index(0, ClientListModel::IdColumn).data().toString(), QStringLiteral("9"));
        QCOMPARE(proxy.index(2, ClientListModel::IdColumn).data().toString(), QStringLiteral("100"));
        proxy.sort(ClientListModel::IdleColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, ClientListModel::NameColumn).data().toString(), QStringLiteral("a"));

        model.applySnapshot({client(100, "c", 4), client(11, "d", 0)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(proxy.rowCount(), 2);
    }

    void statusLineShowsServerTextLiterally_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void statusLineShowsServerTextLiterally()
    {
        QFETCH(bool, dark);
        applyTheme(dark ? Theme::Light : Theme::Dark); // the line must follow a switch, not only start right
        QWidget top; // shown, as in the app: a theme reaches widgets through their window
        top.resize(500, 40);
        StatusLine line(QStringLiteral("status"), &top);
        line.resize(500, 40);
        top.show();
        QVERIFY(QTest::qWaitForWindowExposed(&top));
        line.showInfo(QStringLiteral("Updated at noon"));
        applyTheme(dark ? Theme::Dark : Theme::Light);
        QCoreApplication::processEvents(); // the new palette reaches widgets through posted events
        const QPalette palette = line.palette();
        QCOMPARE(isDarkPalette(palette), dark);
        const QColor window = palette.color(QPalette::Window);
        const QColor info = palette.color(line.foregroundRole());

        // A Redis error is the server's text: its markup must show, not format.
        line.showError(QStringLiteral("Could not load:"), QStringLiteral("<b>x</b> & <i>y"));
        QVERIFY2(
            line.text().contains(QStringLiteral("&lt;b&gt;x&lt;/b&gt; &amp; &lt;i&gt;y")), qPrintable(line.text()));
        QVERIFY(!line.text().contains(QStringLiteral("<b>x")));
        QVERIFY(line.showsProblem());
        const QColor problem = line.palette().color(line.foregroundRole());
        QCOMPARE(problem, problemColor(line.palette()));
        QVERIFY(problem != info);
        QVERIFY2(pixelsNear(line, problem) > 0, "the problem is not drawn in the problem colour");
        QVERIFY2(contrast(problem, window) >= 3.0, qPrintable(QString::number(contrast(problem, window))));
        QVERIFY(contrast(warningColor(palette), window) >= 3.0);
        QVERIFY(contrast(goodColor(palette), window) >= 3.0);

        // Info is plain text: a queue named "<b>" is a name.
        line.showInfo(QStringLiteral("<b>queue</b> is cleared."));
        QCOMPARE(line.textFormat(), Qt::PlainText);
        QVERIFY(!line.showsProblem());
        QCOMPARE(line.palette().color(line.foregroundRole()), info);
        applyTheme(Theme::System);
    }

    // A reconnect while a load is under way: the old client's late answer must not overwrite what
    // the new client showed.
    // The census tab against a real server: three app connections that name themselves but send no
    // CLIENT SETINFO (Redis 7.0 has none) are one "not identified" row, Kiqdesk's own are another.
    void censusTabGroupsTheServersClients()
    {
        QTranslator english;
        QVERIFY(kiq::test::installEnglishTranslation(english));
        kiq::test::RedisServer server(kiq::test::RedisServer::Options {});
        auto appOptions = kiq::test::optionsFor(server.port());
        appOptions.clientName = "app-web-7";
        std::vector<std::unique_ptr<kiq::redis::Client>> apps;
        for (int i = 0; i < 3; ++i) {
            apps.push_back(std::make_unique<kiq::redis::Client>(appOptions));
            apps.back()->command(kiq::redis::Command("PING"));
        }
        kiq::redis::AsyncClient client(kiq::test::optionsFor(server.port()));

        RedisPage page;
        page.resize(1200, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setClient(&client);
        auto* table = page.findChild<QTableView*>(QStringLiteral("censusTable"));
        QVERIFY(table);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, 10000);

        // Sorted by connections, most first: the three app connections lead.
        const auto cell = [&](int row, int column) { return table->model()->index(row, column).data().toString(); };
        QCOMPARE(cell(0, ClientCensusModel::HostColumn), QStringLiteral("127.0.0.1"));
        QCOMPARE(cell(0, ClientCensusModel::ClientColumn), QStringLiteral("not identified"));
        QCOMPARE(cell(0, ClientCensusModel::ConnectionsColumn), QStringLiteral("3"));
        QCOMPARE(cell(0, ClientCensusModel::NamesColumn), QStringLiteral("app-web-7"));
        QCOMPARE(cell(1, ClientCensusModel::ClientColumn), QStringLiteral("Kiqdesk"));
        const int ours = cell(1, ClientCensusModel::ConnectionsColumn).toInt();
        QVERIFY(ours >= 1);
        QVERIFY(!table->model()->index(0, ClientCensusModel::ClientColumn).data(Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(labelText(page, "censusSummary"),
            QStringLiteral("%1 connections from 1 host · not identified: 3").arg(3 + ours));

        page.grab().save(kiq::test::testOutputDir() + QStringLiteral("/redis-census.png"));
        apps.clear(); // the app servers go away: their row goes at the next refresh
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        QCOMPARE(cell(0, ClientCensusModel::ClientColumn), QStringLiteral("Kiqdesk"));
        page.setClient(nullptr);
    }

    void lateResultOfThePreviousClientIsDropped()
    {
        kiq::test::RedisServer oldServer(kiq::test::RedisServer::Options {});
        kiq::test::RedisServer newServer(kiq::test::RedisServer::Options {});
        oldServer.cli({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
        kiq::test::TcpProxy slow(oldServer.port());
        slow.stall();
        kiq::redis::ConnectionOptions oldOptions, newOptions;
        oldOptions.endpoint = {"127.0.0.1", slow.port()};
        oldOptions.commandTimeout = std::chrono::seconds(20);
        newOptions.endpoint = {"127.0.0.1", newServer.port()};
        kiq::redis::AsyncClient oldClient(oldOptions), newClient(newOptions);

        RedisPage page;
        page.resize(1200, 700); // wide enough that no card value is elided
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setClient(&oldClient);
        QTRY_VERIFY_WITH_TIMEOUT(slow.acceptedCount() > 0, 5000); // the old load is waiting on the stalled link
        page.setClient(&newClient);
        QTRY_COMPARE_WITH_TIMEOUT(labelText(page, "evictionValue"), QStringLiteral("noeviction"), 10000);

        // Let the old answer through, and wait until it has reached the GUI thread: a later item on
        // the same client finishes after it, and its courier is queued after the page's.
        bool oldAnswered = false;
        slow.passThrough();
        oldClient.run<bool>([](kiq::redis::Client&) { return true; }, &page,
            [&oldAnswered](kiq::redis::Result<bool>) { oldAnswered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(oldAnswered, 15000);
        QVERIFY(slow.bytesToClients() > 1000); // the old server did answer the page's INFO
        QCoreApplication::processEvents();
        QCOMPARE(labelText(page, "evictionValue"), QStringLiteral("noeviction"));
        QVERIFY2(labelText(page, "redisStatus").contains(QStringLiteral("round trip")),
            qPrintable(labelText(page, "redisStatus")));
        page.setClient(nullptr);
    }
};

QTEST_MAIN(TestRedisPageModels)
#include "tst_redispage_models.moc"

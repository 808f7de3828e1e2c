// The Redis page's table models under QAbstractItemModelTester: snapshots merge by key (rows that
// stay keep their place, so selection survives a refresh), vanished rows go, new rows come, and the
// raw-value role sorts numbers as numbers.
#include "pages/redis/ClientListModel.h"
#include "pages/redis/SlowlogModel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

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
};

QTEST_MAIN(TestRedisPageModels)
#include "tst_redispage_models.moc"

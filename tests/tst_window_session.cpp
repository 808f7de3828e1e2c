// The main window comes back as it was left: size, the sidebar splitter, a job page's table/inspector
// splitter, the selected deployment and its page are saved on close and restored by the next window,
// and a geometry saved on a bigger screen is shrunk to fit this one. Settings go to a temporary
// directory, never the user's.
#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"
#include "deployment/DeploymentView.h"
#include "main/MainWindow.h"
#include "sandbox/LocalSandbox.h"
#include "storage/ConnectionProfileStore.h"

#include <QApplication>
#include <QFile>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace kiq::ui;

namespace {
// The first page after the first one that has a splitter (the job pages' table/inspector).
int pageWithSplitter(const DeploymentView* view)
{
    for (int i = 1; i < view->pages().size(); ++i)
        if (view->pages()[i]->findChild<QSplitter*>()) return i;
    return -1;
}

QSplitter* sidebarSplitter(MainWindow* w)
{
    return qobject_cast<QSplitter*>(w->centralWidget());
}
} // namespace

class TestWindowSession : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<kiq::sandbox::LocalSandbox> m_sandbox;

    std::unique_ptr<MainWindow> openWindow(kiq::storage::ProfileStore& store)
    {
        auto w = std::make_unique<MainWindow>(&store);
        w->setPasswordPromptsEnabled(false);
        w->loadSavedProfiles();
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
        return w;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("kiqdesk-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_window_session"));
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        m_sandbox = std::make_unique<kiq::sandbox::LocalSandbox>();
        m_sandbox->start();
    }

    void cleanupTestCase() { m_sandbox.reset(); }

    void everythingIsRestored()
    {
        QSettings settings;
        QVERIFY(settings.fileName().startsWith(m_dir.path()));
        kiq::storage::ProfileStore store(settings);
        const QSize screen = QGuiApplication::primaryScreen()->availableGeometry().size();

        QSize size;
        QList<int> sidebar, inner;
        int page = -1;
        {
            auto w = openWindow(store);
            QVERIFY(w);
            for (const char* name : {"First", "Second"}) {
                auto p = kiq::deployment::ConnectionProfile::create(QString::fromLatin1(name));
                p.options = m_sandbox->options();
                w->addDeployment(p, true);
            }
            w->selectDeployment(1);
            page = pageWithSplitter(w->currentView());
            QVERIFY(page > 0);
            w->currentView()->setCurrentPage(page);
            size = QSize(std::max(w->minimumSizeHint().width(), screen.width() - 60),
                std::max(w->minimumSizeHint().height(), screen.height() - 50));
            w->resize(size);
            QTRY_COMPARE(w->size(), size);
            sidebarSplitter(w.get())->setSizes({320, size.width() - 320});
            auto* s = w->currentView()->pages()[page]->findChild<QSplitter*>();
            const int total = s->sizes()[0] + s->sizes()[1];
            s->setSizes({total / 3, total - total / 3});
            QCoreApplication::processEvents();
            sidebar = sidebarSplitter(w.get())->sizes();
            inner = s->sizes();
            QVERIFY(w->close());
        }

        auto w = openWindow(store);
        QVERIFY(w);
        QCOMPARE(w->deploymentCount(), 2);
        QCOMPARE(w->currentDeployment(), w->deployment(1));
        QCOMPARE(w->currentView()->currentPage(), w->currentView()->pages()[page]);
        QCOMPARE(w->size(), size);
        QCOMPARE(sidebarSplitter(w.get())->sizes(), sidebar);
        QCOMPARE(w->currentView()->pages()[page]->findChild<QSplitter*>()->sizes(), inner);
        // The same splitter state for that page in the other deployment, too.
        QCOMPARE(w->viewOf(w->deployment(0))->pages()[page]->findChild<QSplitter*>()->saveState(),
            w->currentView()->pages()[page]->findChild<QSplitter*>()->saveState());
    }

    void geometryFromABiggerScreenFits()
    {
        QSettings settings;
        kiq::storage::ProfileStore store(settings);
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        {
            auto w = openWindow(store);
            QVERIFY(w);
            w->setGeometry(QRect(available.topLeft() + QPoint(400, 300), available.size() * 3));
            QVERIFY(w->close());
        }
        auto w = openWindow(store);
        QVERIFY(w);
        const QRect g = w->frameGeometry();
        QVERIFY2(available.contains(g),
            qPrintable(QStringLiteral("(%1,%2 %3x%4) in (%5,%6 %7x%8)")
                           .arg(g.x())
                           .arg(g.y())
                           .arg(g.width())
                           .arg(g.height())
                           .arg(available.x())
                           .arg(available.y())
                           .arg(available.width())
                           .arg(available.height())));
    }
};

int main(int argc, char** argv)
{
    // A full-HD screen: bigger than the window's minimum size, so that bound does not hide the restore.
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("screens.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly)) return 1;
    file.write(R"({"screens": [{"name": "main", "x": 0, "y": 0, "width": 1920, "height": 1080,
                   "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})");
    file.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.toLocal8Bit());
    QApplication app(argc, argv);
    TestWindowSession test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_window_session.moc"

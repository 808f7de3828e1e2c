#include "harness/TestEnv.h"

#include <QDir>
#include <QElapsedTimer>
#include <QtTest/QTest>

#include <algorithm>

namespace kiq::test {

QString testOutputDir()
{
    QString dir = qEnvironmentVariable("KIQ_TEST_OUTPUT");
    if (dir.isEmpty()) dir = QDir::temp().filePath(QStringLiteral("kiq-test-output"));
    QDir().mkpath(dir);
    return QDir(dir).absolutePath();
}

bool waitUntil(const std::function<bool()>& condition, int timeoutMs, int stepMs)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        if (condition()) return true;
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0) return false;
        // qWait processes the current thread's events (if it has an event loop), then sleeps.
        QTest::qWait(int(std::min<qint64>(std::max(stepMs, 1), left)));
        if (timer.elapsed() >= timeoutMs) return condition(); // one last look at the deadline
    }
}

} // namespace kiq::test

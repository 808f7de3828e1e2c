#include "pages/overview/HistoryWorker.h"

#include "storage/SampleHistory.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>

namespace kiq::ui {

std::shared_ptr<HistoryWorker> HistoryWorker::shared()
{
    // GUI thread only, like the pages that ask for it.
    static std::weak_ptr<HistoryWorker> current;
    auto worker = current.lock();
    if (!worker) {
        worker = std::make_shared<HistoryWorker>();
        current = worker;
    }
    return worker;
}

HistoryWorker::HistoryWorker(const QString& file)
    : m_receiver(new QObject)
{
    m_thread.setObjectName(QStringLiteral("kiq-history"));
    m_receiver->moveToThread(&m_thread);
    m_thread.start(QThread::LowPriority);
    post([this, file] { m_history = std::make_unique<kiq::storage::SampleHistory>(file); });
}

HistoryWorker::~HistoryWorker()
{
    // Queued after every append: they are all written before the connection closes. The receiver
    // is deleted by the thread as it finishes (deferred deletes run after its event loop ends).
    post([this] {
        m_history.reset();
        m_receiver->deleteLater();
    });
    m_thread.quit();
    m_thread.wait();
}

void HistoryWorker::post(std::function<void()> work)
{
    QMetaObject::invokeMethod(m_receiver, std::move(work), Qt::QueuedConnection);
}

void HistoryWorker::append(const QString& deployment, const kiq::health::OverviewSample& sample)
{
    post([this, deployment, sample] {
        if (m_history) m_history->append(deployment, sample);
    });
}

void HistoryWorker::load(const QString& deployment, double sinceEpochSeconds, QObject* context,
    std::function<void(std::vector<kiq::health::OverviewSample>)> done)
{
    QPointer<QObject> guard(context);
    post([this, deployment, sinceEpochSeconds, guard, done = std::move(done)] {
        auto samples
            = m_history ? m_history->load(deployment, sinceEpochSeconds) : std::vector<kiq::health::OverviewSample> {};
        // Posted to the application object and checked there, on the GUI thread where pages die: a
        // check here followed by a post to the page would race with its deletion.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, done, samples = std::move(samples)]() mutable {
                if (guard) done(std::move(samples));
            },
            Qt::QueuedConnection);
    });
}

} // namespace kiq::ui

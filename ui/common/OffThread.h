#pragma once
// Blocking work that is not a Redis call (files, certificate reads, the connection doctor, zlib,
// queries over a local index) runs on a thread pool, and its result comes back on the GUI thread
// to the QObject that asked, unless that object is gone by then or the program is ending. Redis
// calls go through AsyncClient instead.
//
//     runOffThread(this, [path] { return readFile(path); },
//         [](Page* self, FileRead read) { self->show(read); });

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>
#include <type_traits>
#include <utility>

namespace kiq::ui {

template <class Receiver, class Work, class Done>
void runOffThread(Receiver* receiver, Work work, Done done, QThreadPool* pool = QThreadPool::globalInstance())
{
    using Result = std::invoke_result_t<Work&>;
    QPointer<Receiver> self(receiver);
    pool->start([self, work = std::move(work), done = std::move(done)]() mutable {
        auto result = std::make_shared<Result>(work());
        QCoreApplication* app = QCoreApplication::instance();
        if (!app) return; // the program is ending
        QMetaObject::invokeMethod(
            app,
            [self, result, done]() mutable {
                if (self) done(self.data(), std::move(*result));
            },
            Qt::QueuedConnection);
    });
}

} // namespace kiq::ui

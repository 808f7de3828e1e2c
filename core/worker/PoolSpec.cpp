#include "worker/PoolSpec.h"

#include "worker/ExternalCommand.h"

namespace kiq::worker {

PoolSetup PoolSpec::build() const
{
    using Field = PoolSpecError::Field;
    PoolSetup setup;
    WorkerOptions& o = setup.options;
    try {
        o.queues = QueueList::parse(queues);
    } catch (const ConfigError& e) {
        throw PoolSpecError(Field::Queues, e.what());
    }
    if (o.queues.empty()) throw PoolSpecError(Field::Queues, "at least one queue is needed");
    if (concurrency < 1) throw PoolSpecError(Field::Concurrency, "must be at least 1");
    if (shutdownTimeout.count() < 0) throw PoolSpecError(Field::ShutdownTimeout, "must not be negative");
    o.concurrency = concurrency;
    o.shutdownTimeout = shutdownTimeout;
    o.tag = tag;
    o.crashSafe = !basicFetch;
    o.failUnknownClasses = failUnknownClasses;
    o.logLevel = logLevel;
    o.redaction = redaction;
    o.replayJournal = replayJournal;
    // The Launcher adds the built-ins itself when this is set.
    o.builtinHandlers = builtins;
    if (!handlerFile.empty()) {
        try {
            setup.handlers.addExternal(loadHandlerConfigFile(handlerFile));
        } catch (const std::exception& e) {
            throw PoolSpecError(Field::HandlerFile, e.what());
        }
    }
    return setup;
}

} // namespace kiq::worker

#pragma once
// Dropping an AsyncClient joins its worker thread, which waits for the running item: against an
// unreachable server that is a connect attempt of up to connectTimeout × reconnectAttempts. The GUI
// must not freeze for that when the user disconnects or edits a deployment, so retired clients are
// destroyed on a background thread instead. Their queued work is cancelled first, and a result of the
// running item is dropped with its context (see AsyncClient::run).

#include <memory>

namespace kiq::redis {
class AsyncClient;
}

namespace kiq::ui {

void retireClient(std::unique_ptr<kiq::redis::AsyncClient> client);

} // namespace kiq::ui

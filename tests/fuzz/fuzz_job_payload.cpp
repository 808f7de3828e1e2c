// The job payload path: parse any bytes as a job (never throws), edit it, and the edited payload must
// still parse with the same JID and class when the original parsed cleanly.
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobRecord.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string raw(reinterpret_cast<const char*>(data), size);
    const auto job = kiq::sidekiq::JobRecord::parse(raw);
    if (job.raw != raw) std::abort(); // the raw bytes are always kept exactly
    (void)job.decodeBacktrace();
    kiq::sidekiq::PayloadEditor editor(raw);
    if (!editor.ok()) return 0;
    editor.setString("error_message", "fuzz \xe2\x9c\x93 \"quoted\"");
    editor.setSeconds("enqueued_at", 1700000000.5);
    editor.decrementRetryCount();
    const auto edited = kiq::sidekiq::JobRecord::parse(editor.result());
    if (job.ok() && (edited.jid != job.jid || edited.className != job.className)) std::abort();
    return 0;
}

#pragma once
// "Undo: put the 12 jobs back", right after a write that removed jobs (a delete, a kill, a queue
// clear): a button for a page's status row, holding the undo journal record the write filled. The
// page's write notes that record on the client's thread (recordingUndo), offers it when the write is
// done, and on a click restores it through DeploymentPage::restoreRemoved. The Undo history page has
// every other record.

#include "write/UndoJournal.h"

#include <QToolButton>

#include <cstdint>
#include <optional>
#include <string>

namespace kiq::ui {

// What a write that may remove jobs hands back to the GUI thread: its own result, the undo journal
// record it filled (none when it removed nothing) and the journal's size-cap warning, if any.
template <typename T> struct Undoable {
    T result {};
    std::optional<std::int64_t> record;
    std::string journalWarning;
};

// Runs `write` (on the client's thread, like every write) and notes which journal record it filled.
template <typename T, typename Write> Undoable<T> recordingUndo(kiq::write::UndoJournal& journal, Write&& write)
{
    Undoable<T> out;
    journal.takeLastAction(); // an earlier write's record on this thread is not this one's
    out.result = write();
    out.record = journal.takeLastAction();
    out.journalWarning = journal.takeWarning();
    return out;
}

class UndoOffer final : public QToolButton {
    Q_OBJECT
public:
    explicit UndoOffer(QWidget* parent);

    // Shows the offer for `record`, which removed `removed` jobs.
    void offer(std::int64_t record, long long removed);
    // Hides it: the notice it belonged to is gone.
    void withdraw();
    std::optional<std::int64_t> record() const { return m_record; }
    // Why undoing is not allowed now (read-only, not connected), or empty.
    void setRefusal(const QString& why);

private:
    std::optional<std::int64_t> m_record;
};

} // namespace kiq::ui

#pragma once
// The selected job in full: class, JID, queue, timestamps (local time and "3 min ago"), arguments,
// error and decoded backtrace, and the payload as indented JSON. Copy buttons for the JID and the
// payload (what a bug report or `kiqdesk-cli` needs). A backtrace not decoded yet is decoded on a pool
// thread and shown when done ("Decoding…" meanwhile): it can be megabytes of zlib.
//
// Arguments, the error message, the backtrace, the payload and its copy are shown through the
// deployment's redaction rules. "Reveal" shows this one job as it is, until another job is selected;
// the page records each reveal in the audit trail (revealRequested).

#include "common/LatestOnly.h"
#include "pages/jobs/JobRow.h"
#include "redaction/Redaction.h"
#include "sidekiq/model/BacktraceCodec.h"
#include "sidekiq/model/JobRecord.h"

#include <QString>
#include <QWidget>

#include <memory>
#include <optional>
#include <string>

class QPushButton;
class QTextBrowser;

namespace kiq::ui {

class JobInspector final : public QWidget {
    Q_OBJECT
public:
    explicit JobInspector(QWidget* parent = nullptr);
    void showJob(const JobRow* row); // nullptr: nothing selected
    void showMissing(); // the selected job has left the set since it was listed
    QString text() const; // plain text shown, for tests
    QString copiedPayload() const; // what "Copy payload" puts on the clipboard

    void setRedactor(std::shared_ptr<const kiq::redaction::Redactor> redactor);
    // Shows the current job unredacted (after the page recorded the reveal).
    void reveal();

signals:
    void revealRequested(const QString& jid);

private:
    void present(); // the current job, as the rules and a reveal say
    bool redacting() const;
    QString backtraceHtml(const kiq::sidekiq::BacktraceCodec::Decoded& decoded) const;
    void render(const QString& backtraceHtml);

    QTextBrowser* m_view;
    QPushButton* m_copyJid;
    QPushButton* m_copyPayload;
    QPushButton* m_reveal;
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor = std::make_shared<const kiq::redaction::Redactor>();
    std::optional<JobRow> m_row; // the job shown, as read
    bool m_revealed = false;
    std::string m_jid;
    std::string m_payload; // as shown: redacted unless revealed
    QString m_head, m_tail; // the job's HTML before and after the backtrace
    LatestOnly m_shown; // per job shown: a late decode of another job is dropped
};

} // namespace kiq::ui

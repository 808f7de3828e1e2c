#pragma once
// The selected job in full: class, JID, queue, timestamps (local time and "3 min ago"), arguments,
// error and decoded backtrace, and the payload as indented JSON. Copy buttons for the JID and the
// exact payload (what a bug report or `kiqdesk-cli` needs). A backtrace not decoded yet is decoded on
// a pool thread and shown when done ("Decoding…" meanwhile): it can be megabytes of zlib.

#include "common/LatestOnly.h"
#include "sidekiq/model/BacktraceCodec.h"

#include <QString>
#include <QWidget>

#include <string>

class QPushButton;
class QTextBrowser;

namespace kiq::ui {

struct JobRow;

class JobInspector final : public QWidget {
    Q_OBJECT
public:
    explicit JobInspector(QWidget* parent = nullptr);
    void showJob(const JobRow* row); // nullptr: nothing selected
    void showMissing(); // the selected job has left the set since it was listed
    QString text() const; // plain text shown, for tests

private:
    QString backtraceHtml(const kiq::sidekiq::BacktraceCodec::Decoded& decoded) const;
    void render(const QString& backtraceHtml);

    QTextBrowser* m_view;
    QPushButton* m_copyJid;
    QPushButton* m_copyPayload;
    std::string m_jid;
    std::string m_payload;
    QString m_head, m_tail; // the job's HTML before and after the backtrace
    LatestOnly m_shown; // per job shown: a late decode of another job is dropped
};

} // namespace kiq::ui

#pragma once
// "Replay in…" (issue 23): failed jobs of one deployment copied into a development or staging one, to run
// them there (core/sidekiq/actions/Replay.h). The jobs are read on the source first (it is only read, a
// production one too); the dialog then shows exactly what the first copy will be, redacted by the source's
// rules, lets the arguments be edited (checked as they are typed, shown as a diff against the original's)
// and asks for the count above kReplayConfirmAbove jobs. Replay writes through the target's gate on the
// target's client; the dialog closes with the outcome, or stays with the refusal or error.
//
// Offered targets: the other deployments tagged development or staging that are connected (the local
// sandbox is one). Nothing here blocks the GUI thread: the read and the write run on the clients' threads.

#include "redaction/Redaction.h"
#include "redis/AsyncClient.h"
#include "sidekiq/actions/Replay.h"

#include <QDialog>
#include <QList>
#include <QPointer>

#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTextEdit;

namespace kiq::ui {
class StatusLine;
}

namespace kiq::ui {

class Deployment;

class ReplayDialog final : public QDialog {
    Q_OBJECT
public:
    // `deployments`: the sidebar's, from which the targets are offered.
    ReplayDialog(Deployment* source, const QList<Deployment*>& deployments, kiq::sidekiq::JobSetKind kind,
        std::vector<kiq::sidekiq::IndexedJobKey> keys, QWidget* parent = nullptr);

    bool isLoaded() const { return m_jobs.has_value(); } // the source's jobs were read

signals:
    void replayed(const QString& notice); // the copies were written; the dialog then closes

private:
    void sourceRead(kiq::redis::Result<kiq::sidekiq::ReplaySourceJobs> result);
    void update(); // preview, diff, checks and the Replay button, after any change
    void replay();
    Deployment* target() const;
    std::optional<std::string> editedArgs() const; // nullopt while the arguments are the original's
    void setStatus(const QString& text, bool problem);

    QList<QPointer<Deployment>> m_targets;
    kiq::sidekiq::ReplaySource m_origin;
    std::shared_ptr<const kiq::redaction::Redactor> m_redactor;
    std::optional<kiq::sidekiq::ReplaySourceJobs> m_jobs;
    QString m_originalArgs; // the first job's, as redacted
    bool m_running = false;

    QComboBox* m_target;
    QLineEdit* m_queue;
    QPlainTextEdit* m_args;
    QLabel* m_argsNote;
    QTextEdit* m_diff;
    QPlainTextEdit* m_preview;
    QLabel* m_previewNote;
    QLabel* m_countLabel;
    QLineEdit* m_count;
    StatusLine* m_status;
    QPushButton* m_replay;
};

} // namespace kiq::ui

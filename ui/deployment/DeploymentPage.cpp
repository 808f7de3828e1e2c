#include "deployment/DeploymentPage.h"

#include "common/Formatting.h"
#include "common/OffThread.h"
#include "deployment/Deployment.h"
#include "redis/Errors.h"
#include "util/SaveFile.h"
#include "write/UndoJournal.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMenu>
#include <QMessageBox>
#include <QToolButton>

namespace kiq::ui {

namespace {
// Watches one widget's key presses for shortcuts of its disabled actions.
class RefusedShortcutFilter final : public QObject {
public:
    RefusedShortcutFilter(QWidget* target, std::function<QString()> refusal, std::function<void(const QString&)> show)
        : QObject(target)
        , m_target(target)
        , m_refusal(std::move(refusal))
        , m_show(std::move(show))
    {
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched != m_target || event->type() != QEvent::KeyPress) return false;
        const QKeySequence pressed(static_cast<QKeyEvent*>(event)->keyCombination());
        for (QAction* action : m_target->actions()) {
            if (action->isEnabled() || !action->shortcuts().contains(pressed)) continue;
            const QString why = m_refusal();
            if (why.isEmpty()) return false; // disabled for another reason (nothing selected): stay quiet
            m_show(why);
            return true;
        }
        return false;
    }

private:
    QWidget* m_target;
    std::function<QString()> m_refusal;
    std::function<void(const QString&)> m_show;
};
} // namespace

QString DeploymentPage::explainError(const std::string& message) const
{
    const std::string needed = kiq::redis::missingPermission(message);
    if (needed.empty()) return QString::fromStdString(message);
    const std::string& user = m_profile.options.user;
    return tr("Not permitted for user %1: needs %2")
        .arg(user.empty() ? QStringLiteral("default") : QString::fromStdString(user), QString::fromStdString(needed));
}

void DeploymentPage::explainRefusedShortcuts(QWidget* target, std::function<void(const QString&)> show)
{
    target->installEventFilter(new RefusedShortcutFilter(
        target, [this] { return writeRefusal(); }, std::move(show)));
}

void DeploymentPage::restoreRemoved(std::int64_t record, std::function<void(const QString&, bool)> report)
{
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        report(why.toHtmlEscaped(), true);
        return;
    }
    runFresh<kiq::write::RestoreResult>(
        [gate = writeGate(), journal = Deployment::undoJournal(), record](
            kiq::redis::Client& c) { return kiq::write::restoreAction(c, *gate, *journal, record); },
        [report = std::move(report)](kiq::redis::Result<kiq::write::RestoreResult> r) {
            if (!r.ok())
                report(
                    tr("<b>Undo failed:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
            else
                report(tr("Put back %1 job(s), %2 already there", nullptr, pluralCount(r.value->restored))
                           .arg(formatCount(r.value->restored), formatCount(r.value->skipped)),
                    false);
        });
}

void DeploymentPage::exportJobFile(const QString& path, bool unredacted, const QString& from, JobReader read,
    std::function<void(const QString&, bool)> report)
{
    struct Written {
        kiq::sidekiq::ExportedJobs jobs;
        QString error; // writing the file
    };
    const auto redactor = unredacted ? std::shared_ptr<const kiq::redaction::Redactor>() : m_redactor;
    runFresh<Written>(
        [path, read = std::move(read), redactor, gate = writeGate(), from, unredacted](kiq::redis::Client& c) {
            Written w {read(c, redactor.get()), {}};
            if (unredacted && gate)
                gate->record(
                    {"export-unredacted", from.toStdString(), w.jobs.count, "to a job file", w.jobs.sampleJids});
            w.error = kiq::util::saveFile(path, QByteArray::fromStdString(w.jobs.text));
            return w;
        },
        [path, unredacted, report = std::move(report)](kiq::redis::Result<Written> r) {
            if (!r.ok())
                return report(
                    tr("<b>Export failed:</b> %1").arg(QString::fromStdString(r.error->message).toHtmlEscaped()), true);
            if (!r.value->error.isEmpty())
                return report(
                    tr("<b>Could not write %1:</b> %2").arg(path.toHtmlEscaped(), r.value->error.toHtmlEscaped()),
                    true);
            QString text = tr("Exported %1 job(s) to %2", nullptr, pluralCount(r.value->jobs.count))
                               .arg(formatCount(r.value->jobs.count), path.toHtmlEscaped());
            if (r.value->jobs.gone > 0) text += tr(" · %1 no longer there").arg(formatCount(r.value->jobs.gone));
            text += unredacted ? tr(" · arguments as they are (recorded in the audit trail)")
                               : tr(" · redacted: for reading, not for import");
            report(text, false);
        });
}

void DeploymentPage::importJobFile(const QString& path, const kiq::sidekiq::TransferTarget& target,
    const QString& targetTitle, bool confirmed, std::function<void(const QString&, bool)> report)
{
    if (const QString why = refusedWrite(); !why.isEmpty()) {
        report(why.toHtmlEscaped(), true);
        return;
    }
    struct FileRead {
        kiq::sidekiq::TransferRead read;
        QString error;
    };
    runOffThread(
        this,
        [path] {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) return FileRead {{}, file.errorString()};
            return FileRead {kiq::sidekiq::readTransfer(file.readAll().toStdString()), {}};
        },
        [path, target, targetTitle, confirmed, report = std::move(report)](DeploymentPage* self, FileRead file) {
            const auto& read = file.read;
            if (!file.error.isEmpty())
                return report(
                    tr("<b>Could not read %1:</b> %2").arg(path.toHtmlEscaped(), file.error.toHtmlEscaped()), true);
            if (read.redactedLines > 0)
                return report(tr("%1 is a redacted export: its arguments are masked, so its jobs cannot be imported. "
                                 "Export them again with the arguments as they are.")
                                  .arg(path)
                                  .toHtmlEscaped(),
                    true);
            if (read.jobs.empty())
                return report(
                    tr("No jobs in %1%2")
                        .arg(path,
                            read.errors.empty() ? QString()
                                                : QStringLiteral(": ") + QString::fromStdString(read.errors.front()))
                        .toHtmlEscaped(),
                    true);
            const long long n = static_cast<long long>(read.jobs.size());
            QString question = tr("Import %1 job(s) from %2 into %3?", nullptr, pluralCount(n))
                                   .arg(formatCount(n), path, targetTitle);
            if (!read.errors.empty())
                question += QLatin1Char('\n')
                    + tr("Lines that could not be read, left out: %1; the first: %2")
                          .arg(formatCount(qsizetype(read.errors.size())), QString::fromStdString(read.errors.front()));
            if (!confirmed
                && QMessageBox::question(self, tr("Import jobs"), question, QMessageBox::Yes | QMessageBox::Cancel)
                    != QMessageBox::Yes)
                return;
            self->runFresh<kiq::sidekiq::ActionResult>(
                [gate = self->writeGate(), target, jobs = read.jobs](
                    kiq::redis::Client& c) { return kiq::sidekiq::importJobs(c, *gate, target, jobs); },
                [report, left = qsizetype(read.errors.size())](kiq::redis::Result<kiq::sidekiq::ActionResult> r) {
                    if (!r.ok())
                        return report(tr("<b>Import failed:</b> %1")
                                          .arg(QString::fromStdString(r.error->message).toHtmlEscaped()),
                            true);
                    report(tr("Imported %1 job(s), %2 already there, %3 not jobs, %4 unreadable lines", nullptr,
                               pluralCount(r.value->affected))
                               .arg(formatCount(r.value->affected), formatCount(r.value->missing),
                                   formatCount(qsizetype(r.value->skipped.size())), formatCount(left)),
                        false);
                });
        });
}

QToolButton* DeploymentPage::jobFileButton(const QString& fileStem, std::function<void(const QString&, bool)> exportTo,
    std::function<void(const QString&)> importFrom)
{
    auto* button = new QToolButton(this);
    button->setObjectName(QStringLiteral("jobFileButton"));
    button->setText(tr("Job file"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    const auto askExport = [this, fileStem, exportTo](bool unredacted) {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export jobs"),
            QDir::home().filePath(fileStem + QStringLiteral(".jsonl")), tr("Job files (*.jsonl);;All files (*)"));
        if (!path.isEmpty()) exportTo(path, unredacted);
    };
    menu->addAction(tr("Export selected…"), this, [askExport] { askExport(false); });
    menu->addAction(tr("Export selected with arguments as they are…"), this, [askExport] { askExport(true); })
        ->setToolTip(tr("Byte-exact, for import elsewhere; recorded in the audit trail"));
    menu->addSeparator();
    menu->addAction(tr("Import jobs…"), this, [this, importFrom] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Import jobs"), QDir::homePath(), tr("Job files (*.jsonl);;All files (*)"));
        if (!path.isEmpty()) importFrom(path);
    });
    menu->setToolTipsVisible(true);
    button->setMenu(menu);
    return button;
}

QString DeploymentPage::copyAsCommand(const kiq::write::CliAction& action) const
{
    const auto arming = m_writeGate ? m_writeGate->arming() : std::nullopt;
    const auto target = kiq::write::CliTarget::of(m_profile, m_profileSaved, arming ? arming->reason : std::string());
    const QString line = QString::fromStdString(kiq::write::cliInvocation(target, action).line);
    QGuiApplication::clipboard()->setText(line);
    if (action.writes && target.readOnly && !target.profileName.empty() && !arming)
        return tr("Copied the command; replace the --arm placeholder with the reason before running it.");
    return tr("Copied the command: %1").arg(line.left(200));
}

} // namespace kiq::ui

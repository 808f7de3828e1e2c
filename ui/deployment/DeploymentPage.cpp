#include "deployment/DeploymentPage.h"

#include "common/Formatting.h"
#include "deployment/Deployment.h"
#include "redis/Errors.h"
#include "write/UndoJournal.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QKeyEvent>

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

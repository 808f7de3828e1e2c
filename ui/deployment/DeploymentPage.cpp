#include "deployment/DeploymentPage.h"

#include <QAction>
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

void DeploymentPage::explainRefusedShortcuts(QWidget* target, std::function<void(const QString&)> show)
{
    target->installEventFilter(new RefusedShortcutFilter(
        target, [this] { return writeRefusal(); }, std::move(show)));
}

} // namespace kiq::ui

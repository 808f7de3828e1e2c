#include "pages/jobs/JobActionLabel.h"

#include <QCoreApplication>

namespace kiq::ui {

QString actionLabel(kiq::sidekiq::JobAction action)
{
    using kiq::sidekiq::JobAction;
    switch (action) {
    case JobAction::Retry:
        return QCoreApplication::translate("kiq::ui::JobActionLabel", "Retry");
    case JobAction::Enqueue:
        return QCoreApplication::translate("kiq::ui::JobActionLabel", "Enqueue now");
    case JobAction::Move:
        return QCoreApplication::translate("kiq::ui::JobActionLabel", "Move");
    case JobAction::Kill:
        return QCoreApplication::translate("kiq::ui::JobActionLabel", "Kill");
    case JobAction::Delete:
        return QCoreApplication::translate("kiq::ui::JobActionLabel", "Delete");
    }
    return {};
}

} // namespace kiq::ui

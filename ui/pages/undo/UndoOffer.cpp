#include "pages/undo/UndoOffer.h"

#include "common/Formatting.h"

namespace kiq::ui {

UndoOffer::UndoOffer(QWidget* parent)
    : QToolButton(parent)
{
    setObjectName(QStringLiteral("undoLastButton"));
    setText(tr("Undo"));
    setAutoRaise(true);
    hide();
}

void UndoOffer::offer(std::int64_t record, long long removed)
{
    m_record = record;
    setText(tr("Undo: put the %1 job(s) back", nullptr, pluralCount(removed)).arg(formatCount(removed)));
    show();
}

void UndoOffer::withdraw()
{
    hide();
    m_record.reset();
}

void UndoOffer::setRefusal(const QString& why)
{
    setEnabled(why.isEmpty());
    setToolTip(why.isEmpty() ? tr("Put the jobs back where they were (Undo history has every action)") : why);
}

} // namespace kiq::ui

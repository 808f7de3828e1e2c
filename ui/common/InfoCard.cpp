#include "common/InfoCard.h"

#include "common/ElidedLabel.h"

#include <QVBoxLayout>

namespace kiq::ui {

InfoCard::InfoCard(const QString& caption, const QString& name, QWidget* parent)
    : QFrame(parent)
    , m_caption(new ElidedLabel(this))
    , m_value(new ElidedLabel(this))
    , m_detail(new ElidedLabel(this))
{
    m_caption->setFullText(caption);
    setObjectName(name + QStringLiteral("Card"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    m_value->setObjectName(name + QStringLiteral("Value"));
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);

    QFont captionFont = m_caption->font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.9);
    m_caption->setFont(captionFont);
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.6);
    valueFont.setBold(true);
    m_value->setFont(valueFont);
    m_value->setMinimumHeight(QFontMetrics(valueFont).height()); // keeps the card's height while empty
    m_detail->setFont(captionFont);
    m_detail->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(2);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    clear();
}

void InfoCard::setValue(const QString& value, const QString& detail)
{
    m_value->setFullText(value);
    m_detail->setFullText(detail);
}

void InfoCard::clear()
{
    m_value->setFullText({});
    m_detail->setFullText({});
}

QString InfoCard::value() const
{
    return m_value->fullText();
}

} // namespace kiq::ui

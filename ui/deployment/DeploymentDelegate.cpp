#include "deployment/DeploymentDelegate.h"

#include "common/Colors.h"
#include "deployment/Deployment.h"
#include "deployment/DeploymentListModel.h"
#include "deployment/EnvironmentTag.h"

#include <QApplication>
#include <QPainter>

namespace kiq::ui {

namespace {
constexpr int kMargin = 8;
constexpr int kDot = 10;

QFont smallerFont(const QFont& base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    return f;
}
} // namespace

void DeploymentDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear(); // the style draws selection and focus; we draw the content
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = option.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    const QColor textColor = option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    QColor mutedColor = textColor;
    mutedColor.setAlphaF(0.65f);

    const QRect r = option.rect.adjusted(kMargin, kMargin / 2, -kMargin, -kMargin / 2);
    const QFont nameFont = [&] {
        QFont f = option.font;
        f.setBold(true);
        return f;
    }();
    const QFont smallFont = smallerFont(option.font);
    const QFontMetrics nameMetrics(nameFont), smallMetrics(smallFont);
    const int lineTop = r.top() + (r.height() - nameMetrics.height() - smallMetrics.height()) / 2;

    // Status dot; a hollow ring while not connected, so "off" is not read as "down".
    const auto status = static_cast<Deployment::Status>(index.data(DeploymentListModel::StatusRole).toInt());
    const QRect dot(r.left(), lineTop + (nameMetrics.height() - kDot) / 2, kDot, kDot);
    const QColor dotColor = statusColor(status);
    if (status == Deployment::Status::Disconnected) {
        painter->setPen(QPen(dotColor, 2));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(dot.adjusted(1, 1, -1, -1));
    } else {
        painter->setPen(Qt::NoPen);
        painter->setBrush(dotColor);
        painter->drawEllipse(dot);
    }

    // Environment chip on the right of the first line.
    const QString tag = index.data(DeploymentListModel::EnvironmentRole).toString();
    const QColor chipColor = index.data(DeploymentListModel::TagColorRole).value<QColor>();
    const int chipWidth = smallMetrics.horizontalAdvance(tag) + 12;
    const QRect chip(r.right() - chipWidth, lineTop + (nameMetrics.height() - smallMetrics.height() - 2) / 2, chipWidth,
        smallMetrics.height() + 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(chipColor);
    painter->drawRoundedRect(chip, 4, 4);
    painter->setFont(smallFont);
    painter->setPen(chipColor.lightnessF() > 0.6 ? Qt::black : Qt::white);
    painter->drawText(chip, Qt::AlignCenter, tag);

    const int textLeft = dot.right() + kMargin;
    const QRect nameRect(textLeft, lineTop, chip.left() - kMargin - textLeft, nameMetrics.height());
    painter->setFont(nameFont);
    painter->setPen(textColor);
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
        nameMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, nameRect.width()));

    const QRect detailRect(textLeft, nameRect.bottom() + 1, r.right() - textLeft, smallMetrics.height());
    // A certificate about to expire outranks the address: it is what will take the deployment down.
    const QString certificate = index.data(DeploymentListModel::CertificateWarningRole).toString();
    const bool warn = status == Deployment::Status::Reachable && !certificate.isEmpty();
    const QString detail = warn                   ? QStringLiteral("⚠ ") + certificate
        : status == Deployment::Status::Reachable ? index.data(DeploymentListModel::DescriptionRole).toString()
                                                  : index.data(DeploymentListModel::StatusTextRole).toString();
    painter->setFont(smallFont);
    painter->setPen(warn && !selected ? warningColor(option.palette) : mutedColor);
    painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
        smallMetrics.elidedText(detail, Qt::ElideRight, detailRect.width()));
    painter->restore();
}

QSize DeploymentDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    // Wide enough for the dot, the whole chip and the start of the name (the rest elides); no wider, so
    // a narrow sidebar never scrolls sideways.
    const QFontMetrics small(smallerFont(option.font));
    const int chipWidth = small.horizontalAdvance(index.data(DeploymentListModel::EnvironmentRole).toString()) + 12;
    const int nameWidth = option.fontMetrics.horizontalAdvance(QStringLiteral("Abc…"));
    return {kMargin + kDot + kMargin + nameWidth + kMargin + chipWidth + kMargin,
        option.fontMetrics.height() + small.height() + 2 * kMargin};
}

} // namespace kiq::ui

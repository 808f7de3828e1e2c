#pragma once
// Paints a sidebar row: status dot, name, the connection in small muted text, and the environment
// tag as a coloured chip, so a production deployment stands out at a glance.

#include <QStyledItemDelegate>

namespace kiq::ui {

class DeploymentDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace kiq::ui

#pragma once
// The read-only, sortable table the pages show snapshots in: a sort proxy on the raw-value role
// (Qt::UserRole, as every model here keeps it), compact rows, columns sized to their contents.

#include <QString>

class QAbstractItemModel;
class QSortFilterProxyModel;
class QTableView;
class QWidget;

namespace kiq::ui {

// `proxy`: a model's own sort proxy (one that compares rows without building QVariants, for tables of
// thousands); a plain QSortFilterProxyModel when null. The table's parent owns it either way.
QTableView* makeSortedTable(
    QAbstractItemModel* model, const QString& objectName, QWidget* parent, QSortFilterProxyModel* proxy = nullptr);

} // namespace kiq::ui

#pragma once
// The read-only, sortable table the pages show snapshots in: a sort proxy on the raw-value role
// (Qt::UserRole, as every model here keeps it), compact rows, columns sized to their contents.

#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace kiq::ui {

QTableView* makeSortedTable(QAbstractItemModel* model, const QString& objectName, QWidget* parent);

} // namespace kiq::ui

#include "main/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kiq::ui {

ShortcutsDialog::ShortcutsDialog(
    const QList<QAction*>& actions, const QList<QPair<QString, QString>>& extra, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    QList<QPair<QString, QString>> rows;
    for (const QAction* a : actions) {
        if (a->shortcut().isEmpty()) continue;
        QString text = a->text();
        text.remove(u'&');
        if (text.endsWith(QStringLiteral("…"))) text.chop(1);
        rows.append({a->shortcut().toString(QKeySequence::NativeText), text});
    }
    rows += extra;

    auto* table = new QTableWidget(int(rows.size()), 2, this);
    table->setObjectName(QStringLiteral("shortcuts"));
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    for (int i = 0; i < rows.size(); ++i) {
        auto* keys = new QTableWidgetItem(rows[i].first);
        QFont bold = keys->font();
        bold.setBold(true);
        keys->setFont(bold);
        table->setItem(i, 0, keys);
        table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(420, 360);
}

} // namespace kiq::ui

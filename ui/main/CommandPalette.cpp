#include "main/CommandPalette.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

namespace {
constexpr int kEntryRole = Qt::UserRole + 1;
}

CommandPalette::CommandPalette(std::vector<PaletteEntry> entries, QWidget* parent)
    : QDialog(parent)
    , m_entries(std::move(entries))
    , m_filter(new QLineEdit(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    setWindowTitle(tr("Command palette"));
    m_filter->setObjectName(QStringLiteral("paletteFilter"));
    m_filter->setPlaceholderText(tr("Type an action, a deployment or a page…"));
    m_filter->setClearButtonEnabled(true);
    m_list->setObjectName(QStringLiteral("paletteList"));
    m_list->setUniformItemSizes(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, this, &CommandPalette::refill);
    connect(m_filter, &QLineEdit::returnPressed, this, &CommandPalette::runCurrent);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::runCurrent);
    resize(560, 420);
    refill();
}

std::vector<int> CommandPalette::matching(const QString& text) const
{
    const QStringList words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    std::vector<int> out;
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const QString haystack = m_entries[std::size_t(i)].text + QLatin1Char(' ') + m_entries[std::size_t(i)].hint;
        if (std::all_of(words.begin(), words.end(),
                [&](const QString& w) { return haystack.contains(w, Qt::CaseInsensitive); }))
            out.push_back(i);
    }
    // Entries whose name starts with what was typed come first: "dead" finds the page before actions
    // that merely mention it.
    if (!words.isEmpty())
        std::stable_partition(out.begin(), out.end(), [&](int i) {
            return m_entries[std::size_t(i)]
                .text.section(QStringLiteral(": "), -1)
                .startsWith(words.front(), Qt::CaseInsensitive);
        });
    return out;
}

void CommandPalette::refill()
{
    m_list->clear();
    for (int i : matching(m_filter->text())) {
        const PaletteEntry& e = m_entries[std::size_t(i)];
        auto* item = new QListWidgetItem(e.hint.isEmpty() ? e.text : e.text + QStringLiteral("    ") + e.hint, m_list);
        item->setData(kEntryRole, i);
    }
    if (m_list->count() > 0) m_list->setCurrentRow(0);
}

void CommandPalette::runCurrent()
{
    const QListWidgetItem* item = m_list->currentItem();
    if (!item) return;
    const auto run = m_entries[std::size_t(item->data(kEntryRole).toInt())].run;
    accept(); // closed first: what runs may open a dialog of its own
    if (run) run();
}

void CommandPalette::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    activateWindow();
    m_filter->setFocus(Qt::ShortcutFocusReason); // typing starts at once
}

bool CommandPalette::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up || key == Qt::Key_PageDown || key == Qt::Key_PageUp) {
            QCoreApplication::sendEvent(m_list, event); // move the choice, keep typing in the filter
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace kiq::ui

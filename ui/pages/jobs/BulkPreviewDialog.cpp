#include "pages/jobs/BulkPreviewDialog.h"

#include "common/Formatting.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace kiq::ui {

namespace {
constexpr int kTopEntries = 10;

void addGroup(QTreeWidget* tree, const QString& title, const std::map<std::string, long long>& counts)
{
    auto* group = new QTreeWidgetItem(tree, {title, QString()});
    std::vector<std::pair<std::string, long long>> sorted(counts.begin(), counts.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (int i = 0; i < int(sorted.size()) && i < kTopEntries; ++i) {
        auto* item
            = new QTreeWidgetItem(group, {QString::fromStdString(sorted[i].first), formatCount(sorted[i].second)});
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
    if (int(sorted.size()) > kTopEntries)
        new QTreeWidgetItem(
            group, {BulkPreviewDialog::tr("… and %n more", nullptr, int(sorted.size()) - kTopEntries), QString()});
    group->setExpanded(true);
}
} // namespace

BulkPreviewDialog::BulkPreviewDialog(
    const kiq::sidekiq::BulkPreview& preview, const QString& actionText, const QString& scope, QWidget* parent)
    : QDialog(parent)
    , m_rate(new QSpinBox(this))
{
    setObjectName(QStringLiteral("bulkPreview"));
    setWindowTitle(tr("%1 all matching jobs").arg(actionText));
    auto* summary = new QLabel(
        tr("<b>%1</b> of %2 job(s) match and would be affected by <b>%3</b>.", nullptr, pluralCount(preview.scanned))
            .arg(formatCount(preview.matched), formatCount(preview.scanned), actionText.toHtmlEscaped()),
        this);
    summary->setWordWrap(true);
    auto* scopeText = new QLabel(scope, this);
    scopeText->setObjectName(QStringLiteral("bulkScope"));
    scopeText->setTextFormat(Qt::PlainText); // error messages and filters are the operator's text, not markup
    scopeText->setWordWrap(true);
    scopeText->setVisible(!scope.isEmpty());
    auto* tree = new QTreeWidget(this);
    tree->setColumnCount(2);
    tree->setHeaderLabels({tr("Group"), tr("Jobs")});
    tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    addGroup(tree, tr("By class"), preview.byClass);
    addGroup(tree, tr("By queue"), preview.byQueue);
    addGroup(tree, tr("By error"), preview.byError);

    m_rate->setObjectName(QStringLiteral("bulkRate"));
    m_rate->setRange(0, 100000);
    m_rate->setSingleStep(50);
    m_rate->setSpecialValueText(tr("no limit"));
    m_rate->setSuffix(tr(" jobs/s"));
    auto* options = new QFormLayout;
    options->addRow(tr("Rate limit:"), m_rate);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* go = buttons->addButton(tr("Continue…"), QDialogButtonBox::AcceptRole);
    go->setEnabled(preview.matched > 0);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(scopeText);
    layout->addWidget(tree, 1);
    layout->addLayout(options);
    layout->addWidget(buttons);
    resize(520, 420);
}

double BulkPreviewDialog::ratePerSecond() const
{
    return m_rate->value();
}

} // namespace kiq::ui

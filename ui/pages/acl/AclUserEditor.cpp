#include "pages/acl/AclUserEditor.h"

#include "common/StatusLine.h"

#include "acl/AclService.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <sstream>

namespace kiq::ui {

namespace {
// The categories an operator reasons in; anything finer goes into "extra rules".
const char* const kCategories[]
    = {"@read", "@write", "@keyspace", "@string", "@list", "@set", "@sortedset", "@hash", "@stream", "@pubsub",
        "@transaction", "@scripting", "@connection", "@blocking", "@slow", "@fast", "@admin", "@dangerous", "@all"};

QString lines(const std::vector<std::string>& items)
{
    QStringList out;
    for (const auto& i : items) out << QString::fromStdString(i);
    return out.join(QLatin1Char('\n'));
}
} // namespace

AclUserEditor::AclUserEditor(std::optional<kiq::acl::AclUser> current, QWidget* parent)
    : QDialog(parent)
    , m_current(std::move(current))
    , m_name(new QLineEdit(this))
    , m_enabled(new QCheckBox(tr("Enabled"), this))
    , m_password(new QLineEdit(this))
    , m_resetPasswords(new QCheckBox(tr("Remove the existing passwords"), this))
    , m_noPass(new QCheckBox(tr("No password (nopass): anyone can log in as this user"), this))
    , m_keys(new QPlainTextEdit(this))
    , m_channels(new QPlainTextEdit(this))
    , m_categories(new QListWidget(this))
    , m_extra(new QLineEdit(this))
    , m_preview(new QLabel(this))
    , m_diff(new QLabel(this))
    , m_error(new StatusLine(QStringLiteral("aclError"), this))
{
    setWindowTitle(
        m_current ? tr("Edit ACL user %1").arg(QString::fromStdString(m_current->name)) : tr("New ACL user"));
    m_name->setObjectName(QStringLiteral("aclName"));
    m_password->setObjectName(QStringLiteral("aclPassword"));
    m_extra->setObjectName(QStringLiteral("aclExtraRules"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("Leave empty to keep the current passwords"));
    m_keys->setPlaceholderText(tr("One pattern per line: ~queue:*  %R~stat:*  %W~tmp:*"));
    m_channels->setPlaceholderText(tr("One pattern per line: &events:*"));
    m_extra->setPlaceholderText(tr("e.g. -flushall +client|setname"));
    // Fixed heights, a stretch under the buttons: the preview, diff and error below change with every
    // edit (and grow the dialog), and nothing above them may move, or a click on a category that
    // lands during a relayout ticks the neighbour that moved under the pointer.
    m_keys->setFixedHeight(80);
    m_channels->setFixedHeight(60);
    for (const char* c : kCategories) {
        auto* item = new QListWidgetItem(QString::fromLatin1(c), m_categories);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_categories->setFixedHeight(140);
    for (QLabel* l : {m_preview, m_diff}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setStyleSheet(QStringLiteral("font-family: monospace;"));
    }

    m_enabled->setChecked(true);
    if (m_current) {
        m_name->setText(QString::fromStdString(m_current->name));
        m_name->setReadOnly(true);
        m_enabled->setChecked(m_current->enabled());
        m_noPass->setChecked(m_current->noPass());
        m_keys->setPlainText(lines(m_current->keys));
        m_channels->setPlainText(lines(m_current->channels));
        // Categories the user has are ticked; every other command rule goes to "extra".
        std::istringstream in(m_current->commands);
        QStringList extra;
        for (std::string w; in >> w;) {
            bool matched = false;
            if (w.size() > 1 && w[0] == '+') {
                const auto found = m_categories->findItems(QString::fromStdString(w.substr(1)), Qt::MatchExactly);
                if (!found.isEmpty()) {
                    found.front()->setCheckState(Qt::Checked);
                    matched = true;
                }
            }
            if (!matched && w != "-@all") extra << QString::fromStdString(w);
        }
        m_extra->setText(extra.join(QLatin1Char(' ')));
    }

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(QString(), m_enabled);
    form->addRow(tr("New password"), m_password);
    form->addRow(QString(), m_resetPasswords);
    form->addRow(QString(), m_noPass);
    form->addRow(tr("Key patterns"), m_keys);
    form->addRow(tr("Channels"), m_channels);
    form->addRow(tr("Command categories"), m_categories);
    form->addRow(tr("Extra command rules"), m_extra);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* apply = buttons->addButton(tr("Apply to every node"), QDialogButtonBox::AcceptRole);
    m_copyButton = buttons->addButton(tr("Copy as command"), QDialogButtonBox::ActionRole);
    m_copyButton->setObjectName(QStringLiteral("aclCopyRulesButton"));
    m_copyButton->hide(); // until setCopyCommand
    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        const auto r = rules();
        if (!r || !m_copy) return;
        // Hashed: a clear-text password never goes into a command line.
        m_error->showInfo(m_copy(kiq::write::aclSet(userName().toStdString(), r->hashedPasswords().tokens())));
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Will run:"), this));
    layout->addWidget(m_preview);
    layout->addWidget(m_diff);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    layout->addStretch(1);

    for (QLineEdit* e : {m_name, m_password, m_extra})
        connect(e, &QLineEdit::textChanged, this, &AclUserEditor::updatePreview);
    for (QPlainTextEdit* e : {m_keys, m_channels})
        connect(e, &QPlainTextEdit::textChanged, this, &AclUserEditor::updatePreview);
    for (QCheckBox* c : {m_enabled, m_resetPasswords, m_noPass})
        connect(c, &QCheckBox::toggled, this, &AclUserEditor::updatePreview);
    connect(m_categories, &QListWidget::itemChanged, this, &AclUserEditor::updatePreview);
    m_applyButton = apply;
    updatePreview();
}

QString AclUserEditor::userName() const
{
    return m_name->text().trimmed();
}

QString AclUserEditor::composedRules() const
{
    // The editor states the whole definition, so an edit replaces keys, channels and commands.
    QStringList parts;
    parts << (m_enabled->isChecked() ? QStringLiteral("on") : QStringLiteral("off"));
    if (m_resetPasswords->isChecked()) parts << QStringLiteral("resetpass");
    if (m_noPass->isChecked()) parts << QStringLiteral("nopass");
    parts << QStringLiteral("resetkeys");
    for (const QString& k : m_keys->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) parts << k.trimmed();
    parts << QStringLiteral("resetchannels");
    for (const QString& c : m_channels->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        parts << c.trimmed();
    parts << QStringLiteral("-@all");
    for (int i = 0; i < m_categories->count(); ++i)
        if (m_categories->item(i)->checkState() == Qt::Checked)
            parts << QLatin1Char('+') + m_categories->item(i)->text();
    if (!m_extra->text().trimmed().isEmpty()) parts << m_extra->text().trimmed();
    return parts.join(QLatin1Char(' '));
}

kiq::acl::AclRules AclUserEditor::parsedRules() const
{
    kiq::acl::AclRules rules = kiq::acl::AclRules::parse(composedRules().toStdString());
    // Never through the rule text: a password may hold spaces ("pw allkeys" would grant ~*), and a
    // parse error would print it. It stays one token, whatever it contains.
    if (!m_password->text().isEmpty()) rules.addPasswords.push_back(m_password->text().toStdString());
    return rules;
}

std::optional<kiq::acl::AclRules> AclUserEditor::rules() const
{
    try {
        return parsedRules();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void AclUserEditor::setCopyCommand(std::function<QString(const kiq::write::CliAction&)> copy)
{
    m_copy = std::move(copy);
    m_copyButton->setVisible(bool(m_copy));
}

void AclUserEditor::updatePreview()
{
    QString error;
    if (userName().isEmpty() || userName().contains(QLatin1Char(' '))) error = tr("The name must be one word.");
    kiq::acl::AclRules parsed;
    try {
        parsed = parsedRules();
    } catch (const std::exception& e) {
        error = QString::fromStdString(e.what());
    }
    if (!m_current && m_password->text().isEmpty() && !m_noPass->isChecked() && error.isEmpty())
        error = tr("A new user needs a password (or nopass, which is not recommended).");
    m_error->showProblemText(error);
    m_preview->setText(QString::fromStdString(kiq::acl::setUserLine(userName().toStdString(), parsed)));
    if (m_current) {
        // Compare like with like: the reset tokens are how the editor restates the whole definition,
        // and kept passwords are still there unless "remove the existing passwords" is ticked.
        std::vector<std::string> after;
        for (const auto& t : parsed.hashedPasswords().tokens())
            if (t != "resetkeys" && t != "resetchannels") after.push_back(t);
        const auto before = m_current->ruleTokens();
        if (!m_resetPasswords->isChecked() && m_current->passwordCount > 0)
            for (const auto& t : before)
                if (t.rfind("(", 0) == 0 && t.find("password") != std::string::npos) after.push_back(t);
        QStringList diff;
        for (const auto& d : kiq::acl::diffRules(before, after)) diff << QString::fromStdString(d);
        m_diff->setText(diff.isEmpty() ? tr("No change.") : tr("Changes:\n") + diff.join(QLatin1Char('\n')));
    }
    if (m_applyButton) m_applyButton->setEnabled(error.isEmpty());
    if (m_copyButton) m_copyButton->setEnabled(error.isEmpty());
}

} // namespace kiq::ui

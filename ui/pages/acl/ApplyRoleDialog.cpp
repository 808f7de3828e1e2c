#include "pages/acl/ApplyRoleDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace kiq::ui {

ApplyRoleDialog::ApplyRoleDialog(const QString& keyPrefix, QWidget* parent)
    : QDialog(parent)
    , m_prefix(keyPrefix)
    , m_role(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_description(new QLabel(this))
    , m_rules(new QLabel(this))
    , m_copied(new QLabel(this))
{
    setWindowTitle(tr("Apply a Sidekiq role"));
    for (kiq::acl::Role r : kiq::acl::allRoles()) m_role->addItem(QString::fromLatin1(kiq::acl::roleName(r)), int(r));
    m_password->setEchoMode(QLineEdit::Password);
    m_rules->setWordWrap(true);
    m_rules->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rules->setStyleSheet(QStringLiteral("font-family: monospace;"));
    m_description->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Role"), m_role);
    form->addRow(tr("User name"), m_name);
    form->addRow(tr("Password"), m_password);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* apply = buttons->addButton(tr("Apply and verify"), QDialogButtonBox::AcceptRole);
    m_copyButton = buttons->addButton(tr("Copy as command"), QDialogButtonBox::ActionRole);
    m_copyButton->setObjectName(QStringLiteral("aclCopyRoleButton"));
    m_copyButton->hide(); // until setCopyCommand
    m_copied->setWordWrap(true);
    m_copied->hide();
    // The password stays out of the line: the command reads it from KIQDESK_ACL_PASSWORD.
    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        if (!m_copy) return;
        m_copied->setText(m_copy(kiq::write::aclApplyRole(kiq::acl::roleName(role()), userName().toStdString())));
        m_copied->show();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_description);
    layout->addWidget(m_rules);
    layout->addWidget(m_copied);
    layout->addWidget(buttons);

    auto validate = [this, apply] {
        const bool named = !userName().isEmpty() && !userName().contains(QLatin1Char(' '));
        apply->setEnabled(named && !m_password->text().isEmpty());
        m_copyButton->setEnabled(named);
    };
    connect(m_role, &QComboBox::currentIndexChanged, this, &ApplyRoleDialog::update);
    connect(m_name, &QLineEdit::textChanged, this, validate);
    connect(m_password, &QLineEdit::textChanged, this, validate);
    m_name->setText(QString::fromLatin1(kiq::acl::roleName(role())));
    update();
    validate();
}

void ApplyRoleDialog::setCopyCommand(std::function<QString(const kiq::write::CliAction&)> copy)
{
    m_copy = std::move(copy);
    m_copyButton->setVisible(bool(m_copy));
}

kiq::acl::Role ApplyRoleDialog::role() const
{
    return kiq::acl::Role(m_role->currentData().toInt());
}
QString ApplyRoleDialog::userName() const
{
    return m_name->text().trimmed();
}
QString ApplyRoleDialog::password() const
{
    return m_password->text();
}

void ApplyRoleDialog::update()
{
    const auto tpl = kiq::acl::roleTemplate(role(), m_prefix.toStdString());
    m_description->setText(QString::fromStdString(tpl.description));
    m_rules->setText(QString::fromStdString(tpl.rules.toString()));
}

} // namespace kiq::ui

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
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_description);
    layout->addWidget(m_rules);
    layout->addWidget(buttons);

    auto validate = [this, apply] {
        apply->setEnabled(
            !userName().isEmpty() && !userName().contains(QLatin1Char(' ')) && !m_password->text().isEmpty());
    };
    connect(m_role, &QComboBox::currentIndexChanged, this, &ApplyRoleDialog::update);
    connect(m_name, &QLineEdit::textChanged, this, validate);
    connect(m_password, &QLineEdit::textChanged, this, validate);
    m_name->setText(QString::fromLatin1(kiq::acl::roleName(role())));
    update();
    validate();
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

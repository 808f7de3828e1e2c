#include "deployment/ArmDialog.h"

#include "deployment/EnvironmentTag.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kiq::ui {

ArmDialog::ArmDialog(const kiq::deployment::ConnectionProfile& profile, QWidget* parent)
    : QDialog(parent)
    , m_name(profile.name)
    , m_typedName(new QLineEdit(this))
    , m_reason(new QLineEdit(this))
    , m_minutes(new QSpinBox(this))
    , m_arm(new QPushButton(tr("Arm writes"), this))
{
    setWindowTitle(tr("Arm writes"));
    const QString label = tr("%1 (%2)").arg(profile.name, environmentLabel(profile.environment));
    auto* intro = new QLabel(tr("<b>%1</b> is read-only. Arming allows every write (job actions, queue changes, "
                                "quiet and stop, ACL changes, local workers) until the time below runs out or "
                                "you disarm.<br>Type the deployment's name <b>%2</b> to confirm.")
                                 .arg(label.toHtmlEscaped(), profile.name.toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);

    m_typedName->setObjectName(QStringLiteral("armName"));
    m_typedName->setPlaceholderText(profile.name);
    m_reason->setObjectName(QStringLiteral("armReason"));
    m_reason->setPlaceholderText(tr("Why: free text or a ticket id"));
    m_minutes->setObjectName(QStringLiteral("armMinutes"));
    m_minutes->setRange(1, 480);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setValue(profile.armMinutes);
    m_arm->setObjectName(QStringLiteral("armButton"));
    m_arm->setDefault(true); // Enter arms, once the button is enabled

    auto* form = new QFormLayout;
    form->addRow(tr("Deployment name:"), m_typedName);
    form->addRow(tr("Reason:"), m_reason);
    form->addRow(tr("Writes allowed for:"), m_minutes);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(m_arm, QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(m_typedName, &QLineEdit::textChanged, this, &ArmDialog::updateArmButton);
    connect(m_reason, &QLineEdit::textChanged, this, &ArmDialog::updateArmButton);
    updateArmButton();
    resize(460, sizeHint().height());
}

QString ArmDialog::reason() const
{
    return m_reason->text().trimmed();
}

int ArmDialog::minutes() const
{
    return m_minutes->value();
}

void ArmDialog::updateArmButton()
{
    // Exactly the name: a near miss may be another deployment with a similar one.
    m_arm->setEnabled(m_typedName->text() == m_name && !reason().isEmpty());
}

} // namespace kiq::ui

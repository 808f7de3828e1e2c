#include "connection/RedactionBox.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLineEdit>

namespace kiq::ui {

using kiq::redaction::RedactionRules;

RedactionBox::RedactionBox(QWidget* parent)
    : QGroupBox(tr("Hide secrets in job arguments"), parent)
    , m_keys(new QLineEdit(this))
    , m_paths(new QLineEdit(this))
    , m_patterns(
          new QCheckBox(tr("Values that look like secrets: tokens (JWT), private keys, card numbers, AWS keys"), this))
    , m_emails(new QCheckBox(tr("E-mail addresses"), this))
{
    setObjectName(QStringLiteral("redaction"));
    setCheckable(true);
    m_keys->setObjectName(QStringLiteral("redactionKeys"));
    m_paths->setObjectName(QStringLiteral("redactionPaths"));
    m_patterns->setObjectName(QStringLiteral("redactionPatterns"));
    m_emails->setObjectName(QStringLiteral("redactionEmails"));
    m_keys->setToolTip(tr("A value whose key is one of these is hidden, whatever it holds. Keys are compared by "
                          "words: \"token\" also hides access_token and refreshToken."));
    m_paths->setPlaceholderText(tr("e.g. args[1], args[*].iban"));
    m_paths->setToolTip(tr("Positional arguments have no key: args[1] hides the second argument of every job."));
    auto* form = new QFormLayout(this);
    form->addRow(tr("Key names:"), m_keys);
    form->addRow(tr("Paths:"), m_paths);
    form->addRow(QString(), m_patterns);
    form->addRow(QString(), m_emails);
    setRules({});
}

void RedactionBox::setRules(const RedactionRules& rules)
{
    setChecked(rules.enabled);
    m_keys->setText(QString::fromStdString(kiq::redaction::joinList(rules.keys)));
    m_paths->setText(QString::fromStdString(kiq::redaction::joinList(rules.paths)));
    m_patterns->setChecked(rules.valuePatterns);
    m_emails->setChecked(rules.emails);
}

RedactionRules RedactionBox::rules() const
{
    RedactionRules r;
    r.enabled = isChecked();
    r.keys = kiq::redaction::splitList(m_keys->text().toStdString());
    r.paths = kiq::redaction::splitList(m_paths->text().toStdString());
    r.valuePatterns = m_patterns->isChecked();
    r.emails = m_emails->isChecked();
    return r;
}

QString RedactionBox::problem() const
{
    if (!isChecked()) return {};
    for (const auto& path : kiq::redaction::splitList(m_paths->text().toStdString()))
        if (const auto why = kiq::redaction::checkPath(path); !why.empty())
            return tr("Paths: %1").arg(QString::fromStdString(why));
    return {};
}

} // namespace kiq::ui

#include "connection/PathField.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

namespace kiq::ui {

PathField::PathField(Kind kind, const QString& chooserTitle, QWidget* parent)
    : QWidget(parent)
    , m_kind(kind)
    , m_chooserTitle(chooserTitle)
    , m_edit(new QLineEdit(this))
{
    auto* browse = new QToolButton(this);
    browse->setText(tr("Browse…"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(browse);
    setFocusProxy(m_edit);
    connect(browse, &QToolButton::clicked, this, &PathField::browse);
    connect(m_edit, &QLineEdit::textChanged, this, &PathField::pathChanged);
}

QString PathField::path() const
{
    return m_edit->text().trimmed();
}

void PathField::setPath(const QString& path)
{
    m_edit->setText(path);
}

void PathField::setPlaceholderText(const QString& text)
{
    m_edit->setPlaceholderText(text);
}

void PathField::browse()
{
    const QString start = path().isEmpty() ? QString() : QFileInfo(path()).absolutePath();
    const QString chosen = m_kind == Kind::File ? QFileDialog::getOpenFileName(
                               this, m_chooserTitle, start, tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"))
                                                : QFileDialog::getExistingDirectory(this, m_chooserTitle, start);
    if (!chosen.isEmpty()) setPath(chosen);
}

} // namespace kiq::ui

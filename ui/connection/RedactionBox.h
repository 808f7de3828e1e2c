#pragma once
// The redaction part of the connection dialog: which job arguments this deployment's pages, the pool's
// log and the CLI hide (key names, JSON paths for positional arguments, value patterns, e-mail
// addresses). Checked by default: a new profile hides the usual secrets.

#include "redaction/Redaction.h"

#include <QGroupBox>

class QCheckBox;
class QLineEdit;

namespace kiq::ui {

class RedactionBox final : public QGroupBox {
    Q_OBJECT
public:
    explicit RedactionBox(QWidget* parent = nullptr);

    void setRules(const kiq::redaction::RedactionRules& rules);
    kiq::redaction::RedactionRules rules() const;
    // Why the typed rules cannot be saved ("Paths: args[x]: an index must be a number or *"), or empty.
    QString problem() const;

private:
    QLineEdit* m_keys;
    QLineEdit* m_paths;
    QCheckBox* m_patterns;
    QCheckBox* m_emails;
};

} // namespace kiq::ui

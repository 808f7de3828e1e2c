#pragma once
// Asks before writes to a read-only deployment are allowed: its name typed in exactly (so the operator
// knows which deployment this is, not merely which window), a reason (free text or a ticket id) and how
// many minutes the arming lasts. Arm enables only when the name matches and the reason is not blank.

#include "deployment/ConnectionProfile.h"

#include <QDialog>

class QLineEdit;
class QPushButton;
class QSpinBox;

namespace kiq::ui {

class ArmDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ArmDialog(const kiq::deployment::ConnectionProfile& profile, QWidget* parent = nullptr);

    QString reason() const;
    int minutes() const;

private:
    void updateArmButton();

    QString m_name;
    QLineEdit* m_typedName;
    QLineEdit* m_reason;
    QSpinBox* m_minutes;
    QPushButton* m_arm;
};

} // namespace kiq::ui

#pragma once
// Shown at start when there is nothing to look at yet (no saved connections, no --sandbox): offers a
// local sandbox to explore with, or adding a real connection.

#include <QDialog>

namespace kiq::ui {

class FirstRunDialog final : public QDialog {
    Q_OBJECT
public:
    enum class Choice { None, StartSandbox, AddConnection };

    explicit FirstRunDialog(QWidget* parent = nullptr);
    Choice choice() const { return m_choice; }

private:
    Choice m_choice = Choice::None;
};

} // namespace kiq::ui

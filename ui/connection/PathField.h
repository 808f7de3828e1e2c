#pragma once
// A path in a line edit with a Browse button (a file or a directory chooser). Paths stay editable as
// text, because certificate files are often on paths the chooser hides (dot-directories, /etc/ssl).

#include <QWidget>

class QLineEdit;

namespace kiq::ui {

class PathField final : public QWidget {
    Q_OBJECT
public:
    enum class Kind { File, Directory };

    PathField(Kind kind, const QString& chooserTitle, QWidget* parent = nullptr);

    QString path() const;
    void setPath(const QString& path);
    void setPlaceholderText(const QString& text);
    QLineEdit* lineEdit() const { return m_edit; }

signals:
    void pathChanged(const QString& path);

private:
    void browse();

    Kind m_kind;
    QString m_chooserTitle;
    QLineEdit* m_edit;
};

} // namespace kiq::ui

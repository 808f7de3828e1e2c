#pragma once
// A one-line label that ends its text with "…" when it gets less room than the text needs, and shows
// the whole text as its tooltip then. Its minimum width is small, so a long value never makes the
// window grow; its size hint is still the whole text, so layouts give it room when there is some.

#include <QLabel>

namespace kiq::ui {

class ElidedLabel final : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setFullText(const QString& text);
    QString fullText() const { return m_fullText; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void elide();

    QString m_fullText;
};

} // namespace kiq::ui

#pragma once
// A summary card: a small caption, one large value and an optional detail line ("Memory / 1.02M /
// of 256 MiB"). Used for the Redis page's INFO summary; other pages may reuse it for their totals.
// Its texts end in "…" when the card is narrower than they are: a row of cards never widens the window.

#include <QFrame>

namespace kiq::ui {

class ElidedLabel;

class InfoCard final : public QFrame {
    Q_OBJECT
public:
    // `name` becomes the value label's objectName ("<name>Value"), so tests can find it.
    InfoCard(const QString& caption, const QString& name, QWidget* parent = nullptr);

    void setValue(const QString& value, const QString& detail = {});
    void clear(); // no data yet, or the data is gone
    QString value() const;

private:
    ElidedLabel* m_caption;
    ElidedLabel* m_value;
    ElidedLabel* m_detail;
};

} // namespace kiq::ui

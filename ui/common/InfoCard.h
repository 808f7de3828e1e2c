#pragma once
// A summary card: a small caption, one large value and an optional detail line ("Memory / 1.02M /
// of 256 MiB"). Used for the Redis page's INFO summary; other pages may reuse it for their totals.

#include <QFrame>

class QLabel;

namespace kiq::ui {

class InfoCard final : public QFrame {
    Q_OBJECT
public:
    // `name` becomes the value label's objectName ("<name>Value"), so tests can find it.
    InfoCard(const QString& caption, const QString& name, QWidget* parent = nullptr);

    void setValue(const QString& value, const QString& detail = {});
    void clear(); // no data yet, or the data is gone
    QString value() const;

private:
    QLabel* m_caption;
    QLabel* m_value;
    QLabel* m_detail;
};

} // namespace kiq::ui

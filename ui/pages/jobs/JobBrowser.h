#pragma once
// The part every job page shares: the filter bar (a JobFilter expression, its parse error shown
// inline), the paged job table with multi-select, and the inspector of the current job. Pages add
// their own toolbar and do the loading: this widget never talks to Redis.

#include <QWidget>

#include <vector>

class QLineEdit;
class QTableView;

namespace kiq::ui {

class StatusLine;
class JobFilterProxy;
class JobInspector;
class JobTableModel;
struct JobRow;

class JobBrowser final : public QWidget {
    Q_OBJECT
public:
    JobBrowser(const QString& whenCaption, QWidget* parent = nullptr);

    JobTableModel* model() const { return m_model; }
    JobFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    JobInspector* inspector() const { return m_inspector; }

    // Selected rows (source-model rows, sorted), for actions.
    std::vector<int> selectedSourceRows() const;
    std::vector<std::string> selectedPayloads() const;
    void focusFilter();
    // The current filter expression when it parses (empty when none), for "all matching" actions.
    QString validFilterText() const;
    bool filterIsValid() const { return m_filterValid; }

signals:
    void selectionChanged();

private:
    void applyFilterText();
    void showCurrent();

    JobTableModel* m_model;
    JobFilterProxy* m_proxy;
    QLineEdit* m_filter;
    StatusLine* m_filterError;
    QTableView* m_table;
    JobInspector* m_inspector;
    bool m_filterValid = true;
};

} // namespace kiq::ui

#pragma once
// What an "all matching" action would touch, before it touches anything: how many jobs matched out
// of how many scanned, and the counts by class, queue and error, so a too-broad filter shows itself.
// The operator may cap the rate (jobs per second), so a big retry does not flood the workers at once.

#include "sidekiq/actions/BulkExecutor.h"

#include <QDialog>

class QSpinBox;

namespace kiq::ui {

class BulkPreviewDialog final : public QDialog {
    Q_OBJECT
public:
    // scope: what the action is on, in words (plain text; may be empty).
    BulkPreviewDialog(const kiq::sidekiq::BulkPreview& preview, const QString& actionText, const QString& scope = {},
        QWidget* parent = nullptr);
    // Jobs per second chosen in the dialog; 0 for no cap.
    double ratePerSecond() const;

private:
    QSpinBox* m_rate;
};

} // namespace kiq::ui

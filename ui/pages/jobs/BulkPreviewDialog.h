#pragma once
// What an "all matching" action would touch, before it touches anything: how many jobs matched out
// of how many scanned, and the counts by class, queue and error, so a too-broad filter shows itself.

#include "sidekiq/BulkExecutor.h"

#include <QDialog>

namespace kiq::ui {

class BulkPreviewDialog final : public QDialog {
    Q_OBJECT
public:
    BulkPreviewDialog(const kiq::sidekiq::BulkPreview& preview, const QString& actionText, QWidget* parent = nullptr);
};

} // namespace kiq::ui

#pragma once
// The words the UI uses for each job action (toolbar, confirmations, status lines).

#include "sidekiq/actions/JobActions.h"

#include <QString>

namespace kiq::ui {

QString actionLabel(kiq::sidekiq::JobAction action);

} // namespace kiq::ui

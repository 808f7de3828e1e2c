#pragma once
// A confirmation proportional to the damage: up to kTypeThreshold jobs a plain yes/no; more, and the
// operator must type the number of jobs, so a stray Enter cannot delete ten thousand of them.

#include <QString>

class QWidget;

namespace kiq::ui {

inline constexpr long long kTypeThreshold = 10;

// `what` is the translated sentence ("Delete 3 jobs from Dead?"). Returns true to go ahead.
bool confirmDamage(QWidget* parent, const QString& title, const QString& what, long long count);

} // namespace kiq::ui

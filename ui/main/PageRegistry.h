#pragma once
// The pages every deployment gets, in tab order; the main window hands them to each DeploymentView.
// Adding a page is one line in PageRegistry.cpp (plus its #include).

#include "deployment/DeploymentPage.h"

#include <vector>

namespace kiq::ui {

const std::vector<PageFactory>& deploymentPages();

} // namespace kiq::ui

#pragma once
// The pages every deployment gets, in tab order. Adding a page is one line in PageRegistry.cpp
// (plus its #include).

#include <QWidget>

#include <functional>
#include <vector>

namespace kiq::ui {

class DeploymentPage;

using PageFactory = std::function<DeploymentPage*(QWidget* parent)>;

const std::vector<PageFactory>& deploymentPages();

} // namespace kiq::ui

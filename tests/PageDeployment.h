#pragma once
// Page tests: a page reads through its deployment (its poller, health/DeploymentPoll.h), as in the app.
// A Deployment on `options`, connected, and handed to `page` with its client.

#include "deployment/Deployment.h"
#include "deployment/DeploymentPage.h"

#include <memory>

namespace kiq::test {

inline std::unique_ptr<ui::Deployment> connectPage(ui::DeploymentPage& page, const redis::ConnectionOptions& options)
{
    auto profile = deployment::ConnectionProfile::create(QStringLiteral("test"));
    profile.options = options;
    auto deployment = std::make_unique<ui::Deployment>(profile, false);
    deployment->connectNow();
    page.setDeployment(deployment.get());
    page.setClient(deployment->client());
    return deployment;
}

} // namespace kiq::test

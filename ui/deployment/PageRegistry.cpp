#include "PageRegistry.h"

#include "pages/redis/RedisPage.h"

namespace kiq::ui {

namespace {
template <typename Page> DeploymentPage* make(QWidget* parent) { return new Page(parent); }
} // namespace

const std::vector<PageFactory>& deploymentPages()
{
    static const std::vector<PageFactory> pages = {
        // Overview, Queues, Retries, Dead, Scheduled, Busy and Local workers go here, in tab order,
        // as make<TheirPage>.
        make<RedisPage>,
    };
    return pages;
}

} // namespace kiq::ui

#include "main/PageRegistry.h"

#include "pages/acl/AclPage.h"
#include "pages/audit/AuditPage.h"
#include "pages/busy/BusyPage.h"
#include "pages/jobs/JobSetPage.h"
#include "pages/metrics/MetricsPage.h"
#include "pages/overview/OverviewPage.h"
#include "pages/profiles/ProfilesPage.h"
#include "pages/queues/QueuesPage.h"
#include "pages/redis/RedisPage.h"
#include "pages/security/SecurityPage.h"
#include "pages/undo/UndoPage.h"
#include "pages/workers/WorkersPage.h"

namespace kiq::ui {

namespace {
template <typename Page> DeploymentPage* make(QWidget* parent)
{
    return new Page(parent);
}
template <kiq::sidekiq::JobSetKind Kind> DeploymentPage* makeSet(QWidget* parent)
{
    return new JobSetPage(Kind, parent);
}
} // namespace

const std::vector<PageFactory>& deploymentPages()
{
    static const std::vector<PageFactory> pages = {
        // Overview, Queues, Retries, Dead, Scheduled, Busy and Local workers go here, in tab order,
        // as make<TheirPage>.
        make<OverviewPage>,
        make<QueuesPage>,
        makeSet<kiq::sidekiq::JobSetKind::Retry>,
        makeSet<kiq::sidekiq::JobSetKind::Dead>,
        makeSet<kiq::sidekiq::JobSetKind::Scheduled>,
        make<BusyPage>,
        make<RedisPage>,
        make<AclPage>,
        make<WorkersPage>,
        make<AuditPage>,
        make<UndoPage>,
        make<SecurityPage>,
        // New pages go last: Ctrl+1…9 and scripts/screenshots.sh's --page numbers keep their pages.
        make<MetricsPage>,
        make<ProfilesPage>,
    };
    return pages;
}

} // namespace kiq::ui

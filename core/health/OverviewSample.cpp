#include "health/OverviewSample.h"

namespace kiq::health {

namespace {
// Beyond this the two samples straddle a pause or a closed app: a straight line between them would
// claim a steady rate nobody observed.
constexpr double kMaxGapSeconds = 300;
} // namespace

OverviewRates ratesBetween(const OverviewSample& before, const OverviewSample& after)
{
    OverviewRates r;
    const double dt = after.takenAt - before.takenAt;
    if (dt <= 0 || dt > kMaxGapSeconds) return r;
    if (after.processed < before.processed || after.failed < before.failed) return r; // stats reset
    r.valid = true;
    r.processedPerSec = double(after.processed - before.processed) / dt;
    r.failedPerSec = double(after.failed - before.failed) / dt;
    return r;
}

} // namespace kiq::health

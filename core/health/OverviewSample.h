#pragma once
// One Overview refresh, reduced to what the charts plot. Counters are kept raw (processed and failed
// are totals since the deployment began); rates are differences between consecutive samples, so a
// restart of Kiqdesk loses nothing but the gap.

#include <vector>

namespace kiq::health {

struct OverviewSample {
    double takenAt = 0; // epoch seconds, local clock
    long long processed = 0;
    long long failed = 0;
    long long enqueued = 0;
    long long busy = 0;
    long long usedMemory = 0; // bytes; 0 when INFO did not say
    long long opsPerSec = 0;
};

// Per-second rates between two samples; nullopt-like `valid == false` when they cannot be compared
// (a counter went backwards because stats were reset, or the gap is so long the rate means nothing).
struct OverviewRates {
    bool valid = false;
    double processedPerSec = 0;
    double failedPerSec = 0;
};
OverviewRates ratesBetween(const OverviewSample& before, const OverviewSample& after);

} // namespace kiq::health

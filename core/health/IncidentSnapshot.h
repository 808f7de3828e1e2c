#pragma once
// An incident snapshot: what an ops engineer attaches to a ticket, in one redacted .tar.gz, read from
// one deployment now for a time window (the desktop's File → Incident snapshot…, `kiqdesk-cli snapshot`).
//
// The archive (one folder, "kiqdesk-snapshot-<deployment>-<UTC time>/"):
//   README.txt            what was read, when, the window, the redaction rules applied, and each file
//   counters.json         processed/failed totals, set sizes, processes, busy, every queue's size and latency
//   health.json           every health check's state, value, threshold and message
//   series.csv            the Overview's samples in the window (the local chart history; may be empty)
//   daily-history.csv     processed and failed per day, the last 30 days
//   failure-groups.json   the top failure groups among the retry and dead jobs that failed in the window,
//                         with counts and a few sample jobs each
//   processes.json        every process (capsules, queues, concurrency, busy, RSS, heartbeat) and its busy jobs
//   info.txt              INFO, as the server sent it (sections and fields)
//   slowlog.json          SLOGLOG entries in the window (arguments redacted)
//   clients.json          the client census (per library and version, per name) and every connection
//   audit.jsonl           the deployment's audit entries in the window
//   charts/*.png          the charts as shown (the desktop app adds them; the CLI cannot draw)
// Everything that may hold job data (payloads, arguments, error messages, slow-log arguments, audit
// details) passes the profile's redaction rules first (redaction/Redaction.h). Reading is paced by the
// profile's load budget where it walks sets; nothing is written.

#include "health/HealthChecks.h"
#include "health/OverviewSample.h"
#include "redis/Client.h"
#include "redis/LoadBudget.h"

#include <memory>
#include <string>
#include <vector>

namespace kiq::redaction {
class Redactor;
}

namespace kiq::health {

struct IncidentOptions {
    std::string deployment; // its name, for the folder and README
    double windowSeconds = 3600; // the last hour
    std::size_t failuresRead = 5000; // at most this many of the newest retry and dead jobs each
    std::size_t topGroups = 10;
    std::size_t samplesPerGroup = 3;
    redis::LoadBudget budget;
    HealthThresholds thresholds;
    std::shared_ptr<const redaction::Redactor> redactor; // required: the profile's rules
    std::vector<OverviewSample> series; // the local chart history in the window, oldest first
};

struct IncidentFile {
    std::string name; // relative to the archive's folder ("charts/throughput.png")
    std::string bytes;
};

struct IncidentSnapshot {
    std::string folder; // "kiqdesk-snapshot-billing-20261204T131500Z"
    double takenAt = 0;
    std::vector<IncidentFile> files;
    std::vector<std::string> problems; // parts that could not be read (each also said in README.txt)
};

// Reads the deployment now. Throws redis::Error when it cannot be reached at all; a part the server
// refuses (INFO, SLOWLOG, CLIENT LIST for a least-privilege user) is left out and said in README.txt.
IncidentSnapshot collectIncident(redis::Client& client, const IncidentOptions& options, double nowSeconds);

// Adds files (the desktop's chart PNGs) before writing; README.txt lists them.
void addIncidentFile(IncidentSnapshot& snapshot, std::string name, std::string bytes);

// Writes the snapshot as a gzip-compressed tar at `path` (through a temporary file, so a failed write
// leaves nothing half-written). Returns an empty string, or why it could not.
std::string writeIncidentArchive(const IncidentSnapshot& snapshot, const std::string& path);

} // namespace kiq::health

#include "sidekiq/actions/JobTransfer.h"

#include "redaction/Redaction.h"
#include "redis/Command.h"
#include "redis/Errors.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Keys.h"
#include "sidekiq/model/Timestamp.h"
#include "util/FloatFormat.h"
#include "write/WriteGate.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr std::string_view kFormat = "jobs/1";
constexpr std::size_t kChunk = 500; // members per LPUSH / ZADD: one command stays short on the server
} // namespace

std::string transferLine(TransferJob job, const redaction::Redactor* redactor)
{
    if (redactor && redactor->active()) {
        job.payload = redactor->payload(job.payload);
        job.redacted = true;
    }
    std::string line = "{\"kiqdesk\":";
    json::appendQuoted(line, kFormat);
    line += ",\"from\":";
    json::appendQuoted(line, job.from);
    if (job.score) {
        line += ",\"score\":";
        util::appendRubyFloat(line, *job.score);
    }
    if (job.redacted) line += ",\"redacted\":true";
    if (json::isValidUtf8(job.payload)) {
        line += ",\"payload\":";
        json::appendQuoted(line, job.payload);
    } else {
        line += ",\"payload_base64\":\"";
        line += QByteArray::fromStdString(job.payload).toBase64().toStdString();
        line += '"';
    }
    line += "}\n";
    return line;
}

TransferRead readTransfer(std::string_view text)
{
    TransferRead read;
    long long number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        const auto fail
            = [&](const std::string& why) { read.errors.push_back("line " + std::to_string(number) + ": " + why); };
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(line.data(), qsizetype(line.size())), &error);
        if (!doc.isObject()) {
            fail(error.error != QJsonParseError::NoError ? "not JSON (" + error.errorString().toStdString() + ")"
                                                         : "not a JSON object");
            continue;
        }
        const QJsonObject o = doc.object();
        if (o.value("kiqdesk").toString().toStdString() != kFormat) {
            fail("not a Kiqdesk job export line (no \"kiqdesk\":\"jobs/1\")");
            continue;
        }
        TransferJob job;
        job.from = o.value("from").toString().toStdString();
        if (o.contains("score")) {
            if (!o.value("score").isDouble()) {
                fail("\"score\" is not a number");
                continue;
            }
            job.score = o.value("score").toDouble();
        }
        job.redacted = o.value("redacted").toBool();
        if (o.value("payload").isString())
            job.payload = o.value("payload").toString().toStdString();
        else if (o.value("payload_base64").isString())
            job.payload = QByteArray::fromBase64(o.value("payload_base64").toString().toLatin1()).toStdString();
        else {
            fail("no \"payload\"");
            continue;
        }
        if (job.redacted) ++read.redactedLines;
        read.jobs.push_back(std::move(job));
    }
    return read;
}

ExportedJobs exportSetJobs(
    redis::Client& client, JobSetKind kind, const std::vector<IndexedJobKey>& keys, const redaction::Redactor* redactor)
{
    ExportedJobs out;
    const std::vector<SortedEntry> entries = fetchIndexedJobs(client, kind, keys, out.gone);
    std::vector<std::string> payloads;
    for (const SortedEntry& e : entries) {
        out.text += transferLine({setName(kind), e.score, e.job.raw, false}, redactor);
        payloads.push_back(e.job.raw);
    }
    out.count = static_cast<long long>(entries.size());
    out.sampleJids = sampleJids(payloads, write::kSampleJids);
    return out;
}

ExportedJobs exportQueueJobs(redis::Client& client, const std::string& queue, const std::vector<QueueJobRef>& refs,
    const redaction::Redactor* redactor)
{
    ExportedJobs out;
    const std::vector<std::string> payloads = fetchQueuePayloads(client, queue, refs); // oldest first
    for (const std::string& p : payloads)
        out.text += transferLine({"queue:" + queue, std::nullopt, p, false}, redactor);
    out.count = static_cast<long long>(payloads.size());
    out.gone = static_cast<long long>(refs.size()) - out.count;
    out.sampleJids = sampleJids(payloads, write::kSampleJids);
    return out;
}

std::string TransferTarget::name() const
{
    return set ? std::string(setName(*set)) : "queue:" + queue;
}

std::optional<TransferTarget> TransferTarget::parse(std::string_view name)
{
    if (name.substr(0, 6) == "queue:") {
        if (name.size() == 6) return std::nullopt;
        return TransferTarget {std::nullopt, std::string(name.substr(6))};
    }
    if (const auto set = parseSetName(name)) return TransferTarget {set, {}};
    return std::nullopt;
}

ActionResult importJobs(
    redis::Client& client, write::WriteGate& gate, const TransferTarget& target, const std::vector<TransferJob>& jobs)
{
    for (const TransferJob& job : jobs)
        if (job.redacted)
            throw redis::Error(redis::ErrorKind::Usage,
                "the file is a redacted export: its arguments are masked, so its jobs cannot be imported "
                "(export again without redaction)");
    ActionResult result;
    std::vector<std::string> payloads;
    std::vector<double> scores;
    const double now = Timestamp::now().seconds();
    for (const TransferJob& job : jobs) {
        if (target.set) {
            payloads.push_back(job.payload);
            scores.push_back(job.score.value_or(now));
            continue;
        }
        // Into a queue, as a move does: the job names the queue it is in (retries go back there).
        PayloadEditor editor(job.payload);
        if (!editor.ok()) {
            result.skipped.push_back({job.payload, "not a job object: " + editor.error()});
            continue;
        }
        editor.setString("queue", target.queue);
        payloads.push_back(editor.result());
    }
    const std::string key = target.set ? std::string(setKey(*target.set)) : keys::queue(target.queue);
    const write::WriteIntent intent {"import", key, static_cast<long long>(jobs.size()), "from a job export file",
        sampleJids(payloads, write::kSampleJids)};
    gate.perform(intent, [&] {
        std::vector<Command> cmds;
        if (!target.set && !payloads.empty()) cmds.push_back(Command("SADD").key(keys::kQueues).arg(target.queue));
        std::vector<long long> sizes;
        for (std::size_t i = 0; i < payloads.size(); i += kChunk) {
            const std::size_t n = std::min(kChunk, payloads.size() - i);
            Command c(target.set ? "ZADD" : "LPUSH");
            c.key(key);
            if (target.set) c.arg(std::string_view("NX"));
            for (std::size_t k = i; k < i + n; ++k) {
                if (target.set) c.arg(scores[k]);
                c.arg(payloads[k]);
            }
            cmds.push_back(std::move(c));
            sizes.push_back(static_cast<long long>(n));
        }
        const auto replies = client.pipeline(cmds);
        const std::size_t first = replies.size() - sizes.size(); // after the SADD
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            const long long added = replies[first + i].throwIfError().asInteger();
            // LPUSH answers the list's new length: every member was pushed.
            result.affected += target.set ? added : sizes[i];
            result.missing += target.set ? sizes[i] - added : 0;
        }
        return write::WriteOutcome {
            result.affected, {}, result.missing + static_cast<long long>(result.skipped.size())};
    });
    return result;
}

} // namespace kiq::sidekiq

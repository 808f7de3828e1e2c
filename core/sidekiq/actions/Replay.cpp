#include "sidekiq/actions/Replay.h"

#include "redaction/Redaction.h"
#include "redis/Command.h"
#include "server/ServerInfo.h"
#include "sidekiq/json/JsonScanner.h"
#include "sidekiq/json/JsonText.h"
#include "sidekiq/json/PayloadEditor.h"
#include "sidekiq/model/JobBuilder.h"
#include "sidekiq/model/JobRecord.h"
#include "sidekiq/model/Keys.h"
#include "storage/ReplayJournal.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

namespace kiq::sidekiq {

using redis::Command;

namespace {
constexpr std::size_t kChunk = 500; // members per LPUSH: one command stays short on the server

// The failure's record on the source: what a run on the target starts without.
constexpr std::string_view kHistory[]
    = {"retry_count", "failed_at", "retried_at", "error_class", "error_message", "error_backtrace", "error_details"};

std::string stringOr(const std::optional<std::string>& value)
{
    return value ? json::quoted(*value) : std::string("null");
}
} // namespace

std::optional<ReplayedFrom> replayedFrom(std::string_view payload)
{
    if (payload.find("\"replayed_from\"") == std::string_view::npos) return std::nullopt;
    const auto raw = PayloadEditor(std::string(payload)).rawValue("replayed_from");
    if (!raw) return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(*raw)).object();
    if (o.isEmpty()) return std::nullopt;
    const auto text = [&o](const char* key) { return o.value(QLatin1String(key)).toString().toStdString(); };
    return ReplayedFrom {text("deployment"), text("set"), text("jid"), text("error_class"), text("error_message")};
}

std::string checkReplayArgs(std::string_view args)
{
    json::Kind kind = json::Kind::Null;
    if (const auto error = json::validate(args, &kind)) return "the arguments are not JSON: " + error->message;
    if (kind != json::Kind::Array)
        return std::string("the arguments must be a JSON array, not ") + json::describe(kind);
    return {};
}

ReplayCopy replayCopy(std::string_view original, const ReplaySource& source, const redaction::Redactor& redactor,
    const ReplayEdit& edit, Timestamp now)
{
    ReplayCopy copy;
    // Redacted before anything else reads it: what leaves the source is what the profile lets show.
    const JobRecord job = JobRecord::parse(redactor.active() ? redactor.payload(original) : std::string(original));
    copy.originalJid = job.jid;
    if (!job.ok()) {
        copy.error = "not a job: " + job.parseError;
        return copy;
    }
    if (edit.args) {
        if (auto why = checkReplayArgs(*edit.args); !why.empty()) {
            copy.error = why;
            return copy;
        }
    }
    PayloadEditor editor(job.raw);
    const Timestamp::Unit unit = job.createdAt ? job.createdAt->unit() : Timestamp::Unit::Seconds;
    const std::string replayedFrom = "{\"deployment\":" + json::quoted(source.deployment)
        + ",\"set\":" + json::quoted(source.set) + ",\"jid\":" + json::quoted(job.jid)
        + ",\"error_class\":" + stringOr(job.errorClass) + ",\"error_message\":" + stringOr(job.errorMessage) + "}";
    for (std::string_view field : kHistory) editor.remove(field);
    editor.remove("bid");
    editor.remove("dead");
    copy.jid = JobBuilder::generateJid();
    copy.queue = edit.queue.empty() ? job.queue : edit.queue;
    editor.setString("jid", copy.jid);
    editor.setString("queue", copy.queue);
    editor.setInt("retry", 0);
    editor.setTimestamp("created_at", now.as(unit));
    editor.setTimestamp("enqueued_at", now.as(unit));
    if (edit.args) editor.set("args", *edit.args);
    editor.set("replayed_from", replayedFrom);
    copy.payload = editor.result();
    return copy;
}

void checkReplay(const ReplayPlan& plan)
{
    using deployment::Environment;
    if (plan.target == Environment::Production)
        throw ReplayRefused("replay never writes to a production deployment: pick a development or staging one");
    if (plan.target != Environment::Development && plan.target != Environment::Staging)
        throw ReplayRefused("replay writes only to a deployment tagged development or staging");
    if (plan.sameServer)
        throw ReplayRefused("the target is the source's own Redis server: replay into another one (the sandbox, "
                            "or a development Redis)");
    if (plan.count == 0) throw ReplayRefused("nothing to replay");
    if (plan.count > kReplayConfirmAbove && plan.confirmedCount != plan.count)
        throw ReplayRefused("replaying " + std::to_string(plan.count) + " jobs needs that count confirmed (more than "
            + std::to_string(kReplayConfirmAbove) + ")");
}

bool ServerIdentity::sameServerAs(const ServerIdentity& other) const
{
    if (runId && other.runId) return *runId == *other.runId;
    return address.host == other.address.host && address.port == other.address.port;
}

ServerIdentity serverIdentity(redis::Client& client)
{
    ServerIdentity id {std::nullopt, client.options().firstEndpoint()};
    try {
        const redis::Reply reply = client.command(Command("INFO").arg(std::string_view("server")));
        if (!reply.isError()) id.runId = server::ServerInfo::parseInfo(reply.asString()).field("run_id");
    } catch (const redis::Error& e) {
        if (e.isUnreachable()) throw;
    }
    return id;
}

ReplaySourceJobs readReplaySource(redis::Client& client, JobSetKind kind, const std::vector<IndexedJobKey>& keys)
{
    ReplaySourceJobs out;
    out.server = serverIdentity(client);
    for (SortedEntry& e : fetchIndexedJobs(client, kind, keys, out.gone)) out.payloads.push_back(std::move(e.job.raw));
    return out;
}

ActionResult replayJobs(
    redis::Client& target, write::WriteGate& gate, const ReplaySource& source, const std::vector<ReplayCopy>& copies)
{
    ActionResult result;
    std::map<std::string, std::vector<std::string>> byQueue; // in the order given within each queue
    std::vector<std::string> queueOrder;
    std::vector<std::string> written;
    for (const ReplayCopy& copy : copies) {
        if (!copy.ok()) {
            result.skipped.push_back({copy.originalJid, copy.error});
            continue;
        }
        auto [it, added] = byQueue.try_emplace(copy.queue);
        if (added) queueOrder.push_back(copy.queue);
        it->second.push_back(copy.payload);
        written.push_back(copy.payload);
    }
    const std::string targetName
        = queueOrder.size() == 1 ? keys::queue(queueOrder.front()) : std::to_string(queueOrder.size()) + " queues";
    const write::WriteIntent intent {"replay", targetName, static_cast<long long>(copies.size()),
        "from " + source.deployment + " " + source.set, sampleJids(written, write::kSampleJids)};
    gate.perform(intent, [&] {
        if (written.empty()) return write::WriteOutcome {0, {}, static_cast<long long>(result.skipped.size())};
        Command sadd("SADD");
        sadd.key(keys::kQueues);
        for (const auto& q : queueOrder) sadd.arg(q);
        std::vector<Command> cmds;
        cmds.push_back(std::move(sadd));
        for (const auto& q : queueOrder) {
            const auto& payloads = byQueue[q];
            for (std::size_t i = 0; i < payloads.size(); i += kChunk) {
                Command c("LPUSH");
                c.key(keys::queue(q));
                for (std::size_t k = i; k < std::min(payloads.size(), i + kChunk); ++k) c.arg(payloads[k]);
                cmds.push_back(std::move(c));
            }
        }
        for (const auto& reply : target.pipeline(cmds)) reply.throwIfError();
        result.affected = static_cast<long long>(written.size());
        return write::WriteOutcome {result.affected, {}, static_cast<long long>(result.skipped.size())};
    });
    return result;
}

ReplayRun replayInto(redis::Client& target, write::WriteGate& gate, const ReplayTarget& plan,
    const ReplaySource& source, const std::vector<std::string>& originals, const redaction::Redactor& redactor,
    const ReplayEdit& edit, const storage::ReplayJournal* journal)
{
    ReplayRun run;
    const Timestamp now = Timestamp::now();
    for (const std::string& raw : originals) run.copies.push_back(replayCopy(raw, source, redactor, edit, now));
    const auto good = static_cast<std::size_t>(
        std::count_if(run.copies.begin(), run.copies.end(), [](const ReplayCopy& c) { return c.ok(); }));
    checkReplay({plan.environment, serverIdentity(target).sameServerAs(plan.sourceServer), good, plan.confirmedCount});
    run.result = replayJobs(target, gate, source, run.copies);
    if (journal && run.result.affected > 0) {
        try {
            journal->recordReplays(source.deployment, plan.name, run.copies, now.seconds());
        } catch (const std::exception& e) {
            run.journalProblem = e.what();
        }
    }
    return run;
}

} // namespace kiq::sidekiq

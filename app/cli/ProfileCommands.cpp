// profiles list|export|import: the connections the desktop app saved (the same store, storage/
// ConnectionProfileStore.h), and the versioned profiles file that moves them between machines
// (storage/ProfileFile.h, docs/profiles-file.md). No secret is ever in either: only where each comes from.
#include "Commands.h"

#include "ExitCode.h"
#include "storage/ProfileFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace kiq::cli {

namespace {
std::string s(const QString& text)
{
    return text.toStdString();
}

std::string server(const deployment::ConnectionProfile& p)
{
    const auto& o = p.options;
    std::string where = o.topology == redis::Topology::Standalone || o.seeds.empty() ? o.endpoint.toString()
                                                                                     : o.seeds.front().toString();
    if (o.topology == redis::Topology::Sentinel) where = "sentinel " + where + " (" + o.sentinelMaster + ")";
    if (o.topology == redis::Topology::Cluster) where = "cluster " + where;
    return (o.tls.enabled ? "rediss://" : "redis://") + where;
}

int runList(CliContext& ctx, const storage::ProfileStore& store)
{
    const auto profiles = store.load();
    if (ctx.json) {
        ctx.printJson(QJsonDocument::fromJson(storage::writeProfilesFile(profiles)).object()["profiles"]);
        return Ok;
    }
    if (profiles.isEmpty()) {
        std::printf("no saved profiles (the desktop app's File → New connection… saves them)\n");
        return Ok;
    }
    std::printf("%-24s %-12s %-10s %-40s %s\n", "NAME", "ENVIRONMENT", "WRITES", "SERVER", "PASSWORD");
    for (const auto& p : profiles) {
        const auto& source = p.source(credentials::Secret::Password);
        const bool asks = source.kind == credentials::SourceKind::Ask;
        std::printf("%-24s %-12s %-10s %-40s %s\n", truncate(s(p.name), 24).c_str(),
            s(deployment::environmentKey(p.environment)).c_str(), p.opensReadOnly() ? "read-only" : "writable",
            truncate(server(p), 40).c_str(),
            asks && !p.passwordRequired ? "none" : s(credentials::describe(source)).c_str());
    }
    return Ok;
}

int runExport(const storage::ProfileStore& store, const std::vector<std::string>& names, const std::string& output)
{
    auto profiles = store.load();
    if (!names.empty()) {
        QList<deployment::ConnectionProfile> chosen;
        for (const auto& name : names) {
            const QString key = QString::fromStdString(name);
            const auto it = std::find_if(
                profiles.begin(), profiles.end(), [&](const auto& p) { return p.id == key || p.name == key; });
            if (it == profiles.end()) {
                std::cerr << "error: no saved profile named '" << name << "'\n";
                return NotFound;
            }
            chosen << *it;
        }
        profiles = chosen;
    }
    const QByteArray bytes = storage::writeProfilesFile(profiles);
    if (output.empty() || output == "-") {
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
        return Ok;
    }
    QFile file(QString::fromStdString(output));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size() || !file.flush()) {
        std::cerr << "error: cannot write " << output << ": " << s(file.errorString()) << "\n";
        return Refused;
    }
    std::cerr << "exported " << countOf(profiles.size(), "profile", "profiles") << " to " << output
              << " (no secrets: only where each comes from)\n";
    return Ok;
}

int runImport(CliContext& ctx, storage::ProfileStore& store, const std::string& path, bool yes)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        std::cerr << "error: cannot read " << path << ": " << s(file.errorString()) << "\n";
        return Usage;
    }
    const auto read = storage::readProfilesFile(file.readAll());
    if (!read.error.isEmpty()) {
        std::cerr << "error: " << path << ": " << s(read.error) << "\n";
        return Usage;
    }
    const auto saved = store.load();
    const auto changes = storage::importChanges(saved, read.profiles);
    int added = 0, changed = 0;
    QJsonArray report;
    for (const auto& c : changes) {
        using Kind = storage::ProfileChange::Kind;
        const char* kind = c.kind == Kind::Added ? "new" : c.kind == Kind::Changed ? "changed" : "unchanged";
        added += c.kind == Kind::Added;
        changed += c.kind == Kind::Changed;
        report.append(QJsonObject {
            {"id", c.id}, {"name", c.name}, {"change", kind}, {"fields", QJsonArray::fromStringList(c.fields)}});
        if (!ctx.json)
            std::cerr << (c.kind == Kind::Added ? "+ "
                    : c.kind == Kind::Changed   ? "~ "
                                                : "= ")
                      << s(c.name) << " (" << kind
                      << (c.fields.isEmpty() ? "" : ": " + s(c.fields.join(QStringLiteral(", ")))) << ")\n";
    }
    if (ctx.json) ctx.printJson(report);
    if (added + changed == 0) {
        std::cerr << "nothing to import: every profile in the file is saved already\n";
        return Ok;
    }
    if (!yes) {
        std::cerr << "Import " << countOf(added, "new profile", "new profiles") << " and replace "
                  << countOf(changed, "saved one", "saved ones") << "? Pass --yes to confirm.\n";
        return Usage;
    }
    store.save(storage::mergeById(saved, read.profiles));
    std::cerr << "imported " << countOf(added, "new profile", "new profiles") << ", replaced "
              << countOf(changed, "saved one", "saved ones") << "\n";
    return Ok;
}
} // namespace

void addProfileCommands(CLI::App& app, CliContext& ctx, int& exitCode)
{
    auto* profiles = app.add_subcommand("profiles", "The connections the desktop app saved, and moving them");
    profiles->require_subcommand(1);
    // The desktop app's store: same organisation and application name. Opened when a command runs, so
    // other commands never touch (or keep aside) the file.
    auto withStore = [&exitCode](auto run) {
        return [&exitCode, run] {
            QSettings settings;
            storage::ProfileStore store(settings);
            if (!store.problem().isEmpty()) std::cerr << "warning: " << s(store.problem()) << "\n";
            exitCode = run(store);
        };
    };
    profiles->add_subcommand("list", "Saved profiles: name, environment, server and where the password comes from")
        ->callback(withStore([&ctx](storage::ProfileStore& store) { return runList(ctx, store); }));

    auto* exp = profiles->add_subcommand("export", "Write saved profiles to a versioned JSON file, without secrets");
    auto names = std::make_shared<std::vector<std::string>>();
    auto output = std::make_shared<std::string>();
    exp->add_option("names", *names, "Only these profiles (names or ids); all by default");
    exp->add_option("-o,--output", *output, "The file to write (stdout by default)");
    exp->callback(
        withStore([names, output](storage::ProfileStore& store) { return runExport(store, *names, *output); }));

    auto* imp = profiles->add_subcommand(
        "import", "Merge a profiles file into the saved ones by id: shows what changes, applies with --yes");
    auto path = std::make_shared<std::string>();
    auto yes = std::make_shared<bool>(false);
    imp->add_option("file", *path, "A file written by profiles export or File → Export profiles…")->required();
    imp->add_flag("-y,--yes", *yes, "Apply the changes shown");
    imp->callback(
        withStore([&ctx, path, yes](storage::ProfileStore& store) { return runImport(ctx, store, *path, *yes); }));
}

} // namespace kiq::cli

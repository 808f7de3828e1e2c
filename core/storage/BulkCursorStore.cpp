#include "storage/BulkCursorStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace kiq::storage {

using sidekiq::parseActionName;
using sidekiq::parseSetName;

namespace {
QJsonObject toJson(const BulkOperation& op)
{
    const auto& p = op.progress;
    return QJsonObject {
        {"id", QString::fromStdString(op.id)},
        {"deployment", QString::fromStdString(op.deployment)},
        {"set", setName(op.spec.set)},
        {"filter", QString::fromStdString(op.spec.filter)},
        {"action", actionName(op.spec.action)},
        {"targetQueue", QString::fromStdString(op.spec.targetQueue)},
        {"rate", op.spec.ratePerSecond},
        {"total", p.total},
        {"scanned", p.scanned},
        {"matched", p.matched},
        {"affected", p.affected},
        {"missing", p.missing},
        {"skipped", p.skipped},
        // JSON has no infinities: an unset cursor (-inf) is written as null, +inf as "+inf".
        {"cursorScore",
            std::isfinite(p.cursorScore) ? QJsonValue(p.cursorScore)
                : p.cursorScore > 0      ? QJsonValue("+inf")
                                         : QJsonValue()},
        {"keptAtCursor", p.keptAtCursor},
        {"finished", p.finished},
        {"cancelled", p.cancelled},
        {"startedAt", op.startedAt},
        {"updatedAt", op.updatedAt},
    };
}

std::optional<BulkOperation> fromJson(const QJsonObject& o)
{
    BulkOperation op;
    op.id = o["id"].toString().toStdString();
    op.deployment = o["deployment"].toString().toStdString();
    const auto set = parseSetName(o["set"].toString().toStdString());
    const auto action = parseActionName(o["action"].toString().toStdString());
    if (op.id.empty() || !set || !action) return std::nullopt;
    op.spec.set = *set;
    op.spec.action = *action;
    op.spec.filter = o["filter"].toString().toStdString();
    op.spec.targetQueue = o["targetQueue"].toString().toStdString();
    op.spec.ratePerSecond = o["rate"].toDouble();
    auto& p = op.progress;
    p.total = o["total"].toInteger();
    p.scanned = o["scanned"].toInteger();
    p.matched = o["matched"].toInteger();
    p.affected = o["affected"].toInteger();
    p.missing = o["missing"].toInteger();
    p.skipped = o["skipped"].toInteger();
    if (o["cursorScore"].isDouble())
        p.cursorScore = o["cursorScore"].toDouble();
    else if (o["cursorScore"].toString() == QLatin1String("+inf"))
        p.cursorScore = std::numeric_limits<double>::infinity();
    p.keptAtCursor = o["keptAtCursor"].toInteger();
    p.finished = o["finished"].toBool();
    p.cancelled = o["cancelled"].toBool();
    op.startedAt = o["startedAt"].toDouble();
    op.updatedAt = o["updatedAt"].toDouble();
    return op;
}
} // namespace

BulkCursorStore::BulkCursorStore(std::string directory)
    : m_directory(std::move(directory))
{
    if (m_directory.empty())
        m_directory = (QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/bulk").toStdString();
}

std::string BulkCursorStore::pathFor(const std::string& id) const
{
    return m_directory + "/" + id + ".json";
}

void BulkCursorStore::save(const BulkOperation& op) const
{
    QDir().mkpath(QString::fromStdString(m_directory));
    QSaveFile file(QString::fromStdString(pathFor(op.id)));
    if (!file.open(QIODevice::WriteOnly))
        throw std::runtime_error(
            "cannot write the bulk cursor " + pathFor(op.id) + ": " + file.errorString().toStdString());
    file.write(QJsonDocument(toJson(op)).toJson(QJsonDocument::Indented));
    if (!file.commit())
        throw std::runtime_error(
            "cannot save the bulk cursor " + pathFor(op.id) + ": " + file.errorString().toStdString());
}

void BulkCursorStore::remove(const std::string& id) const
{
    QFile::remove(QString::fromStdString(pathFor(id)));
}

std::optional<BulkOperation> BulkCursorStore::load(const std::string& id) const
{
    QFile file(QString::fromStdString(pathFor(id)));
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject()) return std::nullopt;
    return fromJson(doc.object());
}

std::vector<BulkOperation> BulkCursorStore::unfinished(const std::string& deployment) const
{
    std::vector<BulkOperation> out;
    const QDir dir(QString::fromStdString(m_directory));
    for (const QString& name : dir.entryList({"*.json"}, QDir::Files)) {
        auto op = load(name.chopped(5).toStdString());
        if (!op || op->progress.finished) continue;
        if (!deployment.empty() && op->deployment != deployment) continue;
        out.push_back(std::move(*op));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.startedAt < b.startedAt; });
    return out;
}

} // namespace kiq::storage

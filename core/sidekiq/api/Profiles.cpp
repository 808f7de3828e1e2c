#include "sidekiq/api/Profiles.h"

#include "util/ParseNumber.h"
#include "util/SaveFile.h"

#include <QDateTime>

#include <zlib.h>

#include <algorithm>
#include <cstdio>

namespace kiq::sidekiq {

namespace {
constexpr const char* kProfilesKey = "profiles";

bool isGzip(const std::string& data)
{
    return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f
        && static_cast<unsigned char>(data[1]) == 0x8b;
}

// gzip (RFC 1952) of `data`: zlib's deflate with the gzip wrapper (windowBits 15 + 16).
std::optional<QByteArray> gzip(const std::string& data)
{
    z_stream stream {};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    QByteArray out;
    out.resize(qsizetype(deflateBound(&stream, uLong(data.size()))));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = uInt(out.size());
    const int rc = deflate(&stream, Z_FINISH);
    const auto written = qsizetype(stream.total_out);
    deflateEnd(&stream);
    if (rc != Z_STREAM_END) return std::nullopt;
    out.resize(written);
    return out;
}
} // namespace

ProfileList readProfiles(redis::Client& client, double now, std::size_t limit)
{
    char exclusiveNow[64];
    std::snprintf(exclusiveNow, sizeof exclusiveNow, "(%.6f", now);
    const auto head = client.pipeline({
        redis::Command("ZREVRANGEBYSCORE")
            .key(kProfilesKey)
            .arg("+inf")
            .arg(exclusiveNow)
            .arg("WITHSCORES")
            .arg("LIMIT")
            .arg("0")
            .arg(std::to_string(limit + 1)),
        redis::Command("ZCOUNT").key(kProfilesKey).arg("-inf").arg(exclusiveNow + 1),
    });
    const auto& members = head[0].throwIfError().asArray();
    ProfileList list;
    list.expired = head[1].throwIfError().asInteger();

    std::vector<std::pair<std::string, double>> live;
    for (std::size_t i = 0; i + 1 < members.size(); i += 2)
        live.emplace_back(members[i].asString(), util::parseDouble(members[i + 1].asString()).value_or(0));
    list.truncated = live.size() > limit;
    if (list.truncated) live.resize(limit);

    std::vector<redis::Command> reads;
    reads.reserve(live.size());
    for (const auto& [key, score] : live)
        reads.push_back(redis::Command("HMGET")
                            .key(key)
                            .arg("started_at")
                            .arg("jid")
                            .arg("type")
                            .arg("token")
                            .arg("size")
                            .arg("elapsed"));
    const auto replies = client.pipeline(reads);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const auto fields = replies[i].throwIfError().asStringList();
        const bool gone = std::all_of(
            replies[i].asArray().begin(), replies[i].asArray().end(), [](const redis::Reply& r) { return r.isNil(); });
        if (gone || fields.size() != 6) {
            ++list.vanished;
            continue;
        }
        ProfileRecord r;
        r.key = live[i].first;
        r.expiresAt = live[i].second;
        // A field written differently is left at its default: one odd record must not hide the rest.
        r.startedAt = util::parseInteger(fields[0]).value_or(0);
        r.jid = fields[1];
        r.type = fields[2];
        r.token = fields[3];
        r.size = util::parseInteger(fields[4]).value_or(0);
        r.elapsedSeconds = util::parseDouble(fields[5]).value_or(0);
        list.records.push_back(std::move(r));
    }
    return list;
}

std::optional<std::string> readProfileData(redis::Client& client, const std::string& key)
{
    const redis::Reply reply = client.command(redis::Command("HGET").key(key).arg("data"));
    if (reply.throwIfError().isNil()) return std::nullopt;
    return reply.asString();
}

std::string profileFileName(const ProfileRecord& record)
{
    const QString stamp
        = QDateTime::fromSecsSinceEpoch(record.startedAt, Qt::UTC).toString(QStringLiteral("yyyyMMdd-HHmmss"));
    std::string name = record.token + "-" + record.type + "-" + record.jid + "-" + stamp.toStdString() + ".json.gz";
    // A class name may hold "::" and, written by anyone, a slash: neither belongs in a file name.
    std::replace_if(
        name.begin(), name.end(), [](char c) { return c == '/' || c == ':' || c == '\\'; }, '_');
    return name;
}

QString saveProfile(const std::string& data, const QString& path)
{
    if (isGzip(data)) return util::saveFile(path, QByteArray::fromStdString(data));
    const auto compressed = gzip(data);
    if (!compressed) return QStringLiteral("Could not compress the profile.");
    return util::saveFile(path, *compressed);
}

} // namespace kiq::sidekiq

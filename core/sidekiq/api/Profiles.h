#pragma once
// Sidekiq 8's job profiles (docs/sidekiq-data-model.md §16): the `profiles` sorted set (member
// `<token>-<jid>`, score the expiry time) and one HASH per profile with the job, its timing and the
// profile itself (gzip of Firefox-profiler JSON, written by Vernier).
//
// Reading never writes. Sidekiq's own ProfileSet trims expired members on every read
// (ZREMRANGEBYSCORE); on a read-only production console that is a write nobody asked for, so expired
// members are skipped and counted instead, and Sidekiq's next read removes them as before.

#include "redis/Client.h"

#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace kiq::sidekiq {

struct ProfileRecord {
    std::string key; // "<token>-<jid>", the hash's name and the set's member
    std::string token;
    std::string jid;
    std::string type; // the job's class, or `wrapped` for ActiveJob
    long long startedAt = 0; // epoch seconds
    double elapsedSeconds = 0;
    long long size = 0; // bytes of the stored profile (gzip)
    double expiresAt = 0; // the member's score
};

struct ProfileList {
    std::vector<ProfileRecord> records; // newest first
    long long expired = 0; // members past their expiry, skipped (Sidekiq trims them on its next read)
    long long vanished = 0; // members whose hash is gone (expired between the two reads, or deleted)
    bool truncated = false; // more unexpired profiles than `limit`: the newest are listed
};

inline constexpr std::size_t kProfileListLimit = 1000;

// ZREVRANGEBYSCORE profiles +inf (now WITHSCORES LIMIT 0 limit and ZCOUNT profiles -inf now, then one HMGET per
// member (started_at jid type token size elapsed, as ProfileSet#each), pipelined. Throws redis::Error.
ProfileList readProfiles(redis::Client& client, double now, std::size_t limit = kProfileListLimit);

// The stored profile (HGET <key> data); nullopt when it has expired (Sidekiq keeps them a day). Throws
// redis::Error.
std::optional<std::string> readProfileData(redis::Client& client, const std::string& key);

// "<token>-<type>-<jid>-<YYYYmmdd-HHMMSS>.json.gz", the name Sidekiq's profiler gives the file (UTC).
std::string profileFileName(const ProfileRecord& record);

// Writes the profile to `path` as gzip, all or nothing: Sidekiq stores it gzip-compressed already and it
// is written as is; anything else is compressed first, so the file always opens in the Firefox Profiler.
// Blocking (call it off the GUI thread). Empty on success, else why not. Nothing is uploaded anywhere.
QString saveProfile(const std::string& data, const QString& path);

} // namespace kiq::sidekiq

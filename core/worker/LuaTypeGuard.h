#pragma once
// The start of the pool's scripts that move jobs between keys. Redis does not roll a script back, so a
// write refused with WRONGTYPE half-way leaves the writes before it done: a job removed from where it
// was and never written where it goes is lost. The scripts therefore check every destination with
// fits() before their first write and send what cannot be delivered to `dead` (or, when `dead` cannot
// take it either, write nothing and leave it where it is).
//
// fits(key, want): true if `key` is missing or of type `want` ('list', 'set', 'zset'); TYPE is asked
// once per key and script. Each misfit is added to `misfits` ("queue:x is a string, not a list"), for
// the caller's log.
//
// kLuaRequeue, for the scripts that put in-progress jobs back (Fetcher's requeue-all, OrphanRecovery),
// adds the dead-set functions (sidekiq/DeadSet.h) and:
// route(jobs, prefix, deadFits): each job's queue list (from its payload's `queue`, else 'default')
//   when that list fits, else nil (it goes to dead); nil for the whole batch, before any write, when a
//   job can go nowhere.
// deliver(jobs, dest, dead, now): RPUSH each job to its list (next to be popped) or add it to dead;
//   returns the counts pushed and sent to dead (the caller trims dead when that is not 0).

#include "sidekiq/model/DeadSet.h"

#include <string>
#include <string_view>

namespace kiq::worker {

inline constexpr std::string_view kLuaTypeGuard = R"lua(
local misfits, typeOf = {}, {}
local function fits(key, want)
  local t = typeOf[key]
  if not t then
    t = redis.call('TYPE', key).ok
    typeOf[key] = t
    if t ~= 'none' and t ~= want then misfits[#misfits + 1] = key .. ' is a ' .. t .. ', not a ' .. want end
  end
  return t == 'none' or t == want
end
)lua";

inline const std::string kLuaRequeue = std::string(kLuaTypeGuard) + std::string(sidekiq::kLuaDeadSet) + R"lua(
local function route(jobs, prefix, deadFits)
  local dest = {}
  for j = 1, #jobs do
    local ok, job = pcall(cjson.decode, jobs[j])
    if ok and type(job) == 'table' then
      local queue = job['queue']
      if type(queue) ~= 'string' or queue == '' then queue = 'default' end
      local key = prefix .. 'queue:' .. queue
      if fits(key, 'list') then dest[j] = key end
    end
    if not dest[j] and not deadFits then return nil end
  end
  return dest
end
local function deliver(jobs, dest, dead, now)
  local pushed, died = 0, 0
  for j = 1, #jobs do
    if dest[j] then
      redis.call('RPUSH', dest[j], jobs[j])
      pushed = pushed + 1
    else
      to_dead(dead, now, jobs[j])
      died = died + 1
    end
  end
  return pushed, died
end
)lua";

} // namespace kiq::worker

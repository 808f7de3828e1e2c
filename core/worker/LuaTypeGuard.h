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

} // namespace kiq::worker

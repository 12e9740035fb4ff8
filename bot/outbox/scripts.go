package outbox

import "github.com/redis/go-redis/v9"

// The outbox's keys, all under its prefix P (one slot):
//
//	P out:ID      an item: a hash of its fields, its tries and when it was enqueued
//	P outbox      items by when they are due
//	P outbox:urgent  the same for ranked items (crisis alerts), claimed first
//	P lane:L      a recipient's items in the order they were enqueued; only
//	              the first may be sent, so nobody's messages overtake each other
//	P sent:ID     a settled item's audit trail, kept against repeats
//	P forgot:T    when texter T said DELETE: older items to them are dropped
//	P hold        until when (Unix ms) the provider asked the account to wait
//	P probe       set after a rate limit: one trial send at a time until one succeeds
//
// KEYS[1] is always the urgent queue and KEYS[2] the other.

// lanes is the Lua every script shares: which queue an item is in, and
// taking an item off its lane, which makes the next one due.
const lanes = `
local function queueOf(k)
  if tonumber(redis.call('HGET', k, 'rank') or 0) > 0 then return KEYS[1] end
  return KEYS[2]
end
local function unlane(P, id, lane, now)
  if not lane or lane == '' then return end
  local L = P .. 'lane:' .. lane
  redis.call('LREM', L, 1, id)
  while true do
    local nxt = redis.call('LINDEX', L, 0)
    if not nxt then return end
    local nk = P .. 'out:' .. nxt
    if redis.call('EXISTS', nk) == 1 then
      redis.call('ZADD', queueOf(nk), now, nxt)
      return
    end
    redis.call('LPOP', L)
  end
end
`

// claim takes up to ARGV[4] items due at ARGV[2] for a lease of ARGV[3] ms,
// urgent ones first, each the first of its lane, and counts the try. An
// item behind another of its lane leaves the queue until it is first. An
// alert (an item with a gist) takes along up to ARGV[5] - 1 alerts that
// follow it in its lane, to send as one. While the provider asks to wait,
// it returns {ms to wait}; after that, one trial item at a time until one
// is sent. Otherwise it returns {0, group...}, a group being
// {trial, id, fields, id, fields…}, its first item first. An item to a
// texter who said DELETE after it was enqueued is dropped.
var claim = redis.NewScript(lanes + `
local P, now, lease, limit, most = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local hold = tonumber(redis.call('GET', P .. 'hold') or 0)
if hold > now then return {hold - now} end
local trial = 0
if redis.call('EXISTS', P .. 'probe') == 1 then trial, limit = 1, 1 end
local out = {0}
local function forgotten(k)
  local texter = redis.call('HGET', k, 'texter')
  local forgot = texter and texter ~= '' and redis.call('GET', P .. 'forgot:' .. texter)
  return forgot and tonumber(forgot) >= tonumber(redis.call('HGET', k, 'at') or 0)
end
for _, q in ipairs(KEYS) do
  for _ = 1, 16 do
    if #out > limit then break end
    local ids = redis.call('ZRANGEBYSCORE', q, '-inf', now, 'LIMIT', 0, 64)
    for _, id in ipairs(ids) do
      if #out > limit then break end
      local k = P .. 'out:' .. id
      local lane = redis.call('HGET', k, 'lane') or ''
      local pos = lane ~= '' and redis.call('LPOS', P .. 'lane:' .. lane, id)
      if redis.call('EXISTS', k) == 0 then
        redis.call('ZREM', q, id)
      elseif forgotten(k) then
        redis.call('DEL', k)
        redis.call('ZREM', q, id)
        unlane(P, id, lane, now)
      elseif pos and pos > 0 then
        redis.call('ZREM', q, id)
      else
        redis.call('ZADD', q, now + lease, id)
        redis.call('HINCRBY', k, 'tries', 1)
        local g = {trial, id, redis.call('HGETALL', k)}
        if pos == 0 and (redis.call('HGET', k, 'gist') or '') ~= '' then
          for _, n in ipairs(redis.call('LRANGE', P .. 'lane:' .. lane, 1, most - 1)) do
            local nk = P .. 'out:' .. n
            if (redis.call('HGET', nk, 'gist') or '') == '' then break end
            redis.call('ZREM', KEYS[1], n)
            redis.call('ZREM', KEYS[2], n)
            g[#g + 1] = n
            g[#g + 1] = redis.call('HGETALL', nk)
          end
        end
        out[#out + 1] = g
        if trial == 1 then redis.call('SET', P .. 'hold', now + lease, 'PX', lease) end
      end
    end
    if #ids < 64 then break end
  end
end
return out
`)

// finish settles items for good: each is removed, its id remembered
// against repeats for ARGV[2] ms, the next of its lane made due at ARGV[3],
// and its record written to its audit trail. An item already settled only
// gets the record (a status callback after the send). ARGV[4] = 1 ends a
// rate limit: the trial went through. The items follow as id, record
// pairs from ARGV[5]. It returns how many it knew.
var finish = redis.NewScript(lanes + `
local P, keep, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
if ARGV[4] == '1' then redis.call('DEL', P .. 'hold', P .. 'probe') end
local known = 0
for i = 5, #ARGV, 2 do
  local id, record = ARGV[i], ARGV[i + 1]
  local k = P .. 'out:' .. id
  local audit = redis.call('HGET', k, 'audit')
  if audit then
    local lane = redis.call('HGET', k, 'lane')
    redis.call('DEL', k)
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('SET', P .. 'sent:' .. id, audit, 'PX', keep)
    unlane(P, id, lane, now)
  else
    audit = redis.call('GET', P .. 'sent:' .. id)
  end
  if audit then
    known = known + 1
    if audit ~= '' then redis.call('RPUSHX', audit, record) end
  end
end
return known
`)

// later puts a claimed item back, due at ARGV[3]. With ARGV[4] = 1 the
// claim does not count as a try (it was never attempted). ARGV[5], when
// not 0, is the ms the provider asked the whole account to wait, which
// holds every send until ARGV[3]; with ARGV[6] = 1 the item was a trial
// that failed for another reason, which ends the rate limit.
var later = redis.NewScript(lanes + `
local P, id = ARGV[1], ARGV[2]
local k = P .. 'out:' .. id
local wait = tonumber(ARGV[5])
if wait > 0 then
  redis.call('SET', P .. 'hold', ARGV[3], 'PX', wait + 60000)
  redis.call('SET', P .. 'probe', '1', 'PX', wait + 3600000)
elseif ARGV[6] == '1' then
  redis.call('DEL', P .. 'hold', P .. 'probe')
end
if redis.call('EXISTS', k) == 0 then return 0 end
redis.call('ZADD', queueOf(k), ARGV[3], id)
if ARGV[4] == '1' then redis.call('HINCRBY', k, 'tries', -1) end
return 1
`)

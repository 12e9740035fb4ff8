-- The handoff queue, its records and their audit trail, changed in one
-- atomic step per operation. ARGV[1] names the operation and ARGV[2] holds
-- its arguments as JSON; the answer is JSON too. Every key shares the
-- prefix P, whose hash tag keeps them in one Redis Cluster slot with the
-- outbox they enqueue to (outbox_put, defined before this file).
--
-- Keys under P:
--   seq             counter of handoff numbers
--   rec:N           hash: the handoff (see fields in store.go)
--   log:N           list: its transcript, "ms|who|text"
--   audit:N         list: every step, "ms|who|what|detail"
--   queue           sorted set of waiting N, by severity then age
--   open:HANDLE     N of the open handoff with that handle
--   texter:ID       N of the texter's open handoff
--   past:ID         set of every N of the texter, for DELETE
--   holds:RID       set of N a responder holds
--   m:SID           the answer to a responder's message, for retries

local P = KEYS[1]
local op = ARGV[1]
local a = cjson.decode(ARGV[2])
local now = a.now

local ranks = {none = 0, possible = 0.5, moderate = 1, high = 2, imminent = 3}

local function fill(tpl, rec, extra)
  local vars = {
    ['{handle}'] = rec.handle or '', ['{category}'] = rec.category or '',
    ['{severity}'] = rec.severity or '',
    ['{wait}'] = tostring(math.floor((now - tonumber(rec.created or now)) / 60000)) .. ' min',
  }
  local out = tpl
  for k, v in pairs(vars) do
    local i = string.find(out, k, 1, true)
    while i do
      out = string.sub(out, 1, i - 1) .. v .. string.sub(out, i + #k)
      i = string.find(out, k, i + #v, true)
    end
  end
  -- The texter's own words go in last, so braces in them stay as written.
  if extra then
    local i = string.find(out, '{text}', 1, true)
    if i then out = string.sub(out, 1, i - 1) .. extra .. string.sub(out, i + 6) end
  end
  return out
end

local function get(n)
  local flat = redis.call('HGETALL', P .. 'rec:' .. n)
  if #flat == 0 then return nil end
  local rec = {n = n}
  for i = 1, #flat, 2 do rec[flat[i]] = flat[i + 1] end
  return rec
end

local function keep(n)
  for _, k in ipairs({'rec:', 'log:', 'audit:'}) do
    redis.call('PEXPIRE', P .. k .. n, a.retention)
  end
end

local function set(rec, fields)
  local flat = {}
  for k, v in pairs(fields) do
    rec[k] = v
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  flat[#flat + 1] = 'updated'
  flat[#flat + 1] = now
  redis.call('HSET', P .. 'rec:' .. rec.n, unpack(flat))
  keep(rec.n)
end

local function audit(n, who, what, detail)
  redis.call('RPUSH', P .. 'audit:' .. n, now .. '|' .. who .. '|' .. what .. '|' .. (detail or ''))
  keep(n)
end

local function transcript(n, who, text)
  redis.call('RPUSH', P .. 'log:' .. n, now .. '|' .. who .. '|' .. text)
  keep(n)
end

-- publish tells consoles something changed (they redraw what they show).
local function publish(rec, what)
  redis.call('PUBLISH', P .. 'events', cjson.encode({handle = rec.handle, what = what}))
end

local function score(rec)
  return (3 - tonumber(rec.rank)) * 1e13 + tonumber(rec.created)
end

-- send enqueues one SMS (or call) about rec; id makes it happen once. It
-- comes from the line's configured sender, or else the number the texter
-- wrote to.
local function send(rec, id, to, body, texter, kind)
  local from = a.from
  if not from or from == '' then from = rec.line or '' end
  local wa = string.sub(from, 1, 9) == 'whatsapp:'
  if kind == 'call' or (texter or '') == '' or rec.channel ~= 'whatsapp' then
    -- Calls and responders' texts go by phone: a WhatsApp sender is its
    -- number; a Messaging Service cannot call.
    if wa then from = string.sub(from, 10) end
    if kind == 'call' and string.sub(from, 1, 2) == 'MG' then
      from = string.gsub(rec.line or '', '^whatsapp:', '')
    end
  elseif not wa and string.sub(from, 1, 2) ~= 'MG' then
    from = 'whatsapp:' .. from
  end
  outbox_put(P, id, now, {'kind', kind or 'sms', 'to', to, 'from', from, 'body', body,
    'texter', texter or '', 'audit', P .. 'audit:' .. rec.n})
end

local function to_texter(rec, id, texts)
  send(rec, id, rec.addr, texts[rec.lang] or texts.en, rec.texter)
end

local function alert_all(rec, tpl, tag)
  for _, r in ipairs(a.responders or {}) do
    send(rec, rec.n .. ':' .. tag .. ':' .. r.id, r.addr, fill(tpl, rec), '')
  end
  audit(rec.n, 'line', 'alerted', tag)
end

local function close(rec, who, why)
  redis.call('ZREM', P .. 'queue', rec.n)
  redis.call('DEL', P .. 'open:' .. rec.handle)
  if redis.call('GET', P .. 'texter:' .. rec.texter) == rec.n then
    redis.call('DEL', P .. 'texter:' .. rec.texter)
  end
  if rec.holder ~= '' then redis.call('SREM', P .. 'holds:' .. rec.holder, rec.n) end
  set(rec, {state = 'closed', closed = now})
  audit(rec.n, who, 'closed', why)
  publish(rec, 'closed')
end

-- create opens a handoff for the texter described in a.
local function create(state)
  local n = tostring(redis.call('INCR', P .. 'seq'))
  local handle
  if state ~= 'alert' then
    for _, h in ipairs(a.handles) do
      if redis.call('EXISTS', P .. 'open:' .. h) == 0 then handle = h break end
    end
  end
  -- An alert is never taken, so it never holds a short handle.
  if not handle then handle = 'N' .. n end
  local rec = {n = n, handle = handle}
  set(rec, {
    handle = handle, texter = a.texter, addr = a.addr, line = a.line, channel = a.channel, lang = a.lang,
    category = a.category, severity = a.severity, rank = ranks[a.severity] or 0,
    state = state, holder = '', holder_addr = '', created = now, taken = 0, closed = 0,
    remind_at = now + a.remind, reminders = 0, alerted = 0, reason = a.reason,
  })
  audit(n, 'texter', 'opened', a.reason .. ' ' .. a.category .. ' ' .. a.severity)
  redis.call('SADD', P .. 'past:' .. a.texter, n)
  redis.call('PEXPIRE', P .. 'past:' .. a.texter, a.retention)
  if state ~= 'alert' then
    redis.call('SET', P .. 'open:' .. handle, n)
    redis.call('SET', P .. 'texter:' .. a.texter, n)
    redis.call('ZADD', P .. 'queue', score(rec), n)
  end
  return rec
end

-- resolve finds the handoff a responder's command is about: the handle
-- given, or the one they hold.
local function resolve()
  if a.handle ~= '' then
    local n = redis.call('GET', P .. 'open:' .. a.handle)
    if not n then return nil, 'unknown' end
    return get(n)
  end
  local held = redis.call('SMEMBERS', P .. 'holds:' .. a.responder)
  if #held == 0 then return nil, 'none_held' end
  if #held > 1 then return nil, 'which' end
  return get(held[1])
end

local function held_handles()
  local out = {}
  for _, n in ipairs(redis.call('SMEMBERS', P .. 'holds:' .. a.responder)) do
    out[#out + 1] = redis.call('HGET', P .. 'rec:' .. n, 'handle')
  end
  table.sort(out)
  return table.concat(out, ', ')
end

-- answer encodes an operation's result and keeps it under the message or
-- action that caused it: done again (a retried webhook, a console's second
-- click), the operation changes nothing and answers the same.
local function answer(res)
  local out = cjson.encode(res)
  if a.msg and a.msg ~= '' and op ~= 'remind' then
    redis.call('SET', P .. 'm:' .. a.msg, out, 'PX', 900000)
  end
  return out
end

if a.msg and a.msg ~= '' and op ~= 'remind' then
  local done = redis.call('GET', P .. 'm:' .. a.msg)
  if done then
    local res = cjson.decode(done)
    res.again = true
    return cjson.encode(res)
  end
end

if op == 'texter' then
  -- A texter's message: opens their handoff when asked (a.open), raises
  -- its severity, keeps the words and relays them to whoever holds it.
  local n = redis.call('GET', P .. 'texter:' .. a.texter)
  local rec = n and get(n)
  local created = false
  if not rec then
    if not a.open then return answer({state = 'none'}) end
    rec = create('waiting')
    created = true
    if a.offhours then
      set(rec, {offhours = 1})
    else
      set(rec, {alerted = 1})
      alert_all(rec, a.alert, 'alert')
    end
  elseif (ranks[a.severity] or 0) > tonumber(rec.rank) then
    set(rec, {category = a.category, severity = a.severity, rank = ranks[a.severity], offhours = 0})
    audit(n, 'texter', 'raised', a.category .. ' ' .. a.severity)
    if rec.state == 'waiting' then
      redis.call('ZADD', P .. 'queue', score(rec), n)
      set(rec, {alerted = 1, remind_at = now + a.remind})
      alert_all(rec, a.alert, 'raised:' .. a.msg)
    end
  end
  if rec.lang ~= a.lang then set(rec, {lang = a.lang}) end
  -- A message triage flagged carries its flag: "texter:category:severity".
  local who = 'texter'
  if a.flag and a.flag ~= '' then who = 'texter:' .. a.flag end
  if a.text ~= '' then transcript(rec.n, who, a.text) end
  publish(rec, created and 'opened' or 'message')
  -- A responder on the console reads the transcript; one on a phone gets
  -- the words by SMS.
  if rec.state == 'active' and a.text ~= '' and rec.holder_addr ~= '' then
    send(rec, a.msg .. ':relay', rec.holder_addr, fill(a.relay, rec, a.relayed), '')
  end
  return answer({state = rec.state, handle = rec.handle, created = created})

elseif op == 'alert' then
  -- A crisis from a texter who opted out: the responders hear of it, the
  -- texter cannot be answered.
  local rec = create('alert')
  set(rec, {state = 'closed', closed = now, alerted = 1})
  alert_all(rec, a.alert, 'alert')
  if a.text ~= '' then transcript(rec.n, 'texter', a.text) end
  return answer({state = 'closed', handle = rec.handle})

elseif op == 'leave' then
  -- The texter opted out: the handoff ends, and its holder is told.
  local n = redis.call('GET', P .. 'texter:' .. a.texter)
  local rec = n and get(n)
  if not rec then return answer({state = 'none'}) end
  if rec.holder_addr ~= '' then
    send(rec, a.msg .. ':left', rec.holder_addr, fill(a.left, rec), '')
  end
  close(rec, 'texter', 'opted out')
  return answer({state = 'closed', handle = rec.handle})

elseif op == 'take' then
  local rec, why = resolve()
  if not rec then return answer({reply = why}) end
  if rec.state == 'active' and rec.holder ~= a.responder then
    audit(rec.n, a.responder, 'take refused', 'held by ' .. rec.holder)
    return answer({reply = 'taken_other', handle = rec.handle})
  end
  local fresh = rec.state == 'waiting'
  if fresh then
    redis.call('ZREM', P .. 'queue', rec.n)
    redis.call('SADD', P .. 'holds:' .. a.responder, rec.n)
    redis.call('PEXPIRE', P .. 'holds:' .. a.responder, a.retention)
    set(rec, {state = 'active', holder = a.responder, holder_addr = a.raddr, taken = now})
    audit(rec.n, a.responder, 'taken', '')
    publish(rec, 'taken')
    to_texter(rec, rec.n .. ':joined:' .. a.msg, a.joined)
  end
  local recent = {}
  local lines = redis.call('LRANGE', P .. 'log:' .. rec.n, -5, -1)
  for _, l in ipairs(lines) do
    local _, _, who, text = string.find(l, '^%d+|([^|]*)|(.*)$')
    if who and string.sub(who, 1, 6) == 'texter' then recent[#recent + 1] = '> ' .. text end
  end
  return answer({reply = 'taken', handle = rec.handle, category = rec.category, severity = rec.severity,
    texter = rec.texter, session = 'active', recent = table.concat(recent, '\n'),
    fresh = fresh, since = tonumber(rec.created)})

elseif op == 'pass' or op == 'close' or op == 'say' then
  local rec, why = resolve()
  if not rec then return answer({reply = why, handles = held_handles()}) end
  if rec.holder ~= a.responder then
    return answer({reply = rec.state == 'active' and 'taken_other' or 'none_held', handle = rec.handle})
  end
  if op == 'say' then
    transcript(rec.n, a.responder, a.text)
    send(rec, a.msg .. ':say', rec.addr, a.text, rec.texter)
    audit(rec.n, a.responder, 'replied', '')
    publish(rec, 'message')
    return answer({reply = '', handle = rec.handle})
  end
  if op == 'pass' then
    redis.call('SREM', P .. 'holds:' .. a.responder, rec.n)
    set(rec, {state = 'waiting', holder = '', holder_addr = '', remind_at = now + a.remind, alerted = 1})
    redis.call('ZADD', P .. 'queue', score(rec), rec.n)
    audit(rec.n, a.responder, 'passed', '')
    publish(rec, 'passed')
    to_texter(rec, rec.n .. ':passed:' .. a.msg, a.passed)
    alert_all(rec, a.alert, 'passed:' .. a.msg)
    return answer({reply = 'passed', handle = rec.handle, texter = rec.texter, session = 'waiting'})
  end
  close(rec, a.responder, 'closed by responder')
  to_texter(rec, rec.n .. ':closed', a.closed)
  return answer({reply = 'closed', handle = rec.handle, texter = rec.texter, session = ''})

elseif op == 'cancel' then
  -- The texter stopped waiting before anyone took it.
  local n = redis.call('GET', P .. 'texter:' .. a.texter)
  local rec = n and get(n)
  if rec and rec.state == 'waiting' then close(rec, 'texter', 'stopped waiting') end
  return answer({state = 'none'})

elseif op == 'erase' then
  -- DELETE: the texter's handoffs lose their transcripts and address; the
  -- audit trail keeps that it happened, and no words.
  local n = redis.call('GET', P .. 'texter:' .. a.texter)
  local open = n and get(n)
  if open then close(open, 'texter', 'erased') end
  for _, m in ipairs(redis.call('SMEMBERS', P .. 'past:' .. a.texter)) do
    redis.call('DEL', P .. 'log:' .. m)
    if redis.call('EXISTS', P .. 'rec:' .. m) == 1 then
      redis.call('HSET', P .. 'rec:' .. m, 'addr', '', 'texter', '', 'erased', now)
      audit(m, 'texter', 'erased', '')
    end
  end
  redis.call('DEL', P .. 'past:' .. a.texter)
  -- Nothing still queued may reach them.
  for _, id in ipairs(redis.call('ZRANGE', P .. 'outbox', 0, -1)) do
    if redis.call('HGET', P .. 'out:' .. id, 'texter') == a.texter then
      redis.call('DEL', P .. 'out:' .. id)
      redis.call('ZREM', P .. 'outbox', id)
    end
  end
  return answer({state = 'none'})

elseif op == 'call' then
  -- The texter's CALL: a call to them that is put through to the human
  -- line.
  local n = redis.call('GET', P .. 'texter:' .. a.texter)
  local rec = n and get(n)
  if not rec then return answer({state = 'none'}) end
  send(rec, a.msg .. ':call', rec.addr, a.twiml, rec.texter, 'call')
  audit(n, 'texter', 'call requested', '')
  return answer({state = rec.state, handle = rec.handle})

elseif op == 'list' then
  local out = {}
  for _, n in ipairs(redis.call('ZRANGE', P .. 'queue', 0, a.limit - 1)) do
    local rec = get(n)
    if rec then
      out[#out + 1] = {handle = rec.handle, category = rec.category, severity = rec.severity,
        created = tonumber(rec.created), offhours = rec.offhours == '1'}
    end
  end
  return cjson.encode({queue = out, total = redis.call('ZCARD', P .. 'queue')})

elseif op == 'view' then
  -- One open handoff, with its transcript and audit trail, for the console.
  local n = redis.call('GET', P .. 'open:' .. a.handle)
  local rec = n and get(n)
  if not rec then return cjson.encode({state = 'none'}) end
  return cjson.encode({state = rec.state, handle = rec.handle, category = rec.category,
    severity = rec.severity, holder = rec.holder, since = tonumber(rec.created),
    taken = tonumber(rec.taken), offhours = rec.offhours == '1',
    log = redis.call('LRANGE', P .. 'log:' .. n, 0, -1),
    audit = redis.call('LRANGE', P .. 'audit:' .. n, 0, -1)})

elseif op == 'note' then
  -- A responder's private note: in the transcript for responders, never
  -- sent.
  local n = redis.call('GET', P .. 'open:' .. a.handle)
  local rec = n and get(n)
  if not rec then return answer({reply = 'unknown'}) end
  transcript(n, 'note:' .. a.responder, a.text)
  audit(n, a.responder, 'noted', '')
  publish(rec, 'message')
  return answer({reply = 'noted', handle = rec.handle})

elseif op == 'remind' then
  -- Due reminders: a waiting handoff nobody took in time reminds its
  -- texter (a.max times at most) and alerts the responders again; one
  -- asked for off hours is alerted once responders are on duty.
  local fired = 0
  for _, n in ipairs(redis.call('ZRANGE', P .. 'queue', 0, 199)) do
    local rec = get(n)
    if not rec then
      redis.call('ZREM', P .. 'queue', n)
    elseif rec.alerted == '0' then
      if a.on_duty then
        set(rec, {alerted = 1, remind_at = now + a.remind})
        alert_all(rec, a.alert, 'on_duty:' .. now)
        fired = fired + 1
      end
    elseif tonumber(rec.remind_at) <= now then
      local count = tonumber(rec.reminders) + 1
      set(rec, {reminders = count, remind_at = now + a.remind})
      if rec.offhours ~= '1' and count <= a.max then
        to_texter(rec, n .. ':reminder:' .. count, a.reminder)
      end
      alert_all(rec, a.again, 'again:' .. count)
      fired = fired + 1
    end
  end
  return cjson.encode({fired = fired})
end
return redis.error_reply('unknown operation ' .. op)

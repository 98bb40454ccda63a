namespace Checkpoint.Redis;

/// <summary>The Lua scripts of the put and read paths (each runs atomically on the server).</summary>
internal static class RedisScripts
{
    /// <summary>
    /// Helpers shared by every script. A thread's keys are <c>{tbase}:{suffix}</c> for the suffixes
    /// of <c>TKEYS</c>; fields and members of a namespace start with <c>{ens}|</c> (encoded names
    /// never contain <c>|</c>, and <c>[{ens}|</c> .. <c>({ens}}</c> is exactly that namespace).
    /// </summary>
    public const string Prelude = """
        local TKEYS = {'ns', 'ids', 'cp', 'kids', 'ch', 'chx', 'w', 'wx', 'rp'}
        local function lo(head) return '[' .. head .. '|' end
        local function hi(head) return '(' .. head .. '}' end
        local function strip(items, n)
          for i = 1, #items do items[i] = string.sub(items[i], n + 1) end
          return items
        end
        local function hmget_all(key, fields)
          local out = {}
          for i = 1, #fields, 500 do
            local part = redis.call('HMGET', key, unpack(fields, i, math.min(i + 499, #fields)))
            for j = 1, #part do out[#out + 1] = part[j] end
          end
          return out
        end
        local function delete_writes(w, wx, head)
          local fields = redis.call('ZRANGEBYLEX', wx, lo(head), hi(head))
          for i = 1, #fields, 500 do
            redis.call('HDEL', w, unpack(fields, i, math.min(i + 499, #fields)))
          end
          if #fields > 0 then redis.call('ZREMRANGEBYLEX', wx, lo(head), hi(head)) end
        end
        -- a record value is '{ens}|{parent}|{body}'
        local function parse(v)
          local a = string.find(v, '|', 1, true)
          local b = string.find(v, '|', a + 1, true)
          return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1)
        end
        local function parent_of(v)
          local a = string.find(v, '|', 1, true)
          local b = string.find(v, '|', a + 1, true)
          return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1)
        end
        -- record groups (RedisRecordGroups): a cp field and ids member suffix '{last id}g'; a group value is
        -- '{ens}|', the member count (a byte), the members' ids (16 bytes each), then what only clients decode
        local function is_group(s) return #s == 33 and string.sub(s, 33) == 'g' end
        local HEX16 = string.rep('%02x', 16)
        local function unhex_ids(bin)
          local ids = {}
          for i = 1, math.floor(#bin / 16) do
            ids[i] = string.format(HEX16, string.byte(bin, (i - 1) * 16 + 1, i * 16))
          end
          return ids
        end
        local function group_idbytes(v)
          local a = string.find(v, '|', 1, true)
          return string.sub(v, a + 2, a + 1 + string.byte(v, a + 1) * 16)
        end
        local function group_ids(v) return unhex_ids(group_idbytes(v)) end
        -- ids are compared as bytes: formatting a group's ids as hex costs ~5 us an id in Lua
        local function tobin(hex) return (string.gsub(hex, '%x%x', function(h) return string.char(tonumber(h, 16)) end)) end
        local function group_index(v, bin)
          local ids = group_idbytes(v)
          local from = 1
          while true do
            local at = string.find(ids, bin, from, true)
            if not at then return nil end
            if (at - 1) % 16 == 0 then return (at - 1) / 16 + 1 end
            from = at + 1
          end
        end
        -- member i's parent flag (1: its parent is member i - 1, whose kids entry then leaves that child out)
        local function group_flag(v, i)
          local a = string.find(v, '|', 1, true)
          return string.byte(v, a + 1 + 16 * string.byte(v, a + 1) + i)
        end
        -- the ixt member of a group: its ids go with it, so a purge finds them after the thread's keys expired
        local function ixt_group(ethread, field, v) return ethread .. '|' .. field .. group_idbytes(v) end
        -- the group of id in namespace ens: groups never overlap, so it is the first group after id
        local function find_group_in(tbase, ens, id)
          local from = '(' .. ens .. '|' .. id
          while true do
            local members = redis.call('ZRANGEBYLEX', tbase .. ':ids', from, hi(ens), 'LIMIT', 0, 64)
            if #members == 0 then return nil end
            for _, m in ipairs(members) do
              local rest = string.sub(m, #ens + 2)
              if is_group(rest) then
                local v = redis.call('HGET', tbase .. ':cp', rest)
                if v and group_index(v, tobin(id)) then return rest, v end
                return nil
              end
            end
            from = '(' .. members[#members]
          end
        end
        -- children of a grouped checkpoint that its kids entry leaves out: the next member, when its parent
        local function grouped_children(tbase, ens, id)
          local field, v = find_group_in(tbase, ens, id)
          if not field then return 0 end
          local i = group_index(v, tobin(id))
          if i and i < #group_idbytes(v) / 16 and group_flag(v, i + 1) == 1 then return 1 end
          return 0
        end
        -- the group holding id in any namespace of the thread: field, ens, value (nil when none)
        local function find_group(tbase, id)
          for _, ens in ipairs(redis.call('SMEMBERS', tbase .. ':ns')) do
            local field, v = find_group_in(tbase, ens, id)
            if field then return field, ens, v end
          end
          return nil
        end
        -- one PEXPIRE per key of the thread: a constant number, whatever its size
        local function refresh(tbase, ttl)
          if ttl <= 0 then return end
          for _, s in ipairs(TKEYS) do redis.call('PEXPIRE', tbase .. ':' .. s, ttl) end
        end
        -- drops every global index entry of a thread (deleted, expired, or about to be recreated)
        local function purge(ix, ixt, ethread)
          local n = #ethread + 1
          while true do
            local members = redis.call('ZRANGEBYLEX', ixt, lo(ethread), hi(ethread), 'LIMIT', 0, 500)
            if #members == 0 then return end
            for _, m in ipairs(members) do
              -- '{T}|{id}', or a group's '{T}|{last id}g' and its ids (16 bytes each)
              local rest = string.sub(m, n + 1)
              local ids = {rest}
              if #rest > 33 and string.sub(rest, 33, 33) == 'g' then ids = unhex_ids(string.sub(rest, 34)) end
              for _, id in ipairs(ids) do
                if redis.call('HGET', ix, id) == ethread then redis.call('HDEL', ix, id) end
              end
            end
            redis.call('ZREM', ixt, unpack(members))
          end
        end
        -- garbage-collects one random thread whose keys have expired (amortized: each index entry is dropped once)
        local function sweep(prefix, ix, ixt, threads)
          local t = redis.call('SRANDMEMBER', threads)
          if t and redis.call('EXISTS', prefix .. ':t:' .. t .. ':ns') == 0 then
            purge(ix, ixt, t)
            redis.call('SREM', threads, t)
          end
        end
        local function writes_into(out, tbase, ens, id)
          local head = ens .. '|' .. id
          local fields = redis.call('ZRANGEBYLEX', tbase .. ':wx', lo(head), hi(head))
          if #fields > 0 then
            for _, value in ipairs(hmget_all(tbase .. ':w', fields)) do
              if value then out[#out + 1] = value end
            end
          end
          return out
        end
        -- {id, ethread, ens, parent, body, write...}
        local function read_record(tbase, ethread, id, v)
          local ens, parent, body = parse(v)
          return writes_into({id, ethread, ens, parent, body}, tbase, ens, id)
        end
        -- {id, ethread, ens, '#' .. group field, group value ('' when this reply already holds it), write...}
        local function read_grouped(tbase, ethread, id, sent)
          local field, ens, v
          local bin = tobin(id)
          for _, g in ipairs(sent.groups[tbase] or {}) do
            if group_index(g[3], bin) then field, ens, v = g[1], g[2], g[3] end
          end
          local out
          if field then
            out = {id, ethread, ens, '#' .. field, ''}
          else
            field, ens, v = find_group(tbase, id)
            if not field then return nil end
            sent.groups[tbase] = sent.groups[tbase] or {}
            table.insert(sent.groups[tbase], {field, ens, v})
            out = {id, ethread, ens, '#' .. field, v}
          end
          return writes_into(out, tbase, ens, id)
        end

        """;

    /// <summary>
    /// Stores a checkpoint. KEYS: ix, ixt, threads, then the thread's ns, ids, cp, kids, ch, chx, w, wx.
    /// ARGV: prefix, thread base, encoded thread, encoded ns, mode (c|b), id, parent, body, ttl ms, the
    /// number of blocks, per block its field, the field of its end and its data, then chunk field/data pairs. Returns ok, conflict, duplicate (the id is in another thread or
    /// namespace) or <c>grouped|{field}</c> (the id is in a record group: release it and put again). A re-put of the same id replaces the record and is not its own sibling.
    /// </summary>
    public const string Put = Prelude + """
        local ethread, ens, id, parent = ARGV[3], ARGV[4], ARGV[6], ARGV[7]
        if redis.call('EXISTS', KEYS[4]) == 0 then purge(KEYS[1], KEYS[2], ethread) end
        local owner = redis.call('HGET', KEYS[1], id)
        if owner and owner ~= ethread then
          local obase = ARGV[1] .. ':t:' .. owner
          if redis.call('HEXISTS', obase .. ':cp', id) == 1 or find_group(obase, id) then return 'duplicate' end
          redis.call('ZREM', KEYS[2], owner .. '|' .. id)
        end
        local existing = redis.call('HGET', KEYS[6], id)
        if not existing and owner == ethread then
          -- a re-put of a grouped checkpoint: the client releases the group, then puts again
          local field = find_group(ARGV[2], id)
          if field then return 'grouped|' .. field end
        end
        local replay, oldparent = false, ''
        if existing then
          local xens
          xens, oldparent = parent_of(existing)
          if xens ~= ens then return 'duplicate' end
          replay = true
        end
        local head = ens .. '|'
        if ARGV[5] == 'c' then
          if parent == '' then
            local others = redis.call('ZLEXCOUNT', KEYS[5], lo(ens), hi(ens))
            if replay then others = others - 1 end
            if others > 0 then return 'conflict' end
          else
            local children = tonumber(redis.call('HGET', KEYS[7], head .. parent) or '0')
            if redis.call('HEXISTS', KEYS[6], parent) == 0 then children = children + grouped_children(ARGV[2], ens, parent) end
            if replay and oldparent == parent then children = children - 1 end
            if children > 0 then return 'conflict' end
          end
        end
        local first = 11
        for b = 1, tonumber(ARGV[10]) do
          -- a block: the chunks of its range go, and it replaces the one at its sequence
          local field, till = head .. ARGV[first], head .. ARGV[first + 1]
          local gone = redis.call('ZRANGEBYLEX', KEYS[9], '(' .. field, '(' .. till)
          for j = 1, #gone, 500 do
            local part = {unpack(gone, j, math.min(j + 499, #gone))}
            redis.call('HDEL', KEYS[8], unpack(part))
            redis.call('ZREM', KEYS[9], unpack(part))
          end
          redis.call('HSET', KEYS[8], field, ARGV[first + 2])
          redis.call('ZADD', KEYS[9], 0, field)
          first = first + 3
        end
        for i = first, #ARGV, 2 do
          local field = head .. ARGV[i]
          if redis.call('HSETNX', KEYS[8], field, ARGV[i + 1]) == 1 then
            redis.call('ZADD', KEYS[9], 0, field)
          end
        end
        redis.call('HSET', KEYS[6], id, head .. parent .. '|' .. ARGV[8])
        if replay and oldparent ~= '' then
          if redis.call('HINCRBY', KEYS[7], head .. oldparent, -1) <= 0 then redis.call('HDEL', KEYS[7], head .. oldparent) end
        end
        redis.call('ZADD', KEYS[5], 0, head .. id)
        if parent ~= '' then redis.call('HINCRBY', KEYS[7], head .. parent, 1) end
        if ARGV[5] == 'c' and parent ~= '' then delete_writes(KEYS[10], KEYS[11], head .. parent) end
        redis.call('SADD', KEYS[4], ens)
        redis.call('SADD', KEYS[3], ethread)
        redis.call('HSET', KEYS[1], id, ethread)
        redis.call('ZADD', KEYS[2], 0, ethread .. '|' .. id)
        refresh(ARGV[2], tonumber(ARGV[9]))
        sweep(ARGV[1], KEYS[1], KEYS[2], KEYS[3])
        return 'ok'
        """;

    /// <summary>
    /// Sets a hash field only when it still holds the value read (key rotation re-sealing a record or a
    /// write). KEYS: the hash; ARGV: field, value read, new value. Returns 1 when set, 0 when changed or gone.
    /// </summary>
    public const string ReplaceIfUnchanged = """
        if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        return 1
        """;

    /// <summary>
    /// Replaces chunks by a block when every one is still stored with the bytes the repack read. KEYS: the
    /// thread's ch, chx, rp. ARGV: encoded ns, block field, block data, ttl ms, then the replaced chunks'
    /// field/data pairs. Bumps the repack counter <c>rp</c>, so a prune planned before the swap retries.
    /// Returns 1 when replaced, 0 when a chunk changed.
    /// </summary>
    public const string ReplaceChunks = """
        local head = ARGV[1] .. '|'
        for i = 5, #ARGV, 2 do
          if redis.call('HGET', KEYS[1], head .. ARGV[i]) ~= ARGV[i + 1] then return 0 end
        end
        for i = 5, #ARGV, 2 do
          redis.call('HDEL', KEYS[1], head .. ARGV[i])
          redis.call('ZREM', KEYS[2], head .. ARGV[i])
        end
        redis.call('HSET', KEYS[1], head .. ARGV[2], ARGV[3])
        redis.call('ZADD', KEYS[2], 0, head .. ARGV[2])
        redis.call('INCR', KEYS[3])
        if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[4])) end
        return 1
        """;

    /// <summary>
    /// Stores pending writes. KEYS: ix, ixt, threads, then the thread's ns, w, wx. ARGV: prefix,
    /// thread base, encoded thread, encoded ns, ttl ms, then field/value pairs.
    /// </summary>
    public const string PutWrites = Prelude + """
        if redis.call('EXISTS', KEYS[4]) == 0 then purge(KEYS[1], KEYS[2], ARGV[3]) end
        local head = ARGV[4] .. '|'
        for i = 6, #ARGV, 2 do
          redis.call('HSET', KEYS[5], head .. ARGV[i], ARGV[i + 1])
          redis.call('ZADD', KEYS[6], 0, head .. ARGV[i])
        end
        redis.call('SADD', KEYS[4], ARGV[4])
        redis.call('SADD', KEYS[3], ARGV[3])
        refresh(ARGV[2], tonumber(ARGV[5]))
        sweep(ARGV[1], KEYS[1], KEYS[2], KEYS[3])
        return 'ok'
        """;

    /// <summary>
    /// Reads checkpoints by id (through the global index) with their writes. KEYS: ix, ixt; ARGV:
    /// prefix, then the ids. Returns, per id, an empty array (missing) or {id, encoded thread, encoded
    /// ns, parent, body, write...}. An index entry whose record is gone (its thread expired) is stale:
    /// it is deleted and the id reads as missing.
    /// </summary>
    public const string Read = Prelude + """
        local out, sent = {}, {groups = {}}
        for i = 2, #ARGV do
          local id = ARGV[i]
          local owner = redis.call('HGET', KEYS[1], id)
          local r = {}
          if owner then
            local tbase = ARGV[1] .. ':t:' .. owner
            local v = redis.call('HGET', tbase .. ':cp', id)
            if v then
              r = read_record(tbase, owner, id, v)
            else
              r = read_grouped(tbase, owner, id, sent)
              if not r then
                r = {}
                redis.call('HDEL', KEYS[1], id)
                redis.call('ZREM', KEYS[2], owner .. '|' .. id)
              end
            end
          end
          out[#out + 1] = r
        end
        return out
        """;

    /// <summary>
    /// Reads the latest checkpoint of a (thread, ns). KEYS: the thread's ids, cp; ARGV: thread base,
    /// encoded thread, encoded ns.
    /// </summary>
    public const string Latest = Prelude + """
        local ens = ARGV[3]
        local members = redis.call('ZREVRANGEBYLEX', KEYS[1], hi(ens), lo(ens), 'LIMIT', 0, 1)
        if #members == 0 then return {} end
        local id = string.sub(members[1], #ens + 2)
        if is_group(id) then
          return read_grouped(ARGV[1], ARGV[2], string.sub(id, 1, 32), {groups = {}}) or {}
        end
        local v = redis.call('HGET', KEYS[2], id)
        if not v then return {} end
        return read_record(ARGV[1], ARGV[2], id, v)
        """;

    /// <summary>
    /// Reads chunks. KEYS: the thread's ch, chx; ARGV: encoded ns, then per run the blob hex, the padded
    /// start and the padded end. Returns per run {field, data, field, data, ...} in sequence order
    /// (fields without the namespace), from the chunk holding the run's first item (the last one at or
    /// before the start) to the end.
    /// </summary>
    public const string ReadChunks = Prelude + """
        local out = {}
        local head = ARGV[1] .. '|'
        for i = 2, #ARGV, 3 do
          local blob = head .. ARGV[i] .. ':'
          local from = '[' .. blob
          local holder = redis.call('ZREVRANGEBYLEX', KEYS[2], '[' .. blob .. ARGV[i + 1], '[' .. blob, 'LIMIT', 0, 1)
          if #holder > 0 then
            from = '[' .. holder[1]
          end
          local fields = redis.call('ZRANGEBYLEX', KEYS[2], from, '(' .. blob .. ARGV[i + 2])
          local run = {}
          if #fields > 0 then
            local values = hmget_all(KEYS[1], fields)
            for j = 1, #fields do
              if values[j] then
                run[#run + 1] = string.sub(fields[j], #head + 1)
                run[#run + 1] = values[j]
              end
            end
          end
          out[#out + 1] = run
        end
        return out
        """;

    /// <summary>
    /// Forgets a thread (thread set and index entries) when its keys are gone. KEYS: nsset, threads,
    /// ix, ixt; ARGV: encoded thread.
    /// </summary>
    public const string ForgetExpiredThread = Prelude + """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          purge(KEYS[3], KEYS[4], ARGV[1])
          redis.call('SREM', KEYS[2], ARGV[1])
        end
        return 'ok'
        """;
}

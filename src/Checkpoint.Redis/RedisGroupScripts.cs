namespace Checkpoint.Redis;

/// <summary>The Lua scripts that form and release record groups (<see cref="RedisRecordGroups"/>).</summary>
internal static class RedisGroupScripts
{
    /// <summary>
    /// Replaces loose records by one group when each still holds the value the client read and they are
    /// still adjacent in the namespace (no other checkpoint or group between the first and the last, so
    /// groups never overlap). A member's <c>kids</c> count leaves out its child in the group (the next member,
    /// when the group's flags say so; the put's Continue check adds it back). KEYS: the thread's cp, ids, then
    /// ixt, and the thread's rp, kids. ARGV: encoded ns,
    /// encoded thread, group field, group value, ttl ms, thread base, then per member (oldest first) its
    /// id and the value read. Bumps rp (a prune planned before retries). Returns 1 when grouped, 0 when
    /// something changed (nothing written).
    /// </summary>
    public const string Group = RedisScripts.Prelude + """
        local ens, ethread, field, value = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local n = (#ARGV - 6) / 2
        for i = 7, #ARGV, 2 do
          if redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[i + 1] then return 0 end
        end
        local span = redis.call('ZLEXCOUNT', KEYS[2], '[' .. ens .. '|' .. ARGV[7], '[' .. ens .. '|' .. ARGV[#ARGV - 1])
        if span ~= n then return 0 end
        for i = 7, #ARGV, 2 do
          redis.call('HDEL', KEYS[1], ARGV[i])
          redis.call('ZREM', KEYS[2], ens .. '|' .. ARGV[i])
          redis.call('ZREM', KEYS[3], ethread .. '|' .. ARGV[i])
        end
        redis.call('HSET', KEYS[1], field, value)
        redis.call('ZADD', KEYS[2], 0, ens .. '|' .. field)
        redis.call('ZADD', KEYS[3], 0, ixt_group(ethread, field, value))
        -- a member whose parent is the member before it is that parent's child by the group's flags alone
        for i = 9, #ARGV, 2 do
          if group_flag(value, (i - 5) / 2) == 1 then
            local key = ens .. '|' .. ARGV[i - 2]
            if redis.call('HINCRBY', KEYS[5], key, -1) <= 0 then redis.call('HDEL', KEYS[5], key) end
          end
        end
        redis.call('INCR', KEYS[4])
        refresh(ARGV[6], tonumber(ARGV[5]))
        return 1
        """;

    /// <summary>
    /// Puts a group's members back as loose records (before a re-put, a prune or a key rotation touches one)
    /// when the group still holds the value the client decoded, with their <c>kids</c> counts whole again.
    /// KEYS: the thread's cp, ids, then ixt, and the thread's rp, kids. ARGV: encoded thread, group field, group value read, ttl ms, thread base, then per
    /// member its id and loose value. Bumps rp. Returns 1 when released, 0 when the group changed or is gone.
    /// </summary>
    public const string Release = RedisScripts.Prelude + """
        local ethread, field = ARGV[1], ARGV[2]
        local v = redis.call('HGET', KEYS[1], field)
        if v ~= ARGV[3] then return 0 end
        local ens = string.sub(v, 1, string.find(v, '|', 1, true) - 1)
        redis.call('HDEL', KEYS[1], field)
        redis.call('ZREM', KEYS[2], ens .. '|' .. field)
        redis.call('ZREM', KEYS[3], ixt_group(ethread, field, v))
        local ids = group_ids(v)
        for i = 2, #ids do
          if group_flag(v, i) == 1 then redis.call('HINCRBY', KEYS[5], ens .. '|' .. ids[i - 1], 1) end
        end
        for i = 6, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          redis.call('ZADD', KEYS[2], 0, ens .. '|' .. ARGV[i])
          redis.call('ZADD', KEYS[3], 0, ethread .. '|' .. ARGV[i])
        end
        redis.call('INCR', KEYS[4])
        refresh(ARGV[5], tonumber(ARGV[4]))
        return 1
        """;

    /// <summary>
    /// One page of a namespace's ids, newest first. KEYS: the thread's ids, cp. ARGV: encoded ns, upper
    /// bound, lower bound (ZREVRANGEBYLEX forms), the number of ids wanted, and the id the upper bound excludes
    /// ('' for none). Returns first the group spanning that id ('' when none), then '1' when the set has no
    /// more members below this page (else '0'): a group's member sorts at its newest id, so a
    /// group with ids below the bound may sort above it (a listing's <c>before</c>, or a group formed since the
    /// previous page). Then per member its id, or for a group <c>{last id}g</c> followed by its members' ids
    /// (oldest first, 16 bytes each: Lua formats hex slowly).
    /// </summary>
    public const string Page = RedisScripts.Prelude + """
        local ens = ARGV[1]
        local function item(rest)
          local v = redis.call('HGET', KEYS[2], rest)
          return rest .. (v and group_idbytes(v) or '')
        end
        local out = {''}
        if ARGV[5] ~= '' then
          -- the first group at or after the bound (groups never overlap: only it can span the bound)
          local from = '[' .. ens .. '|' .. ARGV[5]
          local searching = true
          while searching do
            local members = redis.call('ZRANGEBYLEX', KEYS[1], from, hi(ens), 'LIMIT', 0, 64)
            if #members == 0 then break end
            for _, m in ipairs(members) do
              local rest = string.sub(m, #ens + 2)
              if is_group(rest) then
                out[1] = item(rest)
                searching = false
                break
              end
            end
            from = '(' .. members[#members]
          end
        end
        -- members in small batches, until the page has enough ids (a group brings up to 32)
        out[2] = '0'
        local want, got, upper = tonumber(ARGV[4]), 0, ARGV[2]
        while got < want do
          local batch = math.max(1, math.min(8, want - got))
          local members = redis.call('ZREVRANGEBYLEX', KEYS[1], upper, ARGV[3], 'LIMIT', 0, batch)
          for _, m in ipairs(members) do
            local rest = string.sub(m, #ens + 2)
            if is_group(rest) then
              out[#out + 1] = item(rest)
              got = got + (#out[#out] - 33) / 32
            else
              out[#out + 1] = rest
              got = got + 1
            end
          end
          if #members < batch then
            out[2] = '1'
            break
          end
          upper = '(' .. members[#members]
        end
        return out
        """;
}

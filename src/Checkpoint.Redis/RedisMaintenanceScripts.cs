namespace Checkpoint.Redis;

/// <summary>The Lua scripts of delete, copy and prune (each runs atomically on the server).</summary>
internal static class RedisMaintenanceScripts
{
    /// <summary>Deletes a thread. KEYS: nsset, threads; ARGV: prefix, thread base, encoded thread.</summary>
    public const string DeleteThread = RedisScripts.Prelude + """
        for _, ens in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local ids = nskey(ARGV[2], ens, 'ids')
          for _, id in ipairs(redis.call('ZRANGE', ids, 0, -1)) do redis.call('DEL', ARGV[1] .. ':cp:' .. id) end
          for _, s in ipairs({'ids', 'kids', 'ch', 'chx', 'w', 'wx'}) do redis.call('DEL', nskey(ARGV[2], ens, s)) end
        end
        redis.call('DEL', KEYS[1])
        redis.call('SREM', KEYS[2], ARGV[3])
        return 'ok'
        """;

    /// <summary>
    /// Every checkpoint id of a thread. KEYS: nsset. Returns per namespace {encoded ns, id...} (ids
    /// newest first), and the chunk fields of the namespace after a '' separator.
    /// </summary>
    public const string Snapshot = RedisScripts.Prelude + """
        local out = {}
        for _, ens in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local group = {ens}
          for _, id in ipairs(redis.call('ZREVRANGE', nskey(ARGV[1], ens, 'ids'), 0, -1)) do group[#group + 1] = id end
          group[#group + 1] = ''
          if ARGV[2] == '1' then
            for _, f in ipairs(redis.call('ZRANGE', nskey(ARGV[1], ens, 'chx'), 0, -1)) do group[#group + 1] = f end
          end
          out[#out + 1] = group
        end
        return out
        """;

    /// <summary>
    /// Copies a thread. KEYS: source nsset, target nsset, threads. ARGV: prefix, source base, target
    /// base, encoded target thread, target thread, ttl ms, then old/new id pairs (every id of the
    /// source). Writes go to the new ids (writes of no checkpoint are left behind). Returns ok,
    /// source (no checkpoints), target (not empty) or changed (ids differ: retry).
    /// </summary>
    public const string CopyThread = RedisScripts.Prelude + """
        if redis.call('EXISTS', KEYS[2]) == 1 then return 'target' end
        if redis.call('EXISTS', KEYS[1]) == 0 then return 'source' end
        local prefix, sbase, dbase = ARGV[1], ARGV[2], ARGV[3]
        local map, n = {}, 0
        for i = 7, #ARGV, 2 do map[ARGV[i]] = ARGV[i + 1]; n = n + 1 end
        local spaces = redis.call('SMEMBERS', KEYS[1])
        local total = 0
        for _, ens in ipairs(spaces) do
          for _, id in ipairs(redis.call('ZRANGE', nskey(sbase, ens, 'ids'), 0, -1)) do
            if not map[id] then return 'changed' end
            total = total + 1
          end
        end
        if total ~= n then return 'changed' end
        if n == 0 then return 'source' end
        for _, ens in ipairs(spaces) do
          local dids, dkids = nskey(dbase, ens, 'ids'), nskey(dbase, ens, 'kids')
          for _, id in ipairs(redis.call('ZRANGE', nskey(sbase, ens, 'ids'), 0, -1)) do
            local h = redis.call('HMGET', prefix .. ':cp:' .. id, 'ns', 'parent', 'body')
            local parent = h[2]
            if parent ~= '' and map[parent] then parent = map[parent] end
            redis.call('HSET', prefix .. ':cp:' .. map[id], 'thread', ARGV[5], 'ns', h[1], 'parent', parent,
              'body', h[3], 'base', dbase .. ':n:' .. ens)
            redis.call('ZADD', dids, 0, map[id])
            if parent ~= '' then redis.call('HINCRBY', dkids, parent, 1) end
          end
          local chunks = redis.call('HGETALL', nskey(sbase, ens, 'ch'))
          for i = 1, #chunks, 2 do
            redis.call('HSET', nskey(dbase, ens, 'ch'), chunks[i], chunks[i + 1])
            redis.call('ZADD', nskey(dbase, ens, 'chx'), 0, chunks[i])
          end
          local writes = redis.call('HGETALL', nskey(sbase, ens, 'w'))
          for i = 1, #writes, 2 do
            local target = map[string.sub(writes[i], 1, 32)]
            if target then
              local field = target .. string.sub(writes[i], 33)
              redis.call('HSET', nskey(dbase, ens, 'w'), field, writes[i + 1])
              redis.call('ZADD', nskey(dbase, ens, 'wx'), 0, field)
            end
          end
          redis.call('SADD', KEYS[2], ens)
        end
        redis.call('SADD', KEYS[3], ARGV[4])
        refresh(prefix, dbase, tonumber(ARGV[6]))
        return 'ok'
        """;

    /// <summary>
    /// Prunes a thread. KEYS: nsset. ARGV: prefix, thread base, namespace count, then per namespace:
    /// encoded ns, expected id count, expected newest id, number of ids to delete, the ids, number of
    /// chunk fields to delete, the fields. Returns the number of checkpoints deleted, or -1 when the
    /// thread changed since the snapshot (retry).
    /// </summary>
    public const string Prune = RedisScripts.Prelude + """
        local prefix, tbase = ARGV[1], ARGV[2]
        if redis.call('SCARD', KEYS[1]) ~= tonumber(ARGV[3]) then return -1 end
        local groups, i = {}, 4
        for g = 1, tonumber(ARGV[3]) do
          local group = {ens = ARGV[i], count = tonumber(ARGV[i + 1]), newest = ARGV[i + 2], ids = {}, chunks = {}}
          i = i + 3
          for k = 1, tonumber(ARGV[i]) do group.ids[k] = ARGV[i + k] end
          i = i + tonumber(ARGV[i]) + 1
          for k = 1, tonumber(ARGV[i]) do group.chunks[k] = ARGV[i + k] end
          i = i + tonumber(ARGV[i]) + 1
          local idskey = nskey(tbase, group.ens, 'ids')
          if redis.call('SISMEMBER', KEYS[1], group.ens) == 0 then return -1 end
          if redis.call('ZCARD', idskey) ~= group.count then return -1 end
          if group.count > 0 and redis.call('ZREVRANGE', idskey, 0, 0)[1] ~= group.newest then return -1 end
          groups[g] = group
        end
        local deleted = 0
        for _, group in ipairs(groups) do
          local ens = group.ens
          local w, wx, kids = nskey(tbase, ens, 'w'), nskey(tbase, ens, 'wx'), nskey(tbase, ens, 'kids')
          for _, id in ipairs(group.ids) do
            local cp = prefix .. ':cp:' .. id
            local parent = redis.call('HGET', cp, 'parent')
            if parent and parent ~= '' then
              if redis.call('HINCRBY', kids, parent, -1) <= 0 then redis.call('HDEL', kids, parent) end
            end
            redis.call('DEL', cp)
            deleted = deleted + redis.call('ZREM', nskey(tbase, ens, 'ids'), id)
            delete_writes(w, wx, id)
          end
          for _, field in ipairs(group.chunks) do
            redis.call('HDEL', nskey(tbase, ens, 'ch'), field)
            redis.call('ZREM', nskey(tbase, ens, 'chx'), field)
          end
        end
        return deleted
        """;
}

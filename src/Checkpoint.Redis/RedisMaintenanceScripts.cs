namespace Checkpoint.Redis;

/// <summary>The Lua scripts of delete, copy and prune (each runs atomically on the server).</summary>
internal static class RedisMaintenanceScripts
{
    /// <summary>
    /// Deletes a thread: its keys, its global index entries, its thread-set member. KEYS: threads,
    /// ix, ixt; ARGV: thread base, encoded thread.
    /// </summary>
    public const string DeleteThread = RedisScripts.Prelude + """
        for _, s in ipairs(TKEYS) do redis.call('DEL', ARGV[1] .. ':' .. s) end
        purge(KEYS[2], KEYS[3], ARGV[2])
        redis.call('SREM', KEYS[1], ARGV[2])
        return 'ok'
        """;

    /// <summary>
    /// Every checkpoint id of a thread. KEYS: the thread's ns, ids, chx, rp, cp; ARGV: 1 to include chunk
    /// fields. Returns the repack counter, then per namespace {encoded ns, id...} (ids newest first, a record
    /// group's members in its place), and the chunk fields of
    /// the namespace (without the namespace) after a '' separator.
    /// </summary>
    public const string Snapshot = RedisScripts.Prelude + """
        local out = {redis.call('GET', KEYS[4]) or '0'}
        for _, ens in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local group = {ens}
          for _, m in ipairs(redis.call('ZREVRANGEBYLEX', KEYS[2], hi(ens), lo(ens))) do
            local rest = string.sub(m, #ens + 2)
            if is_group(rest) then
              local v = redis.call('HGET', KEYS[5], rest)
              if v then
                local ids = group_ids(v)
                for k = #ids, 1, -1 do group[#group + 1] = ids[k] end
              end
            else
              group[#group + 1] = rest
            end
          end
          group[#group + 1] = ''
          if ARGV[1] == '1' then
            for _, f in ipairs(redis.call('ZRANGEBYLEX', KEYS[3], lo(ens), hi(ens))) do
              group[#group + 1] = string.sub(f, #ens + 2)
            end
          end
          out[#out + 1] = group
        end
        return out
        """;

    /// <summary>
    /// Copies a thread. KEYS: source nsset, target nsset, threads, ix, ixt. ARGV: source base, target
    /// base, encoded target thread, ttl ms, then per checkpoint of the source its old id, new id, encoded ns,
    /// old parent and new body (the body re-encoded for the new id, see <c>CheckpointRecordCodec.Rebase</c>;
    /// a grouped record's as well: the copy's records are loose). Writes go
    /// to the new ids (writes of no checkpoint are left behind). Returns ok, source (no checkpoints),
    /// target (not empty) or changed (ids differ: retry).
    /// </summary>
    public const string CopyThread = RedisScripts.Prelude + """
        if redis.call('EXISTS', KEYS[2]) == 1 then return 'target' end
        if redis.call('EXISTS', KEYS[1]) == 0 then return 'source' end
        local sbase, dbase, edst = ARGV[1], ARGV[2], ARGV[3]
        local map, spaces, parents, bodies, n = {}, {}, {}, {}, 0
        for i = 5, #ARGV, 5 do
          map[ARGV[i]] = ARGV[i + 1]; spaces[ARGV[i]] = ARGV[i + 2]; parents[ARGV[i]] = ARGV[i + 3]; bodies[ARGV[i]] = ARGV[i + 4]
          n = n + 1
        end
        local count = 0
        for _, m in ipairs(redis.call('ZRANGE', sbase .. ':ids', 0, -1)) do
          local rest = string.sub(m, string.find(m, '|', 1, true) + 1)
          local ids = {rest}
          if is_group(rest) then
            local v = redis.call('HGET', sbase .. ':cp', rest)
            if not v then return 'changed' end
            ids = group_ids(v)
          end
          for _, id in ipairs(ids) do
            if not map[id] then return 'changed' end
            count = count + 1
          end
        end
        if count ~= n then return 'changed' end
        if n == 0 then return 'source' end
        purge(KEYS[4], KEYS[5], edst)
        for old, new in pairs(map) do
          local ens, parent = spaces[old], parents[old]
          if parent ~= '' and map[parent] then parent = map[parent] end
          redis.call('HSET', dbase .. ':cp', new, ens .. '|' .. parent .. '|' .. bodies[old])
          redis.call('ZADD', dbase .. ':ids', 0, ens .. '|' .. new)
          if parent ~= '' then redis.call('HINCRBY', dbase .. ':kids', ens .. '|' .. parent, 1) end
          redis.call('HSET', KEYS[4], new, edst)
          redis.call('ZADD', KEYS[5], 0, edst .. '|' .. new)
        end
        local chunks = redis.call('HGETALL', sbase .. ':ch')
        for i = 1, #chunks, 2 do
          redis.call('HSET', dbase .. ':ch', chunks[i], chunks[i + 1])
          redis.call('ZADD', dbase .. ':chx', 0, chunks[i])
        end
        local writes = redis.call('HGETALL', sbase .. ':w')
        for i = 1, #writes, 2 do
          local a = string.find(writes[i], '|', 1, true)
          local target = map[string.sub(writes[i], a + 1, a + 32)]
          if target then
            local field = string.sub(writes[i], 1, a) .. target .. string.sub(writes[i], a + 33)
            redis.call('HSET', dbase .. ':w', field, writes[i + 1])
            redis.call('ZADD', dbase .. ':wx', 0, field)
          end
        end
        redis.call('SUNIONSTORE', KEYS[2], KEYS[1])
        redis.call('SADD', KEYS[3], edst)
        refresh(dbase, tonumber(ARGV[4]))
        return 'ok'
        """;

    /// <summary>
    /// Prunes a thread. KEYS: the thread's nsset, ix, ixt. ARGV: thread base, encoded thread, the
    /// repack counter of the snapshot, namespace count, then per namespace: encoded ns, expected id count, expected newest id, number
    /// of ids to delete, the ids, number of chunk fields to delete, the fields (without the namespace).
    /// The doomed checkpoints are loose (the client releases their groups first; forming or releasing a group
    /// bumps the repack counter, so a plan made before one retries).
    /// Returns the number of checkpoints deleted, or -1 when a checkpoint written since the snapshot
    /// continues one the snapshot dooms (its chunks may be needed: retry). Checkpoints added since the
    /// snapshot are otherwise fine: a continuation of a kept checkpoint references only the kept one's
    /// chunks and the chunks it wrote itself, and neither is in the garbage list.
    /// </summary>
    public const string Prune = RedisScripts.Prelude + """
        local tbase, ethread = ARGV[1], ARGV[2]
        -- a repack since the snapshot may have moved a referenced item into a chunk the plan deletes
        if (redis.call('GET', tbase .. ':rp') or '0') ~= ARGV[3] then return -1 end
        local ids, cp, kids, w, wx = tbase .. ':ids', tbase .. ':cp', tbase .. ':kids', tbase .. ':w', tbase .. ':wx'
        local groups, i = {}, 5
        for g = 1, tonumber(ARGV[4]) do
          local group = {ens = ARGV[i], count = tonumber(ARGV[i + 1]), newest = ARGV[i + 2], ids = {}, chunks = {}}
          i = i + 3
          for k = 1, tonumber(ARGV[i]) do group.ids[k] = ARGV[i + k] end
          i = i + tonumber(ARGV[i]) + 1
          for k = 1, tonumber(ARGV[i]) do group.chunks[k] = ARGV[i + k] end
          i = i + tonumber(ARGV[i]) + 1
          local ens = group.ens
          local doomed = {}
          for _, id in ipairs(group.ids) do doomed[id] = true end
          local since = group.count > 0 and ('(' .. ens .. '|' .. group.newest) or lo(ens)
          for _, member in ipairs(redis.call('ZRANGEBYLEX', ids, since, hi(ens))) do
            local rest = string.sub(member, #ens + 2)
            local v = not is_group(rest) and redis.call('HGET', cp, rest)
            if v then
              local _, parent = parent_of(v)
              if doomed[parent] then return -1 end
            end
          end
          groups[g] = group
        end
        local deleted = 0
        for _, group in ipairs(groups) do
          local head = group.ens .. '|'
          for _, id in ipairs(group.ids) do
            local v = redis.call('HGET', cp, id)
            if v then
              local _, parent = parent_of(v)
              if parent ~= '' then
                if redis.call('HINCRBY', kids, head .. parent, -1) <= 0 then redis.call('HDEL', kids, head .. parent) end
              end
              redis.call('HDEL', cp, id)
            end
            deleted = deleted + redis.call('ZREM', ids, head .. id)
            delete_writes(w, wx, head .. id)
            redis.call('HDEL', KEYS[2], id)
            redis.call('ZREM', KEYS[3], ethread .. '|' .. id)
          end
          for _, field in ipairs(group.chunks) do
            redis.call('HDEL', tbase .. ':ch', head .. field)
            redis.call('ZREM', tbase .. ':chx', head .. field)
          end
        end
        return deleted
        """;
}

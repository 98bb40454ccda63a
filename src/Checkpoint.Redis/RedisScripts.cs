namespace Checkpoint.Redis;

/// <summary>The Lua scripts of the put and read paths (each runs atomically on the server).</summary>
internal static class RedisScripts
{
    /// <summary>Helpers shared by every script.</summary>
    public const string Prelude = """
        local function nskey(base, ens, suffix) return base .. ':n:' .. ens .. ':' .. suffix end
        local function hmget_all(key, fields)
          local out = {}
          for i = 1, #fields, 500 do
            local part = redis.call('HMGET', key, unpack(fields, i, math.min(i + 499, #fields)))
            for j = 1, #part do out[#out + 1] = part[j] end
          end
          return out
        end
        local function delete_writes(w, wx, id)
          local fields = redis.call('ZRANGEBYLEX', wx, '[' .. id .. '|', '(' .. id .. '}')
          for i = 1, #fields, 500 do
            redis.call('HDEL', w, unpack(fields, i, math.min(i + 499, #fields)))
          end
          if #fields > 0 then redis.call('ZREMRANGEBYLEX', wx, '[' .. id .. '|', '(' .. id .. '}') end
        end
        local function refresh(prefix, tbase, ttl)
          if ttl <= 0 then return end
          local nsset = tbase .. ':ns'
          redis.call('PEXPIRE', nsset, ttl)
          for _, ens in ipairs(redis.call('SMEMBERS', nsset)) do
            for _, s in ipairs({'ids', 'kids', 'ch', 'chx', 'w', 'wx'}) do
              redis.call('PEXPIRE', nskey(tbase, ens, s), ttl)
            end
            for _, id in ipairs(redis.call('ZRANGE', nskey(tbase, ens, 'ids'), 0, -1)) do
              redis.call('PEXPIRE', prefix .. ':cp:' .. id, ttl)
            end
          end
        end
        local function read(cpkey, id)
          local h = redis.call('HMGET', cpkey, 'thread', 'ns', 'parent', 'body', 'base')
          if not h[1] then return {} end
          local out = {id, h[1], h[2], h[3], h[4]}
          local fields = redis.call('ZRANGEBYLEX', h[5] .. ':wx', '[' .. id .. '|', '(' .. id .. '}')
          if #fields > 0 then
            for _, v in ipairs(hmget_all(h[5] .. ':w', fields)) do
              if v then out[#out + 1] = v end
            end
          end
          return out
        end

        """;

    /// <summary>
    /// Stores a checkpoint. KEYS: cp, ids, kids, ch, chx, w, wx, nsset, threads.
    /// ARGV: prefix, thread base, encoded ns, encoded thread, mode (c|b), id, parent, thread, ns, body,
    /// ttl ms, then chunk field/data pairs. Returns ok, conflict or duplicate (the id is in another
    /// thread or namespace). A re-put of the same id replaces the record and is not its own sibling.
    /// </summary>
    public const string Put = Prelude + """
        local existing = redis.call('HMGET', KEYS[1], 'thread', 'ns', 'parent')
        local replay = false
        if existing[1] then
          if existing[1] ~= ARGV[8] or existing[2] ~= ARGV[9] then return 'duplicate' end
          replay = true
        end
        if ARGV[5] == 'c' then
          if ARGV[7] == '' then
            local others = redis.call('ZCARD', KEYS[2])
            if replay then others = others - 1 end
            if others > 0 then return 'conflict' end
          else
            local children = tonumber(redis.call('HGET', KEYS[3], ARGV[7]) or '0')
            if replay and existing[3] == ARGV[7] then children = children - 1 end
            if children > 0 then return 'conflict' end
          end
        end
        for i = 12, #ARGV, 2 do
          if redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[i + 1]) == 1 then
            redis.call('ZADD', KEYS[5], 0, ARGV[i])
          end
        end
        redis.call('HSET', KEYS[1], 'thread', ARGV[8], 'ns', ARGV[9], 'parent', ARGV[7], 'body', ARGV[10],
          'base', ARGV[2] .. ':n:' .. ARGV[3])
        if replay and existing[3] ~= '' then
          if redis.call('HINCRBY', KEYS[3], existing[3], -1) <= 0 then redis.call('HDEL', KEYS[3], existing[3]) end
        end
        redis.call('ZADD', KEYS[2], 0, ARGV[6])
        if ARGV[7] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[7], 1) end
        if ARGV[5] == 'c' and ARGV[7] ~= '' then delete_writes(KEYS[6], KEYS[7], ARGV[7]) end
        redis.call('SADD', KEYS[8], ARGV[3])
        redis.call('SADD', KEYS[9], ARGV[4])
        refresh(ARGV[1], ARGV[2], tonumber(ARGV[11]))
        return 'ok'
        """;

    /// <summary>
    /// Stores pending writes. KEYS: w, wx, nsset, threads. ARGV: prefix, thread base, encoded ns,
    /// encoded thread, ttl ms, then field/value pairs.
    /// </summary>
    public const string PutWrites = Prelude + """
        for i = 6, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          redis.call('ZADD', KEYS[2], 0, ARGV[i])
        end
        redis.call('SADD', KEYS[3], ARGV[3])
        redis.call('SADD', KEYS[4], ARGV[4])
        refresh(ARGV[1], ARGV[2], tonumber(ARGV[5]))
        return 'ok'
        """;

    /// <summary>
    /// Reads checkpoints with their writes. KEYS: cp keys; ARGV: their ids. Returns, per id, an empty
    /// array (missing) or {id, thread, ns, parent, body, write...}.
    /// </summary>
    public const string Read = Prelude + """
        local out = {}
        for i = 1, #KEYS do out[i] = read(KEYS[i], ARGV[i]) end
        return out
        """;

    /// <summary>Reads the latest checkpoint of a (thread, ns). KEYS: ids; ARGV: prefix.</summary>
    public const string Latest = Prelude + """
        local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], '+', '-', 'LIMIT', 0, 1)
        if #ids == 0 then return {} end
        return read(ARGV[1] .. ':cp:' .. ids[1], ids[1])
        """;

    /// <summary>
    /// Reads chunks. KEYS: ch, chx; ARGV: per run, the blob hex and the padded end. Returns per run
    /// {field, data, field, data, ...} in sequence order.
    /// </summary>
    public const string ReadChunks = Prelude + """
        local out = {}
        for i = 1, #ARGV, 2 do
          local fields = redis.call('ZRANGEBYLEX', KEYS[2], '[' .. ARGV[i] .. ':', '(' .. ARGV[i] .. ':' .. ARGV[i + 1])
          local run = {}
          if #fields > 0 then
            local values = hmget_all(KEYS[1], fields)
            for j = 1, #fields do
              if values[j] then
                run[#run + 1] = fields[j]
                run[#run + 1] = values[j]
              end
            end
          end
          out[#out + 1] = run
        end
        return out
        """;

    /// <summary>Forgets a thread in the thread set when its keys are gone. KEYS: nsset, threads; ARGV: encoded thread.</summary>
    public const string ForgetExpiredThread = """
        if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
        return 'ok'
        """;
}

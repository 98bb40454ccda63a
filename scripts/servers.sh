#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for the tests.
#
#   scripts/servers.sh start   installs postgresql and redis-server when missing, starts both on
#                              127.0.0.1 (free ports from 55432 / 56379 up) with data in a fresh
#                              temp dir, waits until they accept connections and writes the env
#                              file (see below). When the env file already names running servers,
#                              they are reused.
#   scripts/servers.sh stop    stops both servers, removes their temp dir and the env file.
#   scripts/servers.sh env     prints the env file path.
#
# The env file ($CHECKPOINT_SERVERS_ENV, default <repo>/.tmp/servers.env) holds shell assignments:
#   CHECKPOINT_POSTGRES       Npgsql connection string (trust auth, user postgres)
#   CHECKPOINT_POSTGRES_DATA  the data directory (tests restart the server with pg_ctl)
#   CHECKPOINT_POSTGRES_BIN   the PostgreSQL bin directory (pg_ctl, pg_isready, psql)
#   CHECKPOINT_POSTGRES_LOG   a server log file the postgres user may write (for pg_ctl restart -l)
#   CHECKPOINT_REDIS          StackExchange.Redis configuration string (host:port)
#   CHECKPOINT_SERVERS_TMP    the temp dir holding both servers' files
# Use it with: set -a; . "$(scripts/servers.sh env)"; set +a
# Exit status is non-zero when a server cannot be started.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
env_file=${CHECKPOINT_SERVERS_ENV:-$repo/.tmp/servers.env}

log() { echo "servers.sh: $*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "need root to run: $*"
  fi
}

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

install_missing() {
  local packages=()
  pg_bin_dir >/dev/null || packages+=(postgresql)
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || packages+=(redis-server)
  [ ${#packages[@]} -eq 0 ] && return 0
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # One installer at a time when several worktrees start servers at once.
  (
    flock -w 600 9 || die "timed out waiting for the apt lock"
    as_root apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
      --no-install-recommends "${packages[@]}" >/dev/null
  ) 9>/tmp/checkpoint-servers-apt.lock
  pg_bin_dir >/dev/null || die "postgresql is not installed"
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port=$1
  while port_in_use "$port"; do
    port=$((port + 1))
    [ "$port" -lt $(($1 + 200)) ] || die "no free port from $1"
  done
  echo "$port"
}

running() {
  [ -f "$env_file" ] || return 1
  (
    set +u
    # shellcheck disable=SC1090
    . "$env_file"
    [ -n "$CHECKPOINT_POSTGRES_BIN" ] && [ -d "$CHECKPOINT_SERVERS_TMP" ] || exit 1
    "$CHECKPOINT_POSTGRES_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 || exit 1
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
  )
}

start_postgres() {
  local bin=$1 tmp=$2 port attempt
  mkdir -p "$tmp/pg" "$tmp/pgsock" "$tmp/pglog"
  chown postgres:postgres "$tmp/pg" "$tmp/pgsock" "$tmp/pglog" 2>/dev/null || true
  as_pg "$bin/initdb" -D "$tmp/pg" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
  port=55432
  for attempt in 1 2 3 4 5; do
    port=$(free_port "$port")
    if as_pg "$bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pglog/postgres.log" -w -t 60 -s start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $tmp/pgsock -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null 2>&1; then
      break
    fi
    log "postgres did not start on port $port (attempt $attempt)"
    port=$((port + 1))
    [ "$attempt" -lt 5 ] || { tail -n 20 "$tmp/pglog/postgres.log" >&2 || true; die "cannot start postgres"; }
  done
  for _ in $(seq 1 100); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 && { echo "$port"; return 0; }
    sleep 0.2
  done
  die "postgres does not accept connections on port $port"
}

start_redis() {
  local tmp=$1 port attempt
  mkdir -p "$tmp/redis"
  port=56379
  for attempt in 1 2 3 4 5; do
    port=$(free_port "$port")
    rm -f "$tmp/redis.pid"
    if redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
      --pidfile "$tmp/redis.pid" --dir "$tmp/redis" --logfile "$tmp/redis.log" >/dev/null 2>&1; then
      for _ in $(seq 1 100); do
        [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && { echo "$port"; return 0; }
        # The daemon exits when it cannot bind the port: try the next one.
        [ -f "$tmp/redis.pid" ] && ! kill -0 "$(cat "$tmp/redis.pid")" 2>/dev/null && break
        sleep 0.1
      done
    fi
    log "redis did not start on port $port (attempt $attempt)"
    port=$((port + 1))
  done
  tail -n 20 "$tmp/redis.log" >&2 || true
  die "cannot start redis"
}

cmd_start() {
  if running; then
    log "servers already running ($env_file)"
    return 0
  fi
  [ -f "$env_file" ] && cmd_stop
  install_missing
  local bin tmp pg_port redis_port
  bin=$(pg_bin_dir)
  tmp=$(mktemp -d /tmp/checkpoint-servers.XXXXXX)
  chmod 755 "$tmp"
  mkdir -p "$(dirname "$env_file")"
  # Written before the servers start, so that stop cleans up after a half-failed start.
  cat >"$env_file" <<EOF
CHECKPOINT_SERVERS_TMP='$tmp'
CHECKPOINT_POSTGRES_BIN='$bin'
CHECKPOINT_POSTGRES_DATA='$tmp/pg'
EOF
  pg_port=$(start_postgres "$bin" "$tmp")
  redis_port=$(start_redis "$tmp")
  cat >"$env_file" <<EOF
CHECKPOINT_SERVERS_TMP='$tmp'
CHECKPOINT_POSTGRES_BIN='$bin'
CHECKPOINT_POSTGRES_DATA='$tmp/pg'
CHECKPOINT_POSTGRES_LOG='$tmp/pglog/postgres.log'
CHECKPOINT_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Include Error Detail=true'
CHECKPOINT_REDIS='127.0.0.1:$redis_port'
PG_PORT=$pg_port
REDIS_PORT=$redis_port
EOF
  log "postgres on 127.0.0.1:$pg_port, redis on 127.0.0.1:$redis_port ($env_file)"
}

cmd_stop() {
  [ -f "$env_file" ] || return 0
  local CHECKPOINT_SERVERS_TMP="" CHECKPOINT_POSTGRES_BIN="" CHECKPOINT_POSTGRES_DATA="" REDIS_PORT=""
  # shellcheck disable=SC1090
  . "$env_file"
  if [ -n "$CHECKPOINT_POSTGRES_DATA" ] && [ -f "$CHECKPOINT_POSTGRES_DATA/postmaster.pid" ]; then
    as_pg "$CHECKPOINT_POSTGRES_BIN/pg_ctl" -D "$CHECKPOINT_POSTGRES_DATA" -m immediate -w -t 30 -s stop >/dev/null 2>&1 \
      || log "pg_ctl stop failed"
  fi
  local pidfile="$CHECKPOINT_SERVERS_TMP/redis.pid"
  if [ -n "$CHECKPOINT_SERVERS_TMP" ] && [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  case "$CHECKPOINT_SERVERS_TMP" in
    /tmp/checkpoint-servers.*) rm -rf "$CHECKPOINT_SERVERS_TMP" ;;
  esac
  rm -f "$env_file"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) echo "$env_file" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

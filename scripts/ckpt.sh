#!/usr/bin/env bash
# Runs the repository's own `ckpt` through the tool manifest (.config/dotnet-tools.json), offline:
# packs src/Checkpoint.Cli into .tmp/tool-packages when its sources changed, installs it from there
# (`dotnet tool restore --add-source`), then runs `dotnet ckpt ARGS...`.
#   scripts/ckpt.sh threads --db sqlite:agent.db
# The package is not on a public feed: a bare `dotnet tool restore` cannot find it until this script
# (or `dotnet pack src/Checkpoint.Cli -o .tmp/tool-packages`) has made it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
packages="$repo/.tmp/tool-packages"
stamp="$packages/.packed"
project="$repo/src/Checkpoint.Cli"

newest=$(find "$project" "$repo/src/Checkpoint" "$repo/src/Checkpoint.Sqlite" "$repo/src/Checkpoint.Postgres" "$repo/src/Checkpoint.Redis" \
  -name '*.cs' -newer "$stamp" -print -quit 2>/dev/null || true)
# A new version (VersionPrefix in Directory.Build.props, named by the tool manifest) needs a new package too.
[ -n "$newest" ] || newest=$(find "$repo/Directory.Build.props" "$repo/.config/dotnet-tools.json" -newer "$stamp" -print -quit 2>/dev/null || true)
if [ ! -f "$stamp" ] || [ -n "$newest" ]; then
  mkdir -p "$packages"
  dotnet pack "$project" -c Release -nologo -v q -o "$packages" >&2
  # A re-packed version must replace the copy the tool cache holds.
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/checkpoint.cli"
  touch "$stamp"
fi
dotnet tool restore --add-source "$packages" >/dev/null
exec dotnet tool run ckpt -- "$@"

#!/usr/bin/env bash
# Packs every package of the solution into .tmp/packages (or $1) and checks each one: the expected set of
# packages (every library under src/ and the ckpt tool), and in each .nuspec a description, the MIT license
# expression, the repository, the packed README.md and LICENSE; each library has lib/net8.0/ and lib/net10.0/.
#   scripts/pack.sh                 # dotnet pack Checkpoint.sln -c Release -o .tmp/packages
#   scripts/pack.sh out --no-build  # after a Release build of the solution
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$repo/.tmp/packages}")
shift || true
rm -rf "$out"
dotnet pack "$repo/Checkpoint.sln" -c Release -nologo -v q -o "$out" "$@"

python3 - "$repo" "$out" <<'PY'
import pathlib, re, sys, zipfile, xml.etree.ElementTree as ET
repo, out = map(pathlib.Path, sys.argv[1:3])
expected = set()
libraries = set()  # every package but the ckpt tool, which ships net10.0 only
for csproj in sorted((repo / "src").glob("*/*.csproj")):
    text = csproj.read_text()
    match = re.search(r"<PackageId>([^<]+)</PackageId>", text)
    expected.add(match.group(1) if match else csproj.stem)
    if "<PackAsTool>true</PackAsTool>" not in text:
        libraries.add(match.group(1) if match else csproj.stem)
found = {}
for nupkg in sorted(out.glob("*.nupkg")):
    if nupkg.name.endswith(".symbols.nupkg"):
        continue
    with zipfile.ZipFile(nupkg) as z:
        names = set(z.namelist())
        nuspec = next(n for n in names if n.endswith(".nuspec") and "/" not in n)
        root = ET.fromstring(z.read(nuspec))
    ns = {"n": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {"n": ""}
    md = root.find("n:metadata", ns)
    get = lambda name: (md.find(f"n:{name}", ns).text or "") if md.find(f"n:{name}", ns) is not None else ""
    problems = []
    license = md.find("n:license", ns)
    if license is None or license.get("type") != "expression" or license.text != "MIT": problems.append("license")
    repository = md.find("n:repository", ns)
    if repository is None or not (repository.get("url") or "").startswith("https://"): problems.append("repository")
    if get("readme") != "README.md" or "README.md" not in names: problems.append("readme")
    if "LICENSE" not in names: problems.append("LICENSE file")
    if not get("description") or get("description") == "Package Description": problems.append("description")
    if not get("tags"): problems.append("tags")
    if get("id") in libraries:
        frameworks = {n.split("/")[1] for n in names if n.startswith("lib/") and n.endswith(".dll")}
        if frameworks != {"net8.0", "net10.0"}: problems.append(f"lib/net8.0 and lib/net10.0 (has {sorted(frameworks)})")
    found[get("id")] = get("version")
    status = "ok" if not problems else "MISSING " + ", ".join(problems)
    print(f"{nupkg.name:55} {nupkg.stat().st_size // 1024:>8} KiB  {status}")
    if problems: sys.exit(f"{nupkg.name}: {', '.join(problems)}")
missing = expected - found.keys()
extra = found.keys() - expected
if missing: sys.exit(f"missing packages: {', '.join(sorted(missing))}")
if extra: sys.exit(f"unexpected packages (set IsPackable=false): {', '.join(sorted(extra))}")
print(f"{len(found)} packages, version {', '.join(sorted(set(found.values())))}: every one has its metadata; "
      f"{len(libraries)} libraries for net8.0 and net10.0")
PY

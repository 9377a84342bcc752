#!/usr/bin/env bash
# History benchmark: `keyward scan --git --all` against the cost of reading
# every object once (`git cat-file --batch-all-objects --batch`) and against
# kingfisher's full-history scan, in one run. Prints wall time, its ratio to
# cat-file, and peak memory.
#
#   scripts/bench-history.sh                # a history built from the Linux 6.1 sources
#   BENCH_REPO=/path/to/clone scripts/bench-history.sh
#
# No public repository can be cloned on this project's machines, so the
# default repository is built here: the kernel tree committed one top-level
# directory (or, for drivers/, one subdirectory) at a time, then 300 commits
# that each edit 20 files.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$here/.." && pwd)"
dir="${BENCH_DIR:-$HOME/.cache/keyward-bench}"
tools="${BENCH_TOOLS:-keyward kingfisher}"
dpkg -s time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

target="${BENCH_REPO:-$dir/history}"
if [ ! -d "$target/.git" ]; then
  src="$dir/linux-source-6.1"
  if [ ! -d "$src" ]; then
    dpkg -s linux-source-6.1 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq linux-source-6.1 >/dev/null; }
    tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir"
  fi
  echo "building $target from $src (a few minutes)"
  mkdir -p "$target" && cd "$target" && git init -q -b main
  git config user.email bench@example.invalid && git config user.name bench
  for entry in "$src"/* "$src"/drivers/*; do
    rel="${entry#"$src"/}"
    [ "$rel" = drivers ] && continue
    mkdir -p "$(dirname "$rel")" && cp -r "$entry" "$rel"
    git add -A -f "$rel" && git commit -q -m "add $rel" || true
  done
  mapfile -t files < <(git ls-files | awk 'NR % 97 == 0')
  for i in $(seq 300); do
    for j in $(seq 20); do
      f="${files[$(( (i * 20 + j) % ${#files[@]} ))]}"
      printf '/* edit %d.%d */\n' "$i" "$j" >> "$f"
    done
    git commit -q -a -m "edit $i"
  done
  git gc -q
fi
cd "$target"

(cd "$repo_dir" && cargo build --release --locked -q)
kingfisher_bin() {
  local venv="$dir/venv-kingfisher"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    local req; req="$(mktemp)"
    echo "kingfisher-bin==2.14.0 --hash=sha256:50f2b9bc05560058c1e7712dd4493cbe145f415b753e76af84ee1bfc2f583799" > "$req"
    "$venv/bin/pip" install -q --no-deps --only-binary=:all: --require-hashes -r "$req"
  fi
  "$venv/bin/python" -c "import importlib.util,os; s=importlib.util.find_spec('kingfisher'); print(os.path.join(os.path.dirname(s.origin), 'bin/kingfisher'))"
}
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
commits="$(git rev-list --all | wc -l)"
objects="$(git count-objects -v | awk '/size-pack/ { print $2 }')"
echo "repository: $target ($commits commits, $((objects / 1024)) MB packed); $(nproc) cores; $(date -u +%F)"

measure() { # NAME COMMAND...
  local name="$1"; shift
  "$@" >/dev/null 2>&1 || true   # warm-up
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" >/dev/null 2>"$out/$name.err" || true
  tail -n 1 "$out/$name.time"
}
declare -A wall rss
read -r wall[cat-file] rss[cat-file] < <(measure cat-file git cat-file --batch-all-objects --batch)
for tool in $tools; do
  case "$tool" in
    keyward) read -r wall[keyward] rss[keyward] < <(measure keyward "$repo_dir/target/release/keyward" scan --git --all -q --format json) ;;
    kingfisher)
      kf="$(kingfisher_bin)"
      read -r wall[kingfisher] rss[kingfisher] < <(measure kingfisher "$kf" scan "$target" --no-validate --no-update-check --git-history full -f jsonl -o "$out/kf.jsonl" -q) ;;
  esac
done
echo
echo "| tool | wall (s) | × cat-file | peak memory (MB) |"
echo "|---|---:|---:|---:|"
for name in cat-file $tools; do
  [ -n "${wall[$name]:-}" ] || continue
  ratio="$(awk -v a="${wall[$name]}" -v b="${wall[cat-file]}" 'BEGIN { printf "%.2f", a / b }')"
  echo "| $name | ${wall[$name]} | $ratio | $(( ${rss[$name]} / 1024 )) |"
done
# /usr/bin/time's peak includes git's own processes; this is keyward alone.
if [[ " $tools " == *" keyward "* ]]; then
  "$repo_dir/target/release/keyward" scan --git --all -q --format json >/dev/null &
  pid=$!; hwm=0
  while kill -0 "$pid" 2>/dev/null; do
    v="$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    if [ -n "$v" ] && [ "$v" -gt "$hwm" ]; then hwm="$v"; fi
    sleep 0.05
  done
  echo
  echo "keyward's own process peaked at $((hwm / 1024)) MB (the figures above include git's processes)."
fi

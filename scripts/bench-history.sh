#!/usr/bin/env bash
# History benchmark: `keyward scan --git --all` against the cost of reading
# every object once (`git cat-file --batch-all-objects --batch`) and against
# kingfisher's full-history scan, on real histories. For each repository it
# prints wall time, the ratio to cat-file (taken per round, cat-file and
# keyward back to back, since shared machines are noisy), peak memory and
# the number of findings.
#
#   scripts/bench-history.sh REPO...        # clones or bare git directories
#   BENCH_REPOS="/a /b" scripts/bench-history.sh
#   BENCH_ROUNDS=3                          # cat-file/keyward pairs per repository
#   BENCH_TOOLS="keyward kingfisher"        # kingfisher runs once per repository
#   BENCH_OUT=DIR                           # keep the reports (keyward JSON, kingfisher JSONL)
#
# The README's figures come from bare mirrors of github.com/git/git,
# hashicorp/terraform and rust-lang/cargo. Without a repository, the script
# builds a synthetic one from Debian's linux-source-6.1 (the tree committed a
# directory at a time, then 300 commits that each edit 20 files).
# Peak memory is /usr/bin/time's: the largest process of the tree, so for
# keyward it is often the `git log` it runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$here/.." && pwd)"
dir="${BENCH_DIR:-$HOME/.cache/keyward-bench}"
tools="${BENCH_TOOLS:-keyward kingfisher}"
rounds="${BENCH_ROUNDS:-3}"
mkdir -p "$dir"
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

synthetic() {
  local target="$dir/history" src="$dir/linux-source-6.1"
  if [ ! -d "$target/.git" ]; then
    if [ ! -d "$src" ]; then
      dpkg -s linux-source-6.1 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq linux-source-6.1 >/dev/null; }
      tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir"
    fi
    echo "building $target from $src (a few minutes)" >&2
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
  echo "$target"
}

repos=("$@")
[ ${#repos[@]} -gt 0 ] || read -r -a repos <<< "${BENCH_REPOS:-}"
[ ${#repos[@]} -gt 0 ] || repos=("$(synthetic)")

(cd "$repo_dir" && cargo build --release --locked -q)
keyward="$repo_dir/target/release/keyward"
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
kf=""
if [[ " $tools " == *" kingfisher "* ]]; then
  kf="$(kingfisher_bin)"
  # Its first run compiles the rules into a cache: not part of any timing.
  warm="$(mktemp -d)"
  git -C "$warm" init -q && "$kf" scan "$warm" --no-validate --no-update-check -q >/dev/null 2>&1 || true
  rm -rf "$warm"
fi

out="${BENCH_OUT:-$(mktemp -d)}"
mkdir -p "$out"
[ -n "${BENCH_OUT:-}" ] || trap 'rm -rf "$out"' EXIT

# measure FILE COMMAND...: run once, leave "wall peak_kb exit" in FILE.
measure() {
  local file="$1"; shift
  local code=0
  /usr/bin/time -f "%e %M" -o "$file.time" "$@" >/dev/null 2>"$file.err" || code=$?
  echo "$(tail -n 1 "$file.time") $code" > "$file"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "$(date -u +%F), $(nproc) cores, $(git --version), kingfisher ${kf:+$("$kf" --version 2>/dev/null | awk '{ print $2 }')}"
for target in "${repos[@]}"; do
  git_dir="$(git -C "$target" rev-parse --absolute-git-dir)"
  name="$(basename "$(dirname "$git_dir")")/$(basename "$git_dir")"
  commits="$(git -C "$target" rev-list --all --count)"
  packed="$(git -C "$target" count-objects -v | awk '/size-pack/ { print int($2 / 1024) }')"
  echo
  echo "## $target ($commits commits reachable from all refs, $packed MB packed)"
  # Warm the page cache, so that no tool pays for the first read.
  cat "$git_dir"/objects/pack/*.pack >/dev/null
  slug="$(echo "$name" | tr '/+' '__')"
  ratios=()
  for r in $(seq "$rounds"); do
    measure "$out/$slug.cat-file.$r" git -C "$target" cat-file --batch-all-objects --batch
    if [[ " $tools " == *" keyward "* ]]; then
      measure "$out/$slug.keyward.$r" "$keyward" scan --git --all "$target" -q --format json -o "$out/$slug.keyward.json"
      read -r cw _ _ < "$out/$slug.cat-file.$r"
      read -r kw _ kcode < "$out/$slug.keyward.$r"
      ratio="$(awk -v a="$kw" -v b="$cw" 'BEGIN { printf "%.2f", a / b }')"
      ratios+=("$ratio")
      echo "round $r: cat-file ${cw}s, keyward ${kw}s (exit $kcode): ${ratio}x, load $(cut -d' ' -f1-3 /proc/loadavg)"
    fi
  done
  if [ -n "$kf" ]; then
    measure "$out/$slug.kingfisher" "$kf" scan "$target" --no-validate --no-update-check --no-dedup \
      --git-history full -f jsonl -o "$out/$slug.kingfisher.jsonl" -q
  fi
  echo
  echo "| tool | wall (s) | × cat-file | peak memory (MB) | findings |"
  echo "|---|---:|---:|---:|---:|"
  row() { # NAME FILES... (median wall, largest peak)
    local label="$1"; shift
    local wall peak
    wall="$(cat "$@" | awk '{ print $1 }' | median)"
    peak="$(cat "$@" | awk '{ print $2 }' | sort -g | tail -n 1)"
    echo "$label $wall $((peak / 1024))"
  }
  runs() { for r in $(seq "$rounds"); do echo "$out/$slug.$1.$r"; done; }
  mapfile -t cat_runs < <(runs cat-file)
  read -r _ cwall cpeak < <(row cat-file "${cat_runs[@]}")
  echo "| cat-file --batch-all-objects | $cwall | 1.00 | $cpeak | |"
  if [[ " $tools " == *" keyward "* ]]; then
    mapfile -t keyward_runs < <(runs keyward)
    read -r _ kwall kpeak < <(row keyward "${keyward_runs[@]}")
    found="$(grep -c '"fingerprint"' "$out/$slug.keyward.json" || true)"
    ratio="$(printf '%s\n' "${ratios[@]}" | median)"
    echo "| **keyward** | $kwall | **$ratio** | $kpeak | $found |"
  fi
  if [ -n "$kf" ]; then
    read -r fwall fpeak fcode < "$out/$slug.kingfisher"
    found="$(grep -c '"finding"' "$out/$slug.kingfisher.jsonl" || true)"
    ratio="$(awk -v a="$fwall" -v b="$cwall" 'BEGIN { printf "%.2f", a / b }')"
    echo "| kingfisher 2.14.0 | $fwall | $ratio | $((fpeak / 1024)) | $found |"
  fi
  # keyward fails closed (exit 2) when objects it must scan are missing.
  if [[ " $tools " == *" keyward "* ]] && grep -q "error" "$out/$slug.keyward.1.err"; then
    echo
    echo "keyward: $(grep -o 'error: .\{0,160\}' "$out/$slug.keyward.1.err" | head -n 1)…"
  fi
done

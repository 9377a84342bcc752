#!/usr/bin/env bash
# The wheel installs keyward with no Rust toolchain: with cargo, rustc and
# rustup off PATH and the wheelhouse (scripts/ci/wheelhouse.sh) standing in
# for PyPI, (1) pip installs keyward-cli into a fresh virtual environment
# and the command runs, (2) `pre-commit try-repo` of this repository's
# default hook installs it and blocks a staged key, (3) so does prek's
# try-repo. Then (4) the keyward-src hook builds from source with cargo.
# Install times are printed. Keys are generated here.
#
# Prints PASS/FAIL lines and a closing "N passed, N failed" line; exits 1 on
# any failure.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="${KEYWARD_CI_TOOLS:-$HOME/.cache/keyward-ci}"
wheelhouse="${KEYWARD_WHEELHOUSE:-$repo/target/wheelhouse}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
[ -n "$(find "$wheelhouse" -maxdepth 1 -name "keyward_cli-$version-*.whl" 2>/dev/null)" ] \
  || { echo "no keyward-cli $version wheel in $wheelhouse: run scripts/ci/wheelhouse.sh"; exit 2; }
if [ ! -x "$tools/venv-pre-commit/bin/pre-commit" ]; then
  python3 -m venv "$tools/venv-pre-commit" && "$tools/venv-pre-commit/bin/pip" install --quiet "pre-commit==4.7.0" || exit 2
fi
if [ ! -x "$tools/venv-prek/bin/prek" ] || [ ! -x "$tools/venv-prek/bin/uv" ]; then
  python3 -m venv "$tools/venv-prek" && "$tools/venv-prek/bin/pip" install --quiet "prek==0.5.10" "uv==0.13.8" || exit 2
fi

. "$here/e2e-lib.sh"

# PATH without any folder that holds cargo, rustc or rustup, and an empty
# HOME, so that neither ~/.cargo nor ~/.rustup (nor a warm pip or uv cache)
# can be found.
mkdir -p "$work/home"
nocargo=""
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] || nocargo="${nocargo:+$nocargo:}$d"
done
without_rust() { env -u CARGO_HOME -u RUSTUP_HOME -u RUSTUP_TOOLCHAIN -u CARGO_TARGET_DIR HOME="$work/home" PATH="$1:$nocargo" "${@:2}"; }
if without_rust /nonexistent sh -c 'command -v cargo || command -v rustc || command -v rustup' >/dev/null; then
  echo "cannot hide the Rust toolchain from PATH"; exit 2
fi

# The hook repository at a commit of the current tree (tracked and
# untracked files, not ignored ones).
hooks="$work/hooks"
mkdir -p "$hooks"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$hooks"
git -C "$hooks" init -q -b main && git -C "$hooks" add -A && git -C "$hooks" commit -qm snapshot

# 1. pip, in a fresh virtual environment.
python3 -m venv "$work/venv"
start="$(now)"
if without_rust "$work/venv/bin" pip install --quiet --no-index --find-links "$wheelhouse" keyward-cli >"$work/log" 2>&1; then
  echo "pip install keyward-cli (fresh venv, local wheel): $(since "$start") s"
  pass "pip installs keyward-cli with no cargo, rustc or rustup on PATH"
else
  fail "pip installs keyward-cli with no Rust toolchain"
fi
mkdir -p "$work/tree/clean" "$work/tree/leak"
printf 'print("hello")\n' > "$work/tree/clean/app.py"
printf 'TOKEN = "%s"\n' "$(replicate_token)" > "$work/tree/leak/settings.py"
if [ "$(without_rust "$work/venv/bin" keyward --version 2>&1)" = "keyward $version" ] \
   && without_rust "$work/venv/bin" keyward scan -q "$work/tree/clean" >"$work/log" 2>&1; then
  without_rust "$work/venv/bin" keyward scan "$work/tree/leak" >"$work/log" 2>&1; rc=$?
  if [ $rc = 1 ] && grep -q "settings.py:1:10" "$work/log"; then
    pass "the installed keyward $version passes a clean tree and finds a key (exit 1)"
  else
    fail "the installed keyward finds a key (rc=$rc)"
  fi
else
  fail "the installed keyward runs and passes a clean tree"
fi

# consumer DIR: a repository with a key staged in settings.py.
consumer() {
  mkdir -p "$1" && git -C "$1" init -q -b main
  printf 'print("hello")\n' > "$1/app.py"
  git -C "$1" add -A && git -C "$1" -c commit.gpgsign=false commit -qm initial --no-verify
  printf 'TOKEN = "%s"\n' "$(replicate_token)" > "$1/settings.py"
  git -C "$1" add settings.py
}
# try NAME HOOK-ID [env ARGS...] TOOL: `TOOL try-repo` the hook on the
# staged key, from a cold cache; sets rc and took.
try() {
  local name=$1 hook=$2; shift 2
  consumer "$work/$name"
  start="$(now)"
  (cd "$work/$name" && env "$@" try-repo "$hooks" "$hook" >"$work/log" 2>&1); rc=$?
  took="$(since "$start")"
}
blocked() { [ "$rc" = 1 ] && grep -q "settings.py:1:10" "$work/log" && grep -q "replicate-api-token" "$work/log"; }

# 2. pre-commit: the default hook installs the wheel.
try pre-commit keyward -u CARGO_HOME -u RUSTUP_HOME HOME="$work/home" PRE_COMMIT_HOME="$work/pre-commit-home" \
  PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheelhouse" PATH="$tools/venv-pre-commit/bin:$nocargo" "$tools/venv-pre-commit/bin/pre-commit"
if blocked; then
  echo "pre-commit try-repo, hook keyward, cold (installs the wheel, scans): $took s"
  pass "pre-commit try-repo: the default hook installs from the wheel with no Rust toolchain and blocks a staged key"
else
  fail "pre-commit try-repo: the default hook blocks a staged key (rc=$rc)"
fi

# 3. prek: the same hook through uv.
try prek keyward -u CARGO_HOME -u RUSTUP_HOME HOME="$work/home" PREK_HOME="$work/prek-home" \
  UV_NO_INDEX=1 UV_FIND_LINKS="$wheelhouse" PATH="$tools/venv-prek/bin:$nocargo" "$tools/venv-prek/bin/prek"
# prek installs Rust by itself when a hook needs it, so its log must show
# the hook ran as Python and nothing was built.
if blocked && grep -q "hook_id=keyward language=python" "$work/prek-home/prek.log" \
   && ! grep -qiE "cargo install|Installing Rust toolchain" "$work/prek-home/prek.log"; then
  echo "prek try-repo, hook keyward, cold: $took s"
  pass "prek try-repo: the default hook installs from the wheel with no Rust toolchain and blocks a staged key"
else
  fail "prek try-repo: the default hook blocks a staged key (rc=$rc)"
fi

# 4. keyward-src builds with cargo (sharing this checkout's target folder, so
#    only what differs is compiled).
try src keyward-src PRE_COMMIT_HOME="$work/pre-commit-home-src" CARGO_TARGET_DIR="$repo/target" \
  "$tools/venv-pre-commit/bin/pre-commit"
if blocked; then
  echo "pre-commit try-repo, hook keyward-src (cargo, warm target folder): $took s"
  pass "pre-commit try-repo: keyward-src builds keyward with cargo and blocks a staged key"
else
  fail "pre-commit try-repo: keyward-src blocks a staged key (rc=$rc)"
fi

finish "install e2e"

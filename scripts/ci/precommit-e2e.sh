#!/usr/bin/env bash
# End to end with the real pre-commit framework (from PyPI): a temporary
# repository whose .pre-commit-config.yaml points at this checkout, real
# `git commit`s through `pre-commit install`. Keys are generated here.
# The default hook installs the keyward-cli wheel from the wheelhouse
# (scripts/ci/wheelhouse.sh), which stands in for PyPI, with cargo, rustc
# and rustup off PATH.
#
# Prints PASS/FAIL lines, the first-install and per-commit times, and a
# closing "N passed, N failed" line; exits 1 on any failure.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="${KEYWARD_CI_TOOLS:-$HOME/.cache/keyward-ci}"
venv="$tools/venv-pre-commit"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "pre-commit==4.7.0" || exit 2
fi
pc="$venv/bin/pre-commit"
wheelhouse="${KEYWARD_WHEELHOUSE:-$repo/target/wheelhouse}"
[ -n "$(find "$wheelhouse" -maxdepth 1 -name 'keyward_cli-*.whl' 2>/dev/null)" ] \
  || { echo "no keyward-cli wheel in $wheelhouse: run scripts/ci/wheelhouse.sh"; exit 2; }
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheelhouse"
# PATH without any folder that holds cargo, rustc or rustup (and below, an
# empty HOME).
nocargo=""
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] || nocargo="${nocargo:+$nocargo:}$d"
done
export PATH="$nocargo"
unset CARGO_HOME RUSTUP_HOME RUSTUP_TOOLCHAIN
if command -v cargo >/dev/null || command -v rustup >/dev/null; then echo "cannot hide the Rust toolchain from PATH"; exit 2; fi

. "$here/e2e-lib.sh"
# An empty HOME: no ~/.cargo or ~/.rustup to find, and a cold pip cache.
mkdir -p "$work/home"
export HOME="$work/home"
export PRE_COMMIT_HOME="$work/pre-commit-home"

# The hook repository at a commit of the current tree (tracked and
# untracked files, not ignored ones).
hooks="$work/hooks"
mkdir -p "$hooks"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$hooks"
git -C "$hooks" init -q -b main && git -C "$hooks" add -A && git -C "$hooks" commit -qm snapshot
rev="$(git -C "$hooks" rev-parse HEAD)"

consumer="$work/consumer"
mkdir -p "$consumer" && cd "$consumer" && git init -q -b main
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: keyward
        exclude: ^vendor/
YAML
printf 'print("hello")\n' > app.py
git add -A && git commit -qm initial --no-verify

start="$(now)"
if "$pc" install --install-hooks >"$work/log" 2>&1; then
  echo "first install (pip installs the keyward-cli wheel; cold, no Rust toolchain): $(since "$start") s"
else
  fail "pre-commit install --install-hooks"; echo "0 passed, 1 failed"; exit 1
fi

# 1. A staged key blocks, and the message names the file.
printf 'TOKEN = "%s"\n' "$(replicate_token)" > settings.py
git add settings.py
before="$(git rev-parse HEAD)"
git commit -qm "add settings" >"$work/log" 2>&1; rc=$?
if [ $rc -ne 0 ] && [ "$(git rev-parse HEAD)" = "$before" ] && grep -q "settings.py:1:10" "$work/log" \
   && grep -q "replicate-api-token" "$work/log" && grep -q "git restore --staged" "$work/log"; then
  pass "a staged Replicate token blocks the commit, naming settings.py:1:10"
else
  fail "a staged Replicate token blocks the commit (rc=$rc)"
fi
if grep -qE "r8_[A-Za-z0-9]{37}" "$work/log"; then fail "the hook printed a whole key"; else pass "the hook prints the key redacted"; fi
git reset -q HEAD settings.py; rm -f settings.py

# 2. A clean commit goes through, and how long the hook adds.
printf 'def add(a, b):\n    return a + b\n' > util.py
git add util.py
start="$(now)"
git commit -qm "clean change" >"$work/log" 2>&1; rc=$?
took="$(since "$start")"
if [ $rc -eq 0 ]; then pass "a clean commit goes through"; else fail "a clean commit goes through (rc=$rc)"; fi
start="$(now)"; git commit -q --allow-empty --no-verify -m baseline >/dev/null 2>&1; bare="$(since "$start")"
echo "per-commit time: $took s with the hook, $bare s for a bare commit"

# 3a. A key only in an unstaged edit does not block (pre-commit stashes it).
printf 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n' > util.py
git add util.py
key="$(anthropic_key)"
printf 'KEY = "%s"\n' "$key" >> util.py
git commit -qm "staged clean, unstaged key" >"$work/log" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! git show HEAD:util.py | grep -q "sk-ant-" && grep -q "$key" util.py; then
  pass "a key only in an unstaged edit does not block, and the edit survives"
else
  fail "a key only in an unstaged edit does not block (rc=$rc)"
fi
git checkout -q -- util.py

# 3b. A key staged, then deleted from the work tree, blocks.
printf 'KEY = "%s"\n' "$(anthropic_key)" > creds.py
git add creds.py
printf 'KEY = None\n' > creds.py
before="$(git rev-parse HEAD)"
git commit -qm "staged key, clean work tree" >"$work/log" 2>&1; rc=$?
if [ $rc -ne 0 ] && [ "$(git rev-parse HEAD)" = "$before" ] && grep -q "creds.py" "$work/log"; then
  pass "a key staged then deleted from the work tree still blocks"
else
  fail "a key staged then deleted from the work tree still blocks (rc=$rc)"
fi
git reset -q HEAD creds.py; rm -f creds.py

# 4. An inline keyward:allow lets the line through.
printf 'FIXTURE = "%s"  # keyward:allow\n' "$(replicate_token)" > fixture.py
git add fixture.py
git commit -qm "allowed fixture" >"$work/log" 2>&1; rc=$?
if [ $rc -eq 0 ]; then pass "an inline keyward:allow lets the line through"; else fail "inline keyward:allow (rc=$rc)"; fi

# 5. The user's exclude: is respected.
mkdir -p vendor && printf 'K = "%s"\n' "$(replicate_token)" > vendor/lib.py
git add vendor/lib.py
git commit -qm "vendored" >"$work/log" 2>&1; rc=$?
if [ $rc -eq 0 ]; then pass "the user's exclude: is respected"; else fail "exclude: (rc=$rc)"; fi

# 6. A binary file with a key blocks too.
{ printf '\x00\x01\x02\n'; replicate_token; } > blob.bin
git add blob.bin
git commit -qm "binary" >"$work/log" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "blob.bin:2:1" "$work/log"; then pass "a key in a binary file blocks"; else fail "a key in a binary file blocks (rc=$rc)"; fi
git reset -q HEAD blob.bin; rm -f blob.bin

finish "pre-commit e2e"

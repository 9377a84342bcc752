#!/usr/bin/env bash
# The action's install path under the runner emulation
# (run_composite_action.py, vendored here): a local release served by a
# stand-in `gh`, its SHA-256 and attestation checks, tampered archives that
# must fail, the fallback build from the action's own directory with the
# pinned toolchain, and a workspace whose rust-toolchain.toml and
# .cargo/config.toml must not influence the installed binary.
#
# Needs the wheelhouse (scripts/ci/wheelhouse.sh): the release archives are
# made from its wheel by scripts/release/archive.py, as the release workflow
# makes them. Keys are generated here. Prints PASS/FAIL lines and a closing
# "N passed, N failed" line; exits 1 on any failure.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="${KEYWARD_CI_TOOLS:-$HOME/.cache/keyward-ci}"
wheelhouse="${KEYWARD_WHEELHOUSE:-$repo/target/wheelhouse}"
wheel="$(find "$wheelhouse" -maxdepth 1 -name 'keyward_cli-*.whl' 2>/dev/null | head -n 1)"
[ -n "$wheel" ] || { echo "no keyward-cli wheel in $wheelhouse: run scripts/ci/wheelhouse.sh"; exit 2; }
venv="$tools/venv-emulator"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import yaml" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "PyYAML==6.0.3" || exit 2
fi

. "$here/e2e-lib.sh"

# The action as a runner downloads it: its files at one commit, no .git.
action="$work/action"
mkdir -p "$action"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$action"
if [ -n "${KEYWARD_ACTION_YML:-}" ]; then cp "$KEYWARD_ACTION_YML" "$action/action.yml"; fi  # to show the checks can fail
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action/Cargo.toml" | head -n 1)"
gh_repo="$(sed -n 's|^repository = "https://github.com/\(.*\)"$|\1|p' "$action/Cargo.toml" | head -n 1)"
source="$(bash "$action/scripts/action/install.sh" source-hash)"
toolchain="$(sed -n 's/^TOOLCHAIN="\(.*\)"$/\1/p' "$action/scripts/action/install.sh")"
tag="v$version"
signer="$gh_repo/.github/workflows/release.yml"

# The real binary, from the wheel; wrappers around it stand in for the
# macOS and Windows builds, which cannot run here.
mkdir -p "$work/real"
python3 - "$wheel" "$work/real/keyward" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
name = next(n for n in z.namelist() if n.endswith(".data/scripts/keyward"))
open(sys.argv[2], "wb").write(z.read(name))
PY
chmod +x "$work/real/keyward"

# A stand-in gh: releases are folders, attestations a list of
# "sha256:DIGEST REPO SIGNER-WORKFLOW" lines, as the real check binds them.
stubs="$work/stubs"
mkdir -p "$stubs"
cat > "$stubs/gh" <<'EOF'
#!/usr/bin/env bash
echo "gh $*" >> "$FAKE_GH_LOG"
case "$1 $2" in
  "release download")
    tag=$3; shift 3; repo=""; dir=.; patterns=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --repo) repo=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --pattern) patterns+=("$2"); shift 2 ;;
        *) echo "stub gh: unknown flag $1" >&2; exit 2 ;;
      esac
    done
    src="$FAKE_GH_RELEASES/$repo/$tag"
    [ -d "$src" ] || { echo "release not found" >&2; exit 1; }
    n=0
    for p in "${patterns[@]}"; do
      for f in "$src"/$p; do [ -f "$f" ] && cp "$f" "$dir/" && n=$((n + 1)); done
    done
    [ $n -gt 0 ] || { echo "no assets match the file pattern" >&2; exit 1; }
    ;;
  "attestation verify")
    file=$3; shift 3; repo=""; signer=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --repo) repo=$2; shift 2 ;;
        --signer-workflow) signer=$2; shift 2 ;;
        *) echo "stub gh: unknown flag $1" >&2; exit 2 ;;
      esac
    done
    digest="sha256:$(sha256sum "$file" | cut -c1-64)"
    if grep -qxF "$digest $repo $signer" "$FAKE_GH_RELEASES/attested" 2>/dev/null; then
      echo "Verification succeeded!"
    else
      echo "Verification failed: no attestation for $digest from $repo signed by $signer" >&2; exit 1
    fi
    ;;
  *) echo "stub gh: unsupported: $*" >&2; exit 2 ;;
esac
EOF
# A cargo and a rustup that must not be called when a release serves.
nocargo="$work/nocargo"
mkdir -p "$nocargo"
for tool in cargo rustup; do
  printf '#!/bin/sh\necho "%s $*" >> "%s/build-called"\nexit 99\n' "$tool" "$work" > "$nocargo/$tool"
done
chmod +x "$stubs/gh" "$nocargo/cargo" "$nocargo/rustup"

# release NAME [TARGET BINARY]...: a release of these sources with an archive
# per target (made by the release workflow's script), all attested.
release() {
  local dir="$work/releases/$1" rel; shift
  rel="$dir/$gh_repo/$tag"
  mkdir -p "$rel"
  echo "$source  Cargo.toml Cargo.lock src crates" > "$rel/keyward-source.sha256"
  while [ $# -gt 0 ]; do
    local target=$1 binary=$2 exe=keyward fake; shift 2
    case "$target" in *windows*) exe=keyward.exe ;; esac
    fake="$work/fake-$target.whl"
    python3 - "$fake" "$binary" "$exe" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("keyward_cli-0.data/scripts/" + sys.argv[3], open(sys.argv[2], "rb").read())
PY
    python3 "$repo/scripts/release/archive.py" "$fake" "$target" "$rel" >/dev/null
  done
  for f in "$rel"/*; do echo "sha256:$(sha256sum "$f" | cut -c1-64) $gh_repo $signer"; done > "$dir/attested"
  echo "$dir"
}

# workspace DIR: main is clean; the checked-out branch `feature` adds a key.
workspace() {
  mkdir -p "$1" && git -C "$1" init -q -b main
  printf 'print("hello")\n' > "$1/app.py"
  git -C "$1" add -A && git -C "$1" commit -qm initial
  git -C "$1" checkout -q -b feature
  printf 'TOKEN = "%s"\n' "$(replicate_token)" > "$1/settings.py"
  git -C "$1" add -A && git -C "$1" commit -qm "add settings"
}

# emulate NAME WORKSPACE RELEASES PATH-PREFIX [emulator args]: runs the
# action; sets rc and log.
emulate() {
  local name=$1 ws=$2 releases=$3 prefix=$4; shift 4
  log="$work/$name.log"
  : > "$work/gh.log"; rm -f "$work/build-called"
  "$venv/bin/python" "$here/run_composite_action.py" "$action" --workspace "$ws" \
    --event pull_request --repository acme/app --input upload-sarif=false \
    --env "FAKE_GH_RELEASES=$releases" --env "FAKE_GH_LOG=$work/gh.log" \
    --env "PATH=$prefix:$PATH" "$@" >"$log" 2>&1
  rc=$?
}
has() { grep -qF -- "$1" "$log"; }
key="keyward-Linux-X64-$version-${source:0:16}-$toolchain"

# 1. A release for these sources: downloaded, verified, installed; no build.
ws="$work/ws"; workspace "$ws"
rel="$(release ok x86_64-unknown-linux-musl "$work/real/keyward")"
emulate release "$ws" "$rel" "$nocargo:$stubs"
if [ $rc = 1 ] && has "installed $tag for x86_64-unknown-linux-musl from the release (SHA-256 and attestation verified)" \
   && has "findings=1" && [ ! -e "$work/build-called" ] \
   && grep -qF "gh attestation verify" "$work/gh.log" && grep -qF -- "--signer-workflow $signer" "$work/gh.log"; then
  pass "a matching release is downloaded, checked (SHA-256, attestation by $signer) and finds the key; nothing is built"
else
  fail "a matching release is downloaded, verified and used (rc=$rc)"
fi
if has "key='$key'"; then pass "the cache key is the action's version, sources and toolchain: $key"; else fail "the cache key is $key"; fi
ws_clean="$work/ws-clean"; workspace "$ws_clean"; git -C "$ws_clean" checkout -q main
emulate release-clean "$ws_clean" "$rel" "$nocargo:$stubs" --event push
if [ $rc = 0 ] && has "RESULT: success"; then pass "the release binary passes a clean push"; else fail "the release binary passes a clean push (rc=$rc)"; fi

# 2. An archive altered after its checksum was published fails closed.
tampered="$(release tampered x86_64-unknown-linux-musl "$work/real/keyward")"
archive="$tampered/$gh_repo/$tag/keyward-x86_64-unknown-linux-musl.tar.gz"
printf 'X' | dd of="$archive" bs=1 seek=2000 conv=notrunc status=none
emulate tampered "$ws" "$tampered" "$nocargo:$stubs"
if [ $rc != 0 ] && has "does not match its published SHA-256" && has "RESULT: failure in step 'Install keyward'" \
   && grep -q "step 3: Scan -- SKIPPED" "$log" && [ ! -e "$work/build-called" ]; then
  pass "a tampered archive fails the install (checksum), nothing is scanned or built"
else
  fail "a tampered archive fails the install (rc=$rc)"
fi

# 3. ...and so does one whose checksum was replaced too: no attestation.
sha256sum "$archive" | sed 's|  .*/|  |' > "$archive.sha256"
emulate unattested "$ws" "$tampered" "$nocargo:$stubs"
if [ $rc != 0 ] && has "has no valid build-provenance attestation" && has "RESULT: failure in step 'Install keyward'" \
   && [ ! -e "$work/build-called" ]; then
  pass "a tampered archive with a matching checksum fails the install (attestation)"
else
  fail "a tampered archive with a matching checksum fails the install (rc=$rc)"
fi

# 4. A release built from other sources (the action used at a later commit)
#    is not used: the action builds its own sources instead.
other="$(release other x86_64-unknown-linux-musl "$work/real/keyward")"
echo "0000000000000000000000000000000000000000000000000000000000000000  other" > "$other/$gh_repo/$tag/keyward-source.sha256"
emulate other "$ws" "$other" "$nocargo:$stubs"
if [ $rc != 0 ] && has "built from other sources than this action's" && [ -s "$work/build-called" ]; then
  pass "a release of other sources is not used; the action builds its own"
else
  fail "a release of other sources is not used (rc=$rc)"
fi

# 5. macOS and Windows runners pick their archives (.zip and keyward.exe on
#    Windows); wrappers around the Linux binary stand in for theirs.
printf '#!/bin/sh\nexec "%s" "$@"\n' "$work/real/keyward" > "$work/wrapper"; chmod +x "$work/wrapper"
others="$(release others aarch64-apple-darwin "$work/wrapper" x86_64-apple-darwin "$work/wrapper" x86_64-pc-windows-msvc "$work/wrapper")"
for platform in "macOS ARM64 aarch64-apple-darwin" "macOS X64 x86_64-apple-darwin" "Windows X64 x86_64-pc-windows-msvc"; do
  read -r os arch target <<< "$platform"
  emulate "$os-$arch" "$ws" "$others" "$nocargo:$stubs" --runner-os "$os" --runner-arch "$arch"
  if [ $rc = 1 ] && has "installed $tag for $target from the release" && has "findings=1"; then
    pass "a $os $arch runner installs keyward-$target"
  else
    fail "a $os $arch runner installs keyward-$target (rc=$rc)"
  fi
done

# 6. No release (the action used from a commit before one): a build from the
#    action's own directory with the pinned toolchain. The workspace carries
#    a rust-toolchain.toml naming a toolchain whose cargo installs a keyward
#    that finds nothing, and a .cargo/config.toml with a rustc wrapper; both
#    leave a mark if they run.
if ! rustup toolchain list | grep -q "^$toolchain-"; then
  # The machine's one toolchain, under the pinned name, when it is that version.
  sysroot="$(rustc --print sysroot)"
  if rustc --version | grep -q "^rustc $toolchain "; then
    ln -s "$sysroot" "$(dirname "$sysroot")/$toolchain-$(rustc -vV | sed -n 's/^host: //p')"
  fi
fi
hostile="$work/ws-hostile"; workspace "$hostile"
evil="$work/evil"; mkdir -p "$evil/toolchain/bin"
cat > "$evil/toolchain/bin/cargo" <<EOF
#!/bin/sh
touch "$evil/toolchain-ran"
root=.; prev=""
for a in "\$@"; do [ "\$prev" = --root ] && root="\$a"; prev="\$a"; done
mkdir -p "\$root/bin"
printf '#!/bin/sh\necho "keyward $version"\nexit 0\n' > "\$root/bin/keyward"
chmod +x "\$root/bin/keyward"
EOF
cp "$evil/toolchain/bin/cargo" "$evil/toolchain/bin/rustc"
printf '#!/bin/sh\ntouch "%s/wrapper-ran"\nexec "$@"\n' "$evil" > "$evil/wrapper"
chmod +x "$evil/toolchain/bin/cargo" "$evil/toolchain/bin/rustc" "$evil/wrapper"
printf '[toolchain]\npath = "%s/toolchain"\n' "$evil" > "$hostile/rust-toolchain.toml"
mkdir -p "$hostile/.cargo"
printf '[build]\nrustc-wrapper = "%s/wrapper"\n' "$evil" > "$hostile/.cargo/config.toml"
git -C "$hostile" add -A && git -C "$hostile" commit -qm "toolchain and cargo config"
echo "building keyward from the action's sources (a release build, a few minutes)"
emulate hostile "$hostile" "$work/releases/none" "$stubs"
if [ $rc = 1 ] && has "no release $tag of $gh_repo" && has "with Rust $toolchain" && has "findings=1" \
   && [ ! -e "$evil/toolchain-ran" ] && [ ! -e "$evil/wrapper-ran" ]; then
  pass "with no release, the action builds its own sources with Rust $toolchain; the key is found"
else
  fail "with no release, the action builds its own sources (rc=$rc)"
fi
if [ ! -e "$evil/toolchain-ran" ] && [ ! -e "$evil/wrapper-ran" ]; then
  pass "the checkout's rust-toolchain.toml and .cargo/config.toml were not used"
else
  fail "the checkout's rust-toolchain.toml or .cargo/config.toml ran: $(cd "$evil" && echo *-ran)"
fi
if has "key='$key'"; then pass "the hostile checkout leaves the cache key unchanged"; else fail "the hostile checkout leaves the cache key unchanged"; fi

finish "action e2e"

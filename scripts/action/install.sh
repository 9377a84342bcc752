#!/usr/bin/env bash
# Installs keyward for the GitHub Action (action.yml), from the action's own
# files only, never from the scanned checkout:
#
#   install.sh locate       prints version, source hash, target, root, bin
#                           and the cache key, as GITHUB_OUTPUT lines
#   install.sh install      installs into the root that `locate` printed:
#                           the release binary when this action's sources are
#                           a release's (downloaded, checked against the
#                           published SHA-256 and its build-provenance
#                           attestation; any mismatch fails), else a build of
#                           these sources with the pinned toolchain
#   install.sh source-hash  the hash of what the binary is built from (the
#                           release workflow publishes the same)
#
# It runs from the action's directory, so rustup and cargo read neither the
# checkout's rust-toolchain.toml nor its .cargo/config.toml.
set -euo pipefail

# The toolchain of the source build: pinned here, in the action's own file,
# so that nothing in the checkout can choose it.
TOOLCHAIN="1.95.0"

action_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$action_dir"

die() { echo "::error title=keyward install::$*"; exit 1; }

hasher=(sha256sum)
if ! command -v sha256sum >/dev/null 2>&1; then hasher=(shasum -a 256); fi

# The files the binary is built from, hashed with their paths. Binary-mode
# markers (`*`, printed by some sha256sum builds) are dropped so that every
# OS computes the same hash.
source_hash() {
  find Cargo.toml Cargo.lock src crates -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 "${hasher[@]}" | sed 's/^\([0-9a-f]*\) [ *]/\1  /' | "${hasher[@]}" | cut -c1-64
}

# The release archive for this runner; empty where no release binary is
# built (the source build then serves).
release_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

cargo_field() { sed -n "s|^$1 = \"\\(.*\\)\"\$|\\1|p" Cargo.toml | head -n 1; }

version="$(cargo_field version)"
repository="$(cargo_field repository)"
repo="${repository#https://github.com/}"
if [ -z "$version" ] || [ "$repo" = "$repository" ]; then
  die "cannot read version and repository from $action_dir/Cargo.toml"
fi
exe=keyward
if [ "${RUNNER_OS:-}" = Windows ]; then exe=keyward.exe; fi

locate() {
  local source target root
  source="$(source_hash)"
  target="$(release_target)"
  root="${RUNNER_TOOL_CACHE:?}/keyward/$version-${source:0:16}-$TOOLCHAIN"
  echo "version=$version"
  echo "source=$source"
  echo "target=$target"
  echo "root=$root"
  echo "bin=$root/bin/$exe"
  echo "key=keyward-${RUNNER_OS:-}-${RUNNER_ARCH:-}-$version-${source:0:16}-$TOOLCHAIN"
}

# A path bash can use (Git Bash on Windows is given C:\... paths).
unix_path() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else echo "$1"; fi; }

# Whether a release serves: one exists for this runner and was built from
# these very sources. Any failure here means no (then the action builds its
# own sources, which is safe); it downloads into WORK.
release_serves() {
  local target="$1" work="$2" tag="v$version" archive="$3"
  if [ -z "$target" ]; then
    echo "keyward: no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: building from the action's sources"
    return 1
  fi
  if ! command -v gh >/dev/null 2>&1; then
    echo "keyward: no gh on this runner to download release $tag: building from the action's sources"
    return 1
  fi
  if ! gh release download "$tag" --repo "$repo" --dir "$work" \
      --pattern "$archive" --pattern "$archive.sha256" --pattern keyward-source.sha256 >"$work/gh.log" 2>&1 \
      || [ ! -f "$work/keyward-source.sha256" ]; then
    echo "keyward: no release $tag of $repo to download ($(head -n 1 "$work/gh.log")): building from the action's sources"
    return 1
  fi
  if [ "$(cut -c1-64 "$work/keyward-source.sha256")" != "$source" ]; then
    echo "keyward: release $tag was built from other sources than this action's (a commit after the release): building them"
    return 1
  fi
}

# Installs the release's binary. The release is the one for these sources,
# so anything that does not verify is an error, never a reason to fall back.
install_release() {
  local target="$1" bin_dir="$2" work="$3" archive="$4" tag="v$version" expected actual
  if [ ! -f "$work/$archive" ] || [ ! -f "$work/$archive.sha256" ]; then
    die "release $tag has no $archive with its .sha256"
  fi
  expected="$(cut -c1-64 "$work/$archive.sha256")"
  actual="$("${hasher[@]}" "$work/$archive" | cut -c1-64)"
  [ "$expected" = "$actual" ] || die "$archive from release $tag does not match its published SHA-256 (expected $expected, got $actual)"
  if ! gh attestation verify "$work/$archive" --repo "$repo" \
      --signer-workflow "$repo/.github/workflows/release.yml" >"$work/attestation.log" 2>&1; then
    sed 's/^/  /' "$work/attestation.log"
    die "$archive from release $tag has no valid build-provenance attestation from $repo's release workflow"
  fi
  mkdir -p "$work/x" "$bin_dir"
  case "$archive" in
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$work/$archive" -d "$work/x"
      else
        powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$(cygpath -w "$work/$archive")' -DestinationPath '$(cygpath -w "$work/x")'"
      fi ;;
    *) tar -xzf "$work/$archive" -C "$work/x" ;;
  esac
  [ -f "$work/x/$exe" ] || die "$archive holds no $exe"
  mv "$work/x/$exe" "$bin_dir/$exe"
  chmod +x "$bin_dir/$exe"
  echo "keyward: installed $tag for $target from the release (SHA-256 and attestation verified)"
}

install_source() {
  local root="$1" work="$2"
  command -v rustup >/dev/null 2>&1 || die "no release binary serves, and there is no rustup on this runner to build keyward"
  if ! rustup toolchain list | grep -q "^$TOOLCHAIN-"; then
    rustup toolchain install "$TOOLCHAIN" --profile minimal --no-self-update
  fi
  echo "keyward: building $version from $action_dir with Rust $TOOLCHAIN"
  env -u GH_TOKEN RUSTUP_TOOLCHAIN="$TOOLCHAIN" CARGO_TARGET_DIR="$work/target" \
    cargo install --locked --quiet --path "$action_dir" --root "$root"
}

install() {
  local root target work archive serves
  source="$(source_hash)"
  target="$(release_target)"
  archive="keyward-$target.tar.gz"
  if [ "${RUNNER_OS:-}" = Windows ]; then archive="keyward-$target.zip"; fi
  root="$(unix_path "${KEYWARD_ROOT:?}")"
  work="$(mktemp -d "$(unix_path "${RUNNER_TEMP:?}")/keyward-install.XXXXXX")"
  # Called outside any condition, so that `set -e` holds inside them.
  if release_serves "$target" "$work" "$archive"; then serves=1; else serves=0; fi
  if [ $serves = 1 ]; then
    install_release "$target" "$root/bin" "$work" "$archive"
  else
    install_source "$root" "$work"
  fi
  rm -rf "$work"
  "$root/bin/$exe" --version | grep -qx "keyward $version" || die "the installed keyward is not version $version"
}

case "${1:-}" in
  locate) locate ;;
  install) install ;;
  source-hash) source_hash ;;
  *) echo "usage: install.sh locate|install|source-hash" >&2; exit 2 ;;
esac

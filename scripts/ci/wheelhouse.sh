#!/usr/bin/env bash
# Build the keyward-cli wheel (maturin, from PyPI) into target/wheelhouse/,
# beside the two build requirements of the pre-commit placeholder (setup.py),
# so that the folder stands in for PyPI in the install tests. Checks first
# that setup.py pins this very version, and that the action and the release
# workflow pin one toolchain.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="${KEYWARD_CI_TOOLS:-$HOME/.cache/keyward-ci}"
out="${KEYWARD_WHEELHOUSE:-$repo/target/wheelhouse}"
venv="$tools/venv-wheel"
if [ ! -x "$venv/bin/maturin" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "maturin==1.16.0"
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
pinned="$(sed -n 's/^KEYWARD_VERSION = "\(.*\)"$/\1/p' "$repo/setup.py")"
if [ "$pinned" != "$version" ]; then
  echo "setup.py pins keyward-cli $pinned, but Cargo.toml's version is $version"
  exit 1
fi
toolchain="$(sed -n 's/^TOOLCHAIN="\(.*\)"$/\1/p' "$repo/scripts/action/install.sh")"
released="$(sed -n 's/^  RUST_TOOLCHAIN: "\(.*\)"$/\1/p' "$repo/.github/workflows/release.yml")"
if [ -z "$toolchain" ] || [ "$toolchain" != "$released" ]; then
  echo "the action builds with Rust '$toolchain', the release workflow with '$released'"
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
(cd "$repo/pypi" && "$venv/bin/maturin" build --locked --release --quiet --out "$out")
"$venv/bin/pip" download --quiet --no-deps --dest "$out" "setuptools==80.9.0" "wheel==0.45.1"
wheel="$(ls "$out"/keyward_cli-"$version"-*.whl)"
echo "wheelhouse: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB), setuptools, wheel"

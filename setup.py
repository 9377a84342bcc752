# The placeholder that pre-commit installs for the `keyward` and
# `keyward-verify` hooks (`language: python` runs `pip install .` here):
# it builds nothing and pulls the prebuilt `keyward-cli` wheel of this very
# version, so the hook installs in seconds with no Rust toolchain.
# KEYWARD_VERSION must equal Cargo.toml's version (CI checks it).
from setuptools import setup

KEYWARD_VERSION = "0.1.0"

setup(
    name="pre_commit_placeholder_package",
    version="0.0.0",
    install_requires=[f"keyward-cli=={KEYWARD_VERSION}"],
    packages=[],
    py_modules=[],
)

"""The JavaScript the server serves from npm packages is what package-lock.json pins.

People who install the Python package have no npm, so the bundle of CodeMirror the query page
uses is committed under ``serve/static/vendor`` with a manifest of the packages (and versions)
in it and their licences. These tests check the manifest against the lockfile, and -- where
``npm ci`` has installed the packages (CI does) -- that ``web/bundle.mjs`` reproduces the
committed files byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

VENDOR = ROOT / "src" / "exchange_kg" / "serve" / "static" / "vendor"
MANIFEST = json.loads((VENDOR / "codemirror.json").read_text(encoding="utf-8"))
LOCK = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
PACKAGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))


def _locked(name: str) -> str:
    return LOCK["packages"][f"node_modules/{name}"]["version"]


def test_every_bundled_package_is_the_version_the_lockfile_pins() -> None:
    assert MANIFEST["packages"], "the manifest lists no package"
    for name, version in MANIFEST["packages"].items():
        assert _locked(name) == version, name
    assert _locked("esbuild") == MANIFEST["bundler"]["esbuild"]
    # what the entry names directly is pinned exactly in package.json
    entry = (ROOT / MANIFEST["entry"]).read_text(encoding="utf-8")
    for name in set(re.findall(r'from "((?:@[^/"]+/)?[^/"]+)', entry)):
        assert PACKAGE["devDependencies"][name] == MANIFEST["packages"][name], name


def test_the_bundle_names_its_packages_and_their_licences_ship_with_it() -> None:
    bundle = (VENDOR / "codemirror.min.js").read_text(encoding="utf-8")
    banner = bundle.split("*/", 1)[0]
    licences = (VENDOR / "codemirror.LICENSES.txt").read_text(encoding="utf-8")
    for name, version in MANIFEST["packages"].items():
        assert f"{name} {version}" in banner
        assert f"{name} {version} (MIT)" in licences
    assert licences.count("Permission is hereby granted, free of charge") == \
        len(MANIFEST["packages"])


@pytest.mark.skipif(not (ROOT / "node_modules" / "esbuild").is_dir() and not os.environ.get("CI"),
                    reason="needs the npm packages (npm ci)")
def test_the_bundling_script_reproduces_the_vendored_files() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "CI installs Node.js (see .ci/run)"
    proc = subprocess.run([node, str(ROOT / "web" / "bundle.mjs"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout

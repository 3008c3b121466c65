"""scripts/system-packages, which `make test` runs first: what it installs, and when it asks instead.

It runs with --dry-run against a made-up system folder, so nothing is installed.
"""
import os
import subprocess
from pathlib import Path

import pytest

from harness.assistant import ROOT

SCRIPT = ROOT / "scripts" / "system-packages"
FILES = {"chromium": "usr/bin/chromium", "postgresql": "usr/lib/postgresql/15/bin/initdb",
         "npm": "usr/bin/npm", "openssl": "usr/bin/openssl", "redis-server": "usr/bin/redis-server",
         "nginx": "usr/sbin/nginx"}


def _system(folder: Path, *installed: str) -> Path:
    for package in installed:
        path = folder / FILES[package]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    return folder


def _run(system: Path, uid: int, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MEDWAY_SYSTEM_ROOT=str(system), MEDWAY_SYSTEM_UID=str(uid))
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("uid", [0, 1000])
def test_nothing_to_do_when_everything_is_installed(tmp_path, uid):
    run = _run(_system(tmp_path, *FILES), uid, "--dry-run")
    assert run.returncode == 0, run.stderr
    assert "all installed" in run.stdout
    assert "apt-get" not in run.stdout + run.stderr


def test_root_installs_only_what_is_missing_after_an_update(tmp_path):
    run = _run(_system(tmp_path, "npm", "openssl", "redis-server", "nginx"), 0, "--dry-run")
    assert run.returncode == 0, run.stderr
    assert "Would install for make test: chromium postgresql" in run.stdout
    assert "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium postgresql\n" in run.stdout


def test_another_user_gets_the_exact_command_and_a_failure(tmp_path):
    run = _run(_system(tmp_path, "chromium", "npm", "openssl", "redis-server", "nginx"), 1000)
    assert run.returncode == 1
    assert "make test needs these Debian packages: postgresql." in run.stderr
    assert "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql'" in run.stderr


def test_an_unknown_option_is_refused(tmp_path):
    run = _run(_system(tmp_path), 0, "--yes")
    assert run.returncode == 2
    assert "usage" in run.stderr

"""Stopping child processes (servers started by tests, the benchmark and `serve`)."""

from __future__ import annotations

import subprocess


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Ask politely (SIGTERM), then insist (SIGKILL): a server that ignores SIGTERM must not
    outlive the test or benchmark that started it."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)

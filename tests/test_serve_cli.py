"""``exchange-kg serve``: what it builds before serving, and its options."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from exchange_kg.serve import cli
from exchange_kg.serve.store import store_is_current
from test_serve_support import SYNTHETIC_BASE, write_synthetic_dist


def test_missing_build_is_built_with_the_build_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_run(command: list[str], check: bool) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        write_synthetic_dist(Path(command[command.index("-o") + 1]))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(cli.subprocess, "run", fake_run)
    dist = tmp_path / "dist"
    cli.ensure_dist(dist, SYNTHETIC_BASE)
    assert len(calls) == 1
    assert calls[0][1:5] == ["-m", "exchange_kg.cli", "build", "-o"]
    assert calls[0][-2:] == ["--base", SYNTHETIC_BASE]
    cli.ensure_dist(dist, SYNTHETIC_BASE)
    assert len(calls) == 1, "an existing build is served as it is"


def test_failed_build_stops_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.subprocess, "run",
                        lambda command, check: subprocess.CompletedProcess(command, 1))
    with pytest.raises(click.ClickException, match="exit 1"):
        cli.ensure_dist(tmp_path / "dist", None)


def test_stale_store_is_rebuilt(tmp_path: Path) -> None:
    dist = write_synthetic_dist(tmp_path / "dist")
    with (dist / "exchange-kg.nq").open("a") as fh:
        fh.write('<http://x/s> <http://x/p> "changed" <http://x/g> .\n')
    assert not store_is_current(dist)
    cli.ensure_store(dist)
    assert store_is_current(dist)


def test_help_shows_safe_defaults() -> None:
    result = CliRunner().invoke(cli.serve, ["--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output
    for option in ("--timeout", "--workers", "--max-rows", "--max-query-length", "--base"):
        assert option in result.output


class _FakeApp:
    """What the command hands uvicorn instead of the app: it records the settings."""

    quick = None  # no quick path (``app.EndpointFirst.quick``)

    def __init__(self, seen: dict[str, object], config: object) -> None:
        seen["config"] = config


def test_serve_passes_its_performance_options(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from exchange_kg.serve import app

    dist = write_synthetic_dist(tmp_path / "dist")
    seen: dict[str, object] = {}
    monkeypatch.setattr(app, "create_app", lambda config: _FakeApp(seen, config))
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: seen.update(options))
    runner = CliRunner()
    assert runner.invoke(cli.serve, ["-d", str(dist)]).exit_code == 0
    assert seen["access_log"] is False and seen["host"] == "127.0.0.1"
    assert issubclass(seen["http"], HttpToolsProtocol)  # type: ignore[arg-type]
    assert seen["config"].memory_quads == 1_000_000  # type: ignore[attr-defined]
    seen.clear()
    result = runner.invoke(cli.serve, ["-d", str(dist), "--access-log", "--memory-quads", "0"])
    assert result.exit_code == 0
    assert seen["access_log"] is True
    assert seen["config"].memory_quads == 0  # type: ignore[attr-defined]


def test_publication_file_and_flags_reach_the_server(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from exchange_kg.serve import app

    dist = write_synthetic_dist(tmp_path / "dist")
    seen: dict[str, object] = {}
    monkeypatch.setattr(app, "create_app", lambda config: _FakeApp(seen, config))
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: None)
    path = tmp_path / "publication.yaml"
    path.write_text("license: https://creativecommons.org/licenses/by/4.0/\n"
                    "publisher:\n  name: Example Library\n  type: academia\n", encoding="utf-8")
    result = CliRunner().invoke(cli.serve, ["-d", str(dist), "--publication", str(path),
                                            "--contact", "data@example.org"])
    assert result.exit_code == 0, result.output
    publication = seen["config"].publication  # type: ignore[attr-defined]
    assert publication.license == "https://creativecommons.org/licenses/by/4.0/"
    assert publication.publisher.name == "Example Library"
    assert publication.contact.email == "data@example.org"
    assert "states no" not in result.output  # nothing a catalogue expects is missing
    seen.clear()
    result = CliRunner().invoke(cli.serve, ["-d", str(dist), "--license", "https://x.org/l"])
    assert "states no publisher, no contact point" in result.output
    assert seen["config"].publication.license == "https://x.org/l"  # type: ignore[attr-defined]


def test_a_mistake_in_the_publication_file_names_its_line(tmp_path: Path) -> None:
    dist = write_synthetic_dist(tmp_path / "dist")
    path = tmp_path / "publication.yaml"
    path.write_text("license: https://creativecommons.org/licenses/by/4.0/\n"
                    "publisher:\n  name: Example Library\n  type: university\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli.serve, ["-d", str(dist), "--publication", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4:" in result.output and "university" in result.output

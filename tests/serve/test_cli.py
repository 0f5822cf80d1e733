"""``spinlens serve`` refuses unsafe settings before loading anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.cli_runner import run_cli


def test_listening_beyond_loopback_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINLENS_TOKEN", raising=False)  # with one set, a real server would start
    run = run_cli("serve", "--host", "0.0.0.0")
    assert run.exit_code == 5
    assert "--token" in run.stderr and "Traceback" not in run.stderr


def test_serve_and_batch_document_their_options() -> None:
    serve = run_cli("serve", "--help").stdout
    for option in (
        "--token",
        "--queue",
        "--timeout",
        "--max-body",
        "--allow-private-urls",
        "--allow-host",
    ):
        assert option in serve
    batch = run_cli("batch", "--help").stdout
    for option in ("--out", "--workers", "--engine", "--master", "--errors"):
        assert option in batch


def test_a_loopback_server_answers_only_loopback_host_names() -> None:
    from spinlens.serve.exposure import allowed_hosts

    local = allowed_hosts("127.0.0.1", [])
    assert "localhost" in local and "127.0.0.1" in local and "*" not in local
    assert "desk.example" in allowed_hosts("::1", ["desk.example"])
    assert allowed_hosts("0.0.0.0", []) == ["*"], "beyond loopback the token is the guard"
    assert allowed_hosts("0.0.0.0", ["desk.example"]) == ["desk.example"]


def test_a_busy_port_fails_at_once_with_one_line() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        run = run_cli("serve", "--port", port, "--only", "quotes")
    assert run.exit_code == 5
    assert "cannot listen on 127.0.0.1:" in run.stderr and "choose --port" in run.stderr
    assert "loading" not in run.stderr, "it fails before loading any model"
    assert "Traceback" not in run.stderr


def test_serve_help_shows_examples() -> None:
    text = run_cli("serve", "--help").stdout
    assert "Examples" in text and "--token" in text and "/api/v1/analyze" in text


def test_ipv6_hosts_are_bracketed_in_urls() -> None:
    from spinlens.serve.exposure import listen, url_host

    assert url_host("::1") == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"
    with listen("127.0.0.1", 0) as sock:
        assert sock.getsockname()[0] == "127.0.0.1"


def test_the_token_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """With SPINLENS_TOKEN set, listening beyond loopback passes the token check (and then
    fails here only because the port is taken, which keeps the test from serving)."""
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        monkeypatch.delenv("SPINLENS_TOKEN", raising=False)
        refused = run_cli("serve", "--host", "0.0.0.0", "--port", port, "--only", "quotes")
        assert refused.exit_code == 5 and "give --token" in refused.stderr
        monkeypatch.setenv("SPINLENS_TOKEN", "from-env")
        run = run_cli("serve", "--host", "0.0.0.0", "--port", port, "--only", "quotes")
    assert run.exit_code == 5 and "cannot listen on 0.0.0.0:" in run.stderr
    assert "--token" not in run.stderr.replace("choose --port", "")


@pytest.mark.parametrize("token", [" ", "\t\n", "two words", "bell\x07"])
def test_a_token_no_client_could_send_is_refused(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    """A whitespace-only token would start a server that can never authorise anyone."""
    monkeypatch.setenv("SPINLENS_TOKEN", token)
    run = run_cli("serve", "--only", "quotes")
    assert run.exit_code == 5, run.stderr
    assert "token" in run.stderr and "loading" not in run.stderr
    assert "Traceback" not in run.stderr


def test_insecure_prints_a_warning_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.delenv("SPINLENS_TOKEN", raising=False)
    with socket.socket() as taken:  # the port is taken, so the test stops before serving
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        run = run_cli("serve", "--host", "0.0.0.0", "--port", port, "--insecure")
    assert run.exit_code == 5
    assert "warning: --insecure" in run.stderr and "no token" in run.stderr


def test_serve_runs_the_pipeline_analyze_would_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spinlens.toml's ``only``/``skip`` and analyzer options reach the server exactly as they
    reach ``analyze`` (both build it with ``spinlens.load_pipeline``)."""
    import spinlens.serve
    import spinlens.serve.exposure
    import spinlens.serve.server
    from spinlens import load_pipeline

    config = tmp_path / "spinlens.toml"
    config.write_text(
        'only = ["quotes", "claims"]\n[analyzers.claims]\nthreshold = 0.7\n', encoding="utf-8"
    )
    served: list[object] = []

    def fake_app(settings: object, serve_config: object, pipeline: object) -> object:
        served.append(pipeline)
        return object()

    class FakeServer:
        def run(self, sockets: object) -> None:
            pass

    monkeypatch.setattr(spinlens.serve, "create_app", fake_app)
    monkeypatch.setattr(spinlens.serve.server, "uvicorn_server", lambda *a: FakeServer())
    monkeypatch.setattr(spinlens.serve.exposure, "listen", lambda host, port: object())
    run = run_cli("--config", str(config), "serve", "--skip", "quotes")
    assert run.exit_code == 0, run.stderr
    (pipeline,) = served
    expected = load_pipeline(config, skip=["quotes"])
    assert pipeline.names == expected.names == ["claims"]  # type: ignore[attr-defined]
    assert pipeline.analyzers[0].options == expected.analyzers[0].options  # type: ignore[attr-defined]
    unknown = run_cli("serve", "--only", "nosuch")
    assert unknown.exit_code == 5 and "loading" not in unknown.stderr

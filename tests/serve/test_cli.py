"""``spinlens serve`` refuses unsafe settings before loading anything."""

from __future__ import annotations

from tests.core.cli_runner import run_cli


def test_listening_beyond_loopback_needs_a_token() -> None:
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
    from spinlens.cli.serve import allowed_hosts

    local = allowed_hosts("127.0.0.1", [])
    assert "localhost" in local and "127.0.0.1" in local and "*" not in local
    assert "desk.example" in allowed_hosts("::1", ["desk.example"])
    assert allowed_hosts("0.0.0.0", []) == ["*"], "beyond loopback the token is the guard"
    assert allowed_hosts("0.0.0.0", ["desk.example"]) == ["desk.example"]

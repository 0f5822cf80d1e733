"""The page at /: paste, upload or URL, answered by the HTML renderer's report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.serve.conftest import LOCAL, form_key, make_app


def test_the_page_offers_paste_upload_and_url(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    for field in ('name="text"', 'name="file"', 'name="url"', 'action="report?form_key='):
        assert field in html
    assert "script-src" not in response.headers["content-security-policy"]


def test_pasted_text_and_uploaded_files_give_the_html_report(
    client: TestClient, seed_text: str
) -> None:
    key = form_key(client)
    pasted = client.post(
        f"/report?form_key={key}", data={"text": seed_text, "title": "Seed <b>story</b>"}
    )
    assert pasted.status_code == 200
    assert pasted.headers["content-type"].startswith("text/html")
    assert "Seed &lt;b&gt;story&lt;/b&gt;" in pasted.text and "<b>story</b>" not in pasted.text
    assert "<mark" in pasted.text, "findings are highlighted"
    upload = client.post(
        f"/report?form_key={key}",
        files={"file": ("seed.txt", seed_text.encode(), "text/plain")},
    )
    assert upload.status_code == 200 and "<mark" in upload.text


def test_an_empty_form_or_a_bad_url_is_refused(client: TestClient) -> None:
    key = form_key(client)
    response = client.post(f"/report?form_key={key}", data={"text": "  "})
    assert response.status_code == 422
    assert "paste an article" in response.json()["error"]["message"]
    bad = client.post(f"/report?form_key={key}", data={"url": "ftp://example.org/story"})
    assert bad.status_code == 422
    assert "http(s) URL" in bad.json()["error"]["message"]


def test_a_post_without_the_pages_form_key_is_refused(client: TestClient) -> None:
    """Another site can make a visitor's browser post the form, but cannot read the key."""
    for data in ({"text": 'He said "no".'}, {"text": "x", "form_key": "guessed"}):
        response = client.post("/report", data=data)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "E701"
    other = make_app()
    with TestClient(other, base_url=LOCAL) as second:
        stale = second.post(f"/report?form_key={form_key(client)}", data={"text": "x"})
        assert stale.status_code == 403, "a key is good only for the server that issued it"


def test_foreign_host_names_are_refused_unless_allowed() -> None:
    """A DNS-rebinding page reaches a loopback server under its own host name."""
    with TestClient(make_app(), base_url="http://attacker.example") as client:
        assert client.get("/").status_code == 400
        assert client.post("/api/v1/analyze", json={"text": "x"}).status_code == 400
    with TestClient(make_app(), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/healthz").status_code == 200
    allowed = make_app(allowed_hosts=["spinlens.newsroom.example"])
    with TestClient(allowed, base_url="http://spinlens.newsroom.example") as client:
        assert client.get("/healthz").status_code == 200


def test_a_browser_gets_form_errors_as_an_escaped_page(client: TestClient) -> None:
    """A reader who submits a bad form sees a page saying why, with a way back, not JSON."""
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    key = form_key(client)
    empty = client.post(f"/report?form_key={key}", data={"text": " "}, headers=browser)
    assert empty.status_code == 422
    assert empty.headers["content-type"].startswith("text/html")
    assert "paste an article" in empty.text and 'href="./"' in empty.text
    assert "frame-ancestors 'self'" in empty.headers["content-security-policy"]
    hostile = "<script>alert(1)</script>.txt"  # the file name is part of the message
    bad = client.post(
        f"/report?form_key={key}",
        files={"file": (hostile, b"\x00\x01\x02binary\x00", "text/plain")},
        headers=browser,
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "looks binary" in bad.text
    assert "<script>alert" not in bad.text and "&lt;script&gt;alert(1)" in bad.text
    forged = client.post("/report", data={"text": "x"}, headers=browser)
    assert forged.status_code == 403 and "reload the page" in forged.text


def test_uploads_in_legacy_encodings_are_decoded(client: TestClient) -> None:
    text = "The café owner said « we will reopen in März » to reporters on Monday."
    response = client.post(
        f"/report?form_key={form_key(client)}",
        files={"file": ("story.txt", text.encode("cp1252"), "text/plain")},
    )
    assert response.status_code == 200 and "café owner" in response.text


def test_analysis_and_rendering_run_off_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinlens.report.render import renderer
    from spinlens.serve import page

    threads: list[str] = []

    def recording(name: str) -> Callable[[Any], str]:
        render = renderer(name)

        def run(report: Any) -> str:
            threads.append(threading.current_thread().name)
            return render(report)

        return run

    monkeypatch.setattr(page, "renderer", recording)
    response = client.post(f"/report?form_key={form_key(client)}", data={"text": 'He said "yes".'})
    assert response.status_code == 200
    assert threads and threads[0].startswith("spinlens-"), threads

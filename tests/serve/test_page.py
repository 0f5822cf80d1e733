"""The page at /: paste, upload or URL, answered by the HTML renderer's report."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_page_offers_paste_upload_and_url(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    for field in ('name="text"', 'name="file"', 'name="url"', 'action="report"'):
        assert field in html
    assert "script-src" not in response.headers["content-security-policy"]


def test_pasted_text_and_uploaded_files_give_the_html_report(
    client: TestClient, seed_text: str
) -> None:
    pasted = client.post("/report", data={"text": seed_text, "title": "Seed <b>story</b>"})
    assert pasted.status_code == 200
    assert pasted.headers["content-type"].startswith("text/html")
    assert "Seed &lt;b&gt;story&lt;/b&gt;" in pasted.text and "<b>story</b>" not in pasted.text
    assert "<mark" in pasted.text, "findings are highlighted"
    upload = client.post("/report", files={"file": ("seed.txt", seed_text.encode(), "text/plain")})
    assert upload.status_code == 200 and "<mark" in upload.text


def test_an_empty_form_or_a_bad_url_is_refused(client: TestClient) -> None:
    response = client.post("/report", data={"text": "  "})
    assert response.status_code == 422
    assert "paste an article" in response.json()["error"]["message"]
    bad = client.post("/report", data={"url": "ftp://example.org/story"})
    assert bad.status_code == 422
    assert "http(s) URL" in bad.json()["error"]["message"]

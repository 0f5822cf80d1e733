"""The API reads a request body through the core reader's record checks: the same refusal,
with the same code, as the same article in a JSONL file."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.serve.conftest import LOCAL, make_app

GOOD = "The minister said the plan works, according to officials."


def _post(body: bytes) -> tuple[int, dict[str, object]]:
    with TestClient(make_app(), base_url=LOCAL) as client:
        answer = client.post(
            "/api/v1/analyze", content=body, headers={"content-type": "application/json"}
        )
    return answer.status_code, answer.json()


def test_text_of_nul_characters_is_refused_as_binary() -> None:
    status, body = _post(b'{"text": "\\u0000\\u0000\\u0000\\u0000"}')
    assert status == 422 and body["error"]["code"] == "E102"  # type: ignore[index]


def test_a_lone_surrogate_escape_is_bad_input_not_a_500() -> None:
    status, body = _post(b'{"text": "bad \\ud800 text"}')
    assert status == 422 and str(body["error"]["code"]).startswith("E1")  # type: ignore[index]


def test_a_good_text_still_reads_as_text() -> None:
    status, body = _post(b'{"text": "' + GOOD.encode() + b'", "id": "a1"}')
    assert status == 200
    assert body["document"]["id"] == "a1"  # type: ignore[index]
    assert body["document"]["source_format"] == "text"  # type: ignore[index]

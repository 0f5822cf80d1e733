"""Every input type yields a Document whose segments and findings index its own text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinlens.document import Document
from spinlens.document.loaders import iter_documents, load_document
from spinlens.errors import InputError
from spinlens.pipeline import Pipeline

ARTICLE = (
    "Officials said on Monday that the ‘plan’ would cost €4.2 billion.\n\n"
    "“We will not back down from this fight,” said Prime Minister Jane Doe. "
    "The opposition called it reckless, according to the Daily Ledger.\n"
)

HTML = f"""<!DOCTYPE html><html><head><title>Budget row deepens</title>
<meta property="article:published_time" content="2024-03-04"></head>
<body><nav>Home | World | Sport</nav><article><h1>Budget row deepens</h1>
{"".join(f"<p>{p}</p>" for p in ARTICLE.split(chr(10)) if p)}
<p>Analysts expect a vote before the summer recess, and more debate in parliament.</p>
</article><footer>Copyright 2024</footer></body></html>"""


def _assert_offsets(doc: Document) -> None:
    for layer in (doc.paragraphs, doc.sentences):
        for span in layer:
            assert 0 <= span.start < span.end <= len(doc.text)
            assert doc.text[span.start : span.end].strip() == doc.text[span.start : span.end]
    report = Pipeline(["quotes"]).run(doc)
    assert report.findings, "the test article has quotes and attributions"
    for finding in report.findings:
        assert doc.text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_plain_text_in_common_encodings(tmp_path: Path, encoding: str) -> None:
    text = ARTICLE if encoding not in {"cp1252", "latin-1"} else ARTICLE.replace("€", "EUR")
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    doc = load_document(str(path))
    assert doc.text == text
    assert doc.language == "en"
    _assert_offsets(doc)


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load_document(str(path))
    assert doc.source_format == "html"
    assert doc.title == "Budget row deepens"
    assert doc.date == "2024-03-04"
    assert "Home | World" not in doc.text and "We will not back down" in doc.text
    _assert_offsets(doc)


def test_jsonl_records_keep_metadata(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    records = [
        {
            "id": "r1",
            "title": "T1",
            "text": ARTICLE,
            "url": "https://www.example.org/a",
            "date": "2024-01-02",
        },
        {"id": "r2", "html": HTML, "url": "https://news.example.com/b"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    docs = [item.document for item in iter_documents([str(path)])]
    assert [d.id for d in docs if d] == ["r1", "r2"]
    first, second = docs
    assert first is not None and second is not None
    assert first.domain == "example.org" and first.date == "2024-01-02"
    assert second.domain == "news.example.com" and second.source_format == "html"
    for doc in (first, second):
        _assert_offsets(doc)


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"id": "x", "text": ARTICLE}]), encoding="utf-8")
    (item,) = list(iter_documents([str(path)]))
    assert item.document is not None and item.document.text == ARTICLE


def test_directory_walks_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.html").write_text(HTML, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    origins = [Path(item.origin).name for item in iter_documents([str(tmp_path)])]
    assert origins == ["a.html", "b.txt"]


def test_record_without_text_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "x", "title": "no body"}\n[1, 2]\n', encoding="utf-8")
    items = list(iter_documents([str(path)]))
    assert all(item.error is not None for item in items)
    assert "no non-empty 'text' or 'html'" in str(items[0].error)
    assert isinstance(items[1].error, InputError)


def test_non_english_input_skips_english_only_analyzers() -> None:
    doc = load_text(
        "El ministro dijo que el plan funcionará, según fuentes oficiales del gobierno."
    )
    report = Pipeline(["quotes"]).run(doc)
    (run,) = report.analyzers
    assert doc.language == "es"
    assert run.status == "skipped" and "needs language en" in (run.reason or "")
    assert any("quotes skipped" in w for w in report.warnings)


def load_text(text: str) -> Document:
    from spinlens.document.loaders import document_from_text

    return document_from_text(text)

"""Query files for matching: ``id<TAB>text`` per line, an optional header line skipped."""

from __future__ import annotations

import re

from spinlens.errors import EmptyInputError, MalformedRecordError

_HEADER_IDS = frozenset({"", "id", "qid", "query_id", "tweet_id", "sentence_id"})
MAX_QUERY_CHARS = 5000


def unquote(cell: str) -> str:
    """Undo CSV-style quoting of one TSV cell (the CheckThat! files quote some cells)."""
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def parse_queries(
    raw: str, name: str = "<input>", skipped: list[str] | None = None
) -> list[tuple[str, str]]:
    """Parse ``id<TAB>text`` lines; the first line is a header when its id cell is empty or
    a column name such as ``id``. A malformed line raises, or, when ``skipped`` is a list, is
    described there (``name:line: problem``) and left out."""
    lines = [(n, line) for n, line in enumerate(raw.splitlines(), start=1) if line.strip()]
    if lines and lines[0][1].split("\t", 1)[0].strip().lower() in _HEADER_IDS:
        lines = lines[1:]
    if not lines:
        raise EmptyInputError(f"{name} has no queries")
    out = []
    for n, line in lines:
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip() or not text.strip() or re.search(r"\s", qid.strip()):
            message = f"{name}:{n}: not 'id<TAB>text' (an id without spaces): {line[:60]!r}"
            if skipped is None:
                raise MalformedRecordError(message)
            skipped.append(message)
            continue
        out.append((qid.strip(), unquote(text)[:MAX_QUERY_CHARS]))
    if not out:
        raise MalformedRecordError(f"{name}: no valid query ({(skipped or ['?'])[0]})")
    return out

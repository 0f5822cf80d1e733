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


def parse_queries(raw: str, name: str = "<input>") -> list[tuple[str, str]]:
    """Parse ``id<TAB>text`` lines; the first line is a header when its id cell is empty or
    a column name such as ``id``."""
    lines = [line for line in raw.splitlines() if line.strip()]
    if lines and lines[0].split("\t", 1)[0].strip().lower() in _HEADER_IDS:
        lines = lines[1:]
    if not lines:
        raise EmptyInputError(f"{name} has no queries")
    out = []
    for n, line in enumerate(lines, start=1):
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip() or not text.strip() or re.search(r"\s", qid.strip()):
            raise MalformedRecordError(f"{name}: query {n} is not 'id<TAB>text': {line[:60]!r}")
        out.append((qid.strip(), unquote(text)[:MAX_QUERY_CHARS]))
    return out

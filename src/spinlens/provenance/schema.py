"""The published shape of ``spinlens trace --format json`` (``spinlens trace --schema``).

Field names here are an interface other tools script against: keep them stable.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MutationType = Literal[
    "quote_added",
    "quote_altered",
    "quote_removed",
    "attribution_changed",
    "new_claim",
    "number_changed",
    "loaded_wording",
    "entity_changed",
    "inserted_text",
    "deleted_text",
    "substituted_text",
    "paraphrased",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceOut(_Model):
    id: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    score: float = Field(description="rank score: mostly how much of the article is in it")
    containment: float = Field(description="share of the article's shingles found in the source")
    source_containment: float = Field(description="share of the source found in the article")
    jaccard: float
    shared_shingles: int
    paraphrase: float | None = Field(
        None, description="sentence-embedding score: how much the source says again (0-1)"
    )


class MutationOut(_Model):
    op: Literal["inserted", "deleted", "substituted"]
    type: MutationType
    tags: list[MutationType] = Field(default_factory=list, description="every type that fits")
    level: Literal["sentence", "word"]
    start: int = Field(ge=0, description="offset in the traced article (empty for deletions)")
    end: int = Field(ge=0)
    source_id: str
    source_start: int = Field(ge=0, description="offset in the source text")
    source_end: int = Field(ge=0)
    text: str
    source_text: str
    explanation: str = ""


class BlockOut(_Model):
    start: int
    end: int
    source_start: int
    source_end: int


class QuoteCheckOut(_Model):
    label: Literal[
        "quote_verified", "quote_altered_in_source", "quote_misattributed", "quote_not_found"
    ]
    start: int
    end: int
    quote: str
    speaker: str | None = None
    detail: str
    source_id: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    source_speaker: str | None = None
    similarity: float | None = None
    diff: list[dict[str, str]] = Field(default_factory=list)


class LineageEdge(_Model):
    parent: str
    child: str
    changes: dict[str, int]
    mutations: int


class LineageOut(_Model):
    order: list[str]
    dated: bool = Field(description="ordered by dates (else by containment)")
    edges: list[LineageEdge]


class TraceOut(_Model):
    """One traced article: ranked sources, and the typed diff against the best one."""

    id: str | None = None
    sources: list[SourceOut]
    best_source: str | None = None
    mutations: list[MutationOut]
    aligned: list[BlockOut]
    source_text: str = Field("", description="best source's text, at most 200 kB")
    summary: dict[str, int] = Field(default_factory=dict, description="mutations per type")
    quotes: list[QuoteCheckOut] = Field(default_factory=list)
    lineage: LineageOut | None = None


def trace_schema() -> dict[str, Any]:
    schema = TraceOut.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema

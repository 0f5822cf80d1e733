"""The report: one versioned pydantic model; ``spinlens schema`` publishes its JSON Schema.

Reports are plain data: every renderer formats the same model, so a stored report can be
re-rendered later. Bump ``SCHEMA_VERSION`` on any change a validator of the previous schema
would reject (every model forbids unknown fields).

History: 1.0 first release; 1.1 adds ``Reason.ratings`` (the list ratings a reason about the
publishing site rests on).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Finding(_Model):
    """One span found by one analyzer; ``text == document.text[start:end]`` always."""

    analyzer: str
    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    score: float = Field(ge=0.0, le=1.0)
    explanation: str = ""
    attrs: dict[str, Any] = Field(default_factory=dict)


class Segment(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DocumentInfo(_Model):
    id: str | None = None
    title: str | None = None
    url: str | None = None
    domain: str | None = None
    date: str | None = None
    language: str | None = None
    source_format: str = "text"
    text: str
    paragraphs: list[Segment] = Field(default_factory=list)
    sentences: list[Segment] = Field(default_factory=list)


class AnalyzerRun(_Model):
    name: str
    version: str
    status: Literal["ok", "skipped", "error"]
    seconds: float = Field(ge=0.0)
    findings: int = 0
    model: str | None = None
    reason: str | None = None


class SpanRef(_Model):
    analyzer: str
    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class RatingRef(_Model):
    """One list's rating of the article's site: the evidence of a reason about the source."""

    list: str
    domain: str = Field(description="the key of the list that matched (site, section or page)")
    score: float | None = None
    label: str = ""


class Reason(_Model):
    """One piece of the verdict; it rests on ``spans`` of the text, or, for a reason about the
    publishing site (which is not in the text), on the list ``ratings`` of that site."""

    text: str
    weight: float
    spans: list[SpanRef] = Field(default_factory=list)
    ratings: list[RatingRef] = Field(default_factory=list)


class Verdict(_Model):
    score: float = Field(ge=0.0, le=1.0, description="0 = trustworthy, 1 = manipulative")
    label: Literal["reliable", "mixed", "unreliable", "insufficient evidence"]
    reasons: list[Reason] = Field(default_factory=list)
    explanation: str = ""


class Tool(_Model):
    name: str = "spinlens"
    version: str


class Report(_Model):
    """Everything spinlens says about one document."""

    schema_version: Literal["1.1"] = "1.1"
    tool: Tool
    created: str
    document: DocumentInfo
    findings: list[Finding] = Field(default_factory=list)
    analyzers: list[AnalyzerRun] = Field(default_factory=list)
    data: dict[str, Any] = Field(
        default_factory=dict, description="structured output of each analyzer, by analyzer name"
    )
    verdict: Verdict | None = None
    warnings: list[str] = Field(default_factory=list)
    config: dict[str, Any] = Field(default_factory=dict)


def json_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://spinlens.dev/schema/report-{SCHEMA_VERSION}.json"
    return schema

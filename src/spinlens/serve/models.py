"""Request and response bodies of the HTTP API (pydantic, so OpenAPI documents them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_TEXT_CHARS = 2_000_000


class AnalyzeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    only: list[str] | None = Field(
        default=None, max_length=32, description="run only these of the loaded analyzers"
    )
    skip: list[str] = Field(default_factory=list, max_length=32, description="do not run these")


class ArticleIn(BaseModel):
    """An article as text, as HTML, or as a URL for the server to fetch."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [{"required": ["text"]}, {"required": ["html"]}, {"required": ["url"]}]
        },
    )
    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT_CHARS)
    html: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT_CHARS)
    url: str | None = Field(
        default=None,
        min_length=1,
        max_length=2048,
        description="fetched when neither text nor html is given, else recorded as metadata",
    )
    title: str | None = Field(default=None, max_length=1000)
    id: str | None = Field(
        default=None, max_length=200, description="a string, or an integer (kept as text)"
    )

    @field_validator("id", mode="before")
    @classmethod
    def _integer_id(cls, value: object) -> object:
        """Integer ids (a CMS's row numbers) are accepted, as JSONL records accept them."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        """Only absolute http(s) URLs with a host; anything else is refused here, at the edge."""
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise ValueError("must be an absolute http(s) URL with a host")
        return value

    @model_validator(mode="after")
    def _one_body(self) -> ArticleIn:
        if not (self.text or self.html or self.url):
            raise ValueError("give one of 'text', 'html' or 'url'")
        if self.text and self.html:
            raise ValueError("give 'text' or 'html', not both")
        return self


class AnalyzeIn(ArticleIn):
    options: AnalyzeOptions = Field(default_factory=AnalyzeOptions)


class MatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim: str = Field(min_length=1, max_length=5000, description="the claim to look up")
    top_k: int = Field(default=5, ge=1, le=50)
    only_matches: bool = Field(
        default=False,
        description="return only the pairs the claims analyzer would report (same-claim "
        "probability at or above the shipped threshold), like 'factcheck match --only-matches'",
    )


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: str
    version: str
    analyzers: list[str]
    busy: int
    capacity: int


JsonObject = dict[str, Any]

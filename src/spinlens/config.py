"""Configuration layers: defaults < spinlens.toml (or --config) < SPINLENS_* env < --set."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from spinlens.errors import ConfigError


def data_dir() -> Path:
    """The user data directory (``SPINLENS_HOME`` overrides it), read when settings are made."""
    return Path(os.environ.get("SPINLENS_HOME") or user_data_dir("spinlens", appauthor=False))


class Paths(BaseModel):
    """Where the embedded stores live; all default under the user data directory."""

    model_config = ConfigDict(extra="forbid")
    index: Path = Field(
        default_factory=lambda: data_dir() / "index.sqlite", description="provenance index"
    )
    factcheck_db: Path = Field(
        default_factory=lambda: data_dir() / "factchecks.sqlite", description="fact-checks"
    )
    sources_db: Path = Field(
        default_factory=lambda: data_dir() / "sources.sqlite", description="source ratings"
    )

    @field_validator("index", "factcheck_db", "sources_db", mode="after")
    @classmethod
    def _home(cls, value: Path) -> Path:
        """``~`` in a config file or ``--set`` means the home folder, as in a shell."""
        return value.expanduser()


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_bytes: int = Field(default=5_000_000, gt=0, description="largest input accepted")
    url_timeout: float = Field(default=15.0, gt=0, description="seconds for a URL fetch")


class Settings(BaseModel):
    """The resolved configuration; each report records it."""

    model_config = ConfigDict(extra="forbid")
    paths: Paths = Field(default_factory=Paths)
    limits: Limits = Field(default_factory=Limits)
    analyzers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="per-analyzer options, keyed by analyzer name"
    )
    only: list[str] | None = None
    skip: list[str] = Field(default_factory=list)


ENV_PATHS = {
    "SPINLENS_INDEX": ("paths", "index"),
    "SPINLENS_FACTCHECK_DB": ("paths", "factcheck_db"),
    "SPINLENS_SOURCES_DB": ("paths", "sources_db"),
    "SPINLENS_MAX_BYTES": ("limits", "max_bytes"),
}


def load_settings(path: Path | None = None, overrides: list[str] | None = None) -> Settings:
    """Resolve the configuration from its layers."""
    data: dict[str, Any] = {}
    candidate = path or (Path("spinlens.toml") if Path("spinlens.toml").is_file() else None)
    if candidate is not None:
        data = _read_toml(candidate)
    for env, (section, key) in ENV_PATHS.items():
        if os.environ.get(env):
            data.setdefault(section, {})[key] = os.environ[env]
    for item in overrides or []:
        _apply_override(data, item)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"bad configuration value at '{where}': {first['msg']}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _apply_override(data: dict[str, Any], item: str) -> None:
    """``analyzers.propaganda.threshold=0.4`` sets one dotted key; values parse as TOML."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override '{item}' is not KEY=VALUE")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    *parents, leaf = key.strip().split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"override '{item}' descends into a non-table value")
    node[leaf] = value

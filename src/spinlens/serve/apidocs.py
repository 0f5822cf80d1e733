"""API documentation at ``/docs``, rendered on the server from our own OpenAPI document.

FastAPI's built-in Swagger UI and ReDoc pages load their scripts from a CDN, so they stay
blank on an offline machine; spinlens runs offline. This page needs no script and no
network: every operation, parameter, body field, response and schema, with links to the
machine-readable ``/openapi.json`` and ``/api/v1/schema``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from spinlens.serve.page import PAGE_CSP, templates

apidocs = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")
CONSTRAINTS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "maxItems",
    "pattern",
    "default",
)


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str
    constraints: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Field] = field(default_factory=list)
    body: str | None = None
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)
    token: bool = False


def type_of(schema: dict[str, Any]) -> str:
    """A short human name for a JSON Schema type: ``string``, ``array of Finding``, ..."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return "object"
    return str(kind or "any")


def _constraints(schema: dict[str, Any]) -> str:
    """Limits of a field, also those inside ``anyOf`` (how optional fields are written)."""
    parts: list[str] = []
    for part in [schema, *schema.get("anyOf", [])]:
        for key in CONSTRAINTS:
            if key in part and f"{key} {json.dumps(part[key])}" not in parts:
                parts.append(f"{key} {json.dumps(part[key])}")
    return ", ".join(parts)


def fields_of(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        Field(
            name=name,
            type=type_of(prop),
            required=name in required,
            description=str(prop.get("description", "")),
            constraints=_constraints(prop),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(spec: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            entry = Operation(
                method=method.upper(),
                path=path,
                summary=str(op.get("summary", "")),
                description=str(op.get("description", "")),
                anchor=str(op.get("operationId", f"{method}-{path}")),
                token=path.startswith("/api/"),
            )
            for param in op.get("parameters", []):
                entry.parameters.append(
                    Field(
                        name=f"{param['name']} ({param.get('in', '')})",
                        type=type_of(param.get("schema", {})),
                        required=bool(param.get("required")),
                        description=str(param.get("description", "")),
                        constraints=_constraints(param.get("schema", {})),
                    )
                )
            content = op.get("requestBody", {}).get("content", {})
            if content:
                media, body = next(iter(content.items()))
                entry.body = f"{type_of(body.get('schema', {}))} ({media})"
            for status, response in op.get("responses", {}).items():
                media_types: list[dict[str, Any]] = list(response.get("content", {}).values())
                schema = media_types[0].get("schema") if media_types else None
                body_type = type_of(schema) if schema else None
                entry.responses.append((status, str(response.get("description", "")), body_type))
            found.append(entry)
    return found


@apidocs.get("/docs", response_class=HTMLResponse)
async def docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    schemas = spec.get("components", {}).get("schemas", {})
    html = (
        templates()
        .get_template("apidocs.html")
        .render(
            info=spec.get("info", {}),
            operations=operations(spec),
            schemas={name: fields_of(schema) for name, schema in schemas.items()},
            descriptions={name: schema.get("description", "") for name, schema in schemas.items()},
            token_required=bool(request.app.state.service.config.token),
        )
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP})

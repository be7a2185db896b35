"""Validating JSON against LINE's OpenAPI specs, discriminated subtypes included.

JSON Schema ignores OpenAPI's `discriminator`, so a body that is valid as a whole can still hold an invalid
TextMessage or PostbackAction. The validator therefore rewrites the spec once: wherever a discriminated base
(`Message`, `Action`, `FlexComponent`, …) is referenced, the reference becomes "the base, and the subtype that
`type` names". Each object is checked against the subtype its context allows: a `carousel` in `messages[].contents`
is a Flex carousel, a `carousel` in `template` is a carousel template.
"""

from __future__ import annotations

import copy
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

CONTRACTS = Path(__file__).resolve().parents[1] / "data" / "line-openapi"
SCHEMAS = "#/components/schemas/"
DISPATCH = "__by_type"


def _discriminators(spec: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Base schema name → {type value → subtype $ref}."""
    return {
        name: schema["discriminator"]["mapping"]
        for name, schema in spec["components"]["schemas"].items()
        if "discriminator" in schema and "mapping" in schema["discriminator"]
    }


def _point_at_dispatch(node: Any, bases: set[str], *, keep: str | None = None) -> Any:
    """Every `$ref` to a base now goes to its dispatching schema, except a subtype's own `allOf: [base]`."""
    if isinstance(node, list):
        return [_point_at_dispatch(item, bases, keep=keep) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref", "")
    if ref.startswith(SCHEMAS) and ref[len(SCHEMAS) :] in bases and ref[len(SCHEMAS) :] != keep:
        return {**node, "$ref": ref + DISPATCH}
    out = {}
    for key, value in node.items():
        out[key] = _point_at_dispatch(value, bases, keep=keep if key == "allOf" else None)
    return out


def with_dispatch(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    mappings = _discriminators(spec)
    base_of = {ref[len(SCHEMAS) :]: base for base, mapping in mappings.items() for ref in mapping.values()}
    for name in list(schemas):
        schemas[name] = _point_at_dispatch(schemas[name], set(mappings), keep=base_of.get(name))
    spec["paths"] = _point_at_dispatch(spec["paths"], set(mappings))
    for base, mapping in mappings.items():
        schemas[base + DISPATCH] = {
            "allOf": [
                {"$ref": SCHEMAS + base},
                *(
                    {"if": {"properties": {"type": {"const": kind}}, "required": ["type"]}, "then": {"$ref": ref}}
                    for kind, ref in mapping.items()
                ),
            ]
        }
    return spec


class OpenApiValidator:
    def __init__(self, path: Path) -> None:
        self.spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.checked = with_dispatch(self.spec)
        self.registry = Registry().with_resource(
            "spec", Resource.from_contents(self.checked, default_specification=DRAFT7)
        )

    def schema(self, name: str) -> dict[str, Any]:
        return self.spec["components"]["schemas"][name]

    @cached_property
    def discriminators(self) -> dict[str, dict[str, str]]:
        return _discriminators(self.spec)

    def errors(self, ref: str, instance: Any) -> list[str]:
        """Errors of `instance` against the schema at `ref` ("#/components/schemas/…"), subtypes included."""
        name = ref.rsplit("/", 1)[-1]
        if name in self.discriminators:
            ref += DISPATCH
        validator = Draft7Validator({"$ref": f"spec{ref}"}, registry=self.registry)
        return [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(instance)]

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        """The spec's operation for a request path: an exact path first, then the template with fewest
        parameters (so /v2/bot/user/all/richmenu/{richMenuId} wins over /v2/bot/user/{userId}/richmenu/{richMenuId})."""
        path = path.split("?", 1)[0]
        for template in [path, *self._templates_matching(path)]:
            operation = self.spec["paths"].get(template, {}).get(method.lower())
            if operation is not None:
                return operation
        return None

    def _templates_matching(self, path: str) -> list[str]:
        found = [t for t in self.spec["paths"] if "{" in t and re.fullmatch(re.sub(r"\{[^/}]+\}", "[^/]+", t), path)]
        return sorted(found, key=lambda t: t.count("{"))

    def request_errors(self, method: str, path: str, body: Any) -> list[str]:
        """Errors of a JSON request body; a binary body (an image) is the caller's to check."""
        operation = self.operation(method, path)
        if operation is None:
            return [f"{method} {path} is not in the spec"]
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return [] if body is None or content else [f"{method} {path} takes no body"]
        ref = content["application/json"]["schema"]["$ref"].lstrip("#")
        return self.errors(f"#{ref}", body)

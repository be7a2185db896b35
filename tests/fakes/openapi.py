"""Validating JSON against LINE's OpenAPI specs, discriminated subtypes included.

JSON Schema ignores OpenAPI's `discriminator`, so a body that is valid as a whole can still hold an invalid
TextMessage or PostbackAction. `OpenApiValidator.errors` therefore also checks every object that has a
discriminated `type` against the subtype the mapping names, all the way down.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

CONTRACTS = Path(__file__).resolve().parents[1] / "data" / "line-openapi"


class OpenApiValidator:
    def __init__(self, path: Path) -> None:
        self.spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.registry = Registry().with_resource(
            "spec", Resource.from_contents(self.spec, default_specification=DRAFT7)
        )

    def schema(self, name: str) -> dict[str, Any]:
        return self.spec["components"]["schemas"][name]

    def _validator(self, ref: str) -> Draft7Validator:
        return Draft7Validator({"$ref": f"spec{ref}"}, registry=self.registry)

    @cached_property
    def discriminators(self) -> dict[str, dict[str, str]]:
        """Base schema name → {type value → subtype $ref}."""
        return {
            name: schema["discriminator"]["mapping"]
            for name, schema in self.spec["components"]["schemas"].items()
            if "discriminator" in schema and "mapping" in schema["discriminator"]
        }

    def errors(self, ref: str, instance: Any) -> list[str]:
        found = [f"{ref}: {e.message} at {list(e.absolute_path)}" for e in self._validator(ref).iter_errors(instance)]
        return found + self._subtype_errors(instance)

    def _subtype_errors(self, instance: Any) -> list[str]:
        found: list[str] = []
        if isinstance(instance, list):
            for item in instance:
                found += self._subtype_errors(item)
        elif isinstance(instance, dict):
            kind = instance.get("type")
            for base, mapping in self.discriminators.items():
                if isinstance(kind, str) and kind in mapping and self._looks_like(base, instance):
                    ref = mapping[kind].lstrip("#")
                    found += [f"{ref}: {e.message}" for e in self._validator(f"#{ref}").iter_errors(instance)]
                    break
            for value in instance.values():
                found += self._subtype_errors(value)
        return found

    def _looks_like(self, base: str, instance: dict[str, Any]) -> bool:
        """Several bases share type values (e.g. "message"); pick the one whose required keys are present."""
        required = self.schema(base).get("required", [])
        return all(key in instance for key in required)

    def request_errors(self, method: str, path: str, body: Any) -> list[str]:
        operation = self.spec["paths"].get(path, {}).get(method.lower())
        if operation is None:
            return [f"{method} {path} is not in the spec"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].lstrip("#")
        return self.errors(f"#{ref}", body)

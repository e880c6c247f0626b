"""The documentation page's content, read from the city's OpenAPI schema (so it never drifts from it)."""

import functools
import json

from django.utils.translation import get_language

from tenant_apps.api.schema import city_schema

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref") or next((s["$ref"] for s in schema.get("allOf", []) if "$ref" in s), None)
    if ref:
        return components.get(ref.rsplit("/", 1)[-1], {})
    return schema


def _type_label(schema: dict, components: dict) -> str:
    ref = schema.get("$ref") or next((s["$ref"] for s in schema.get("allOf", []) if "$ref" in s), None)
    if ref:
        target = components.get(ref.rsplit("/", 1)[-1], {})
        if "enum" in target:
            return " | ".join(json.dumps(v) for v in target["enum"] if v is not None)
        return f"object ({', '.join(target.get('properties', {}))})"
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"] if v is not None)
    if schema.get("type") == "array":
        return f"array of {_type_label(schema.get('items', {}), components)}"
    return schema.get("type", "object")


def _fields(schema: dict, components: dict, *, read_only: bool = False) -> list[dict]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", []))
    return [{"name": name, "type": _type_label(prop, components), "required": name in required,
             "nullable": bool(prop.get("nullable")), "description": prop.get("description", "")}
            for name, prop in schema.get("properties", {}).items() if read_only or not prop.get("readOnly")]


def _answer_fields(operation: dict, components: dict) -> tuple[list[dict], bool]:
    """The fields of the successful answer (of each item, for a page of results), and whether it is a page."""
    for code, response in operation.get("responses", {}).items():
        if not code.startswith("2"):
            continue
        schema = _resolve(response.get("content", {}).get("application/json", {}).get("schema", {}), components)
        if schema.get("type") == "array":
            return _fields(schema.get("items", {}), components, read_only=True), True
        results = schema.get("properties", {}).get("results")
        if results is not None:
            return _fields(results.get("items", {}), components, read_only=True), True
        return _fields(schema, components, read_only=True), False
    return [], False


def _response_name(response: dict) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    return f"[{name}]" if schema.get("type") == "array" else name


def endpoints_describe(schema: dict) -> list[dict]:
    """Each operation: method, path, summary, description, parameters, body fields, examples, responses."""
    components = schema.get("components", {}).get("schemas", {})
    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            answer_fields, is_list = _answer_fields(operation, components)
            endpoints.append({
                "id": operation["operationId"],
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": _type_label(p.get("schema", {}), components),
                                "description": p.get("description", "")}
                               for p in operation.get("parameters", [])],
                "body": _fields(body["schema"], components) if body else [],
                "examples": [json.dumps(e["value"], ensure_ascii=False, indent=2)
                             for e in body.get("examples", {}).values()],
                "answer_fields": answer_fields,
                "answer_is_list": is_list,
                "responses": [{"code": code, "description": r.get("description", ""), "schema": _response_name(r)}
                              for code, r in operation.get("responses", {}).items()],
            })
    return endpoints


@functools.lru_cache(maxsize=4)
def _described(language: str) -> tuple[dict, list[dict]]:
    schema = city_schema()
    return schema["info"], endpoints_describe(schema)


def api_documentation() -> tuple[dict, list[dict]]:
    """The schema's info and endpoints in the active language (the same for every city: cached per process)."""
    return _described(get_language() or "fr")

"""The API's documentation page: the OpenAPI document's paths rendered by our own template
(no CDN, no JavaScript: the machines that serve this have no internet, and a page of our
own shows in the visitor's language like every other page)."""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "patch", "put", "delete")


def _reference_name(schema: dict | None) -> str | None:
    """The component a schema refers to ("NewRequest"), or None when it is inline."""
    reference = (schema or {}).get("$ref", "")
    return reference.rsplit("/", 1)[-1] or None


def _operations(document: dict) -> list[dict]:
    """Every operation of the document, in the order of its paths: what the page lists."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            answer = next((response for code, response in operation["responses"].items()
                           if code.startswith("2")), {})
            found.append({
                "method": method.upper(), "path": path, "id": operation.get("operationId"),
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [*item.get("parameters", []),
                               *operation.get("parameters", [])],
                "body": _reference_name(body.get("application/json", {}).get("schema")),
                "answer": _reference_name(answer.get("content", {}).get(
                    "application/json", {}).get("schema")),
                "codes": sorted(code for code in operation["responses"] if code != "default"),
            })
    return found


def _target(schema: dict) -> str | None:
    """The component a field's type links to: its own, or its items' (a list of them)."""
    return _reference_name(schema) or _reference_name(schema.get("items"))


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return _reference_name(schema)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            return " | ".join(_type(part) for part in schema[combined])
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array" or "array" in kind:
        kind = kind.replace("array", f"[{_type(schema.get('items', {}))}]")
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("enum"):
        kind += ": " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    return kind


@bp.route("/api/v1/docs")
def page():
    from .v1 import api
    document = api.spec.to_dict()
    schemas = document.get("components", {}).get("schemas", {})
    return render_template("api/docs.html", document=document,
                           operations=_operations(document), schemas=schemas,
                           type_of=_type, target=_target)

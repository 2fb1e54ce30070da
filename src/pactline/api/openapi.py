"""The OpenAPI document as the API really behaves: errors are 400 with pactline's body.

FastAPI documents request validation failures as 422 with its own schema; pactline answers
them (and every other invalid argument) with 400 and `{"code", "message", "details"}`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable error code"},
        "message": {"type": "string", "description": "What went wrong, for a person"},
        "details": {
            "type": "object",
            "description": 'Structured context; invalid arguments list `errors: [{"field", '
            '"message", "code"}]`',
        },
    },
}
_ERROR_RESPONSE = {
    "description": "Invalid argument: every problem, each naming its field",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        schemas["Error"] = ERROR_SCHEMA
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.pop("422", None) is not None:
                    responses["400"] = _ERROR_RESPONSE
        app.openapi_schema = document
    return app.openapi_schema

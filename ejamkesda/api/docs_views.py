"""A browsable, script-free page of the OpenAPI document (no CDN, CSP-clean)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ejamkesda.api.rest import api


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "auth": bool(op.get("security")),
                    "parameters": [p.get("name") for p in op.get("parameters", [])],
                    "body": json.dumps(body, indent=2) if body else "",
                    "responses": sorted(op.get("responses", {}).keys()),
                }
            )
    return operations


def api_docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    schemas = json.dumps(schema.get("components", {}).get("schemas", {}), indent=2, ensure_ascii=False)
    return render(
        request,
        "api/docs.html",
        {
            "operations": _operations(schema),
            "schemas": schemas,
            "description": schema.get("info", {}).get("description", ""),
        },
    )

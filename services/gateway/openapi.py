"""Write the committed OpenAPI document: `python -m services.gateway.openapi > services/gateway/openapi.json`.
A test fails when the served document and the committed one differ."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COMMITTED = Path(__file__).resolve().parent / "openapi.json"


def current_document() -> dict[str, Any]:
    from services.gateway.entrypoints.api_app import create_api, openapi_document

    return openapi_document(create_api())


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(render(current_document()), end="")

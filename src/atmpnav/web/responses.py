"""The one way the web app writes a JSON body: compact UTF-8 by pydantic-core's serializer (several
times faster than ``json.dumps``; a NaN or infinity becomes ``null``, so the body is always valid JSON)."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json
from starlette.responses import Response


def json_response(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``data`` serialized; ``bytes`` are taken as JSON serialized already (``Envelope.to_json``)."""
    body = data if isinstance(data, bytes) else to_json(data, inf_nan_mode="null")
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)

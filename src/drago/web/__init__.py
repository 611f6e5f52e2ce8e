"""The dashboard: a FastAPI app with a JSON API under /api/ and server-rendered pages.

`create_app(db_path)` builds it; `drago serve` runs it with uvicorn on 127.0.0.1. Every request
opens the store, answers and closes it, so `drago import` on the command line and uploads
through the server take turns at DuckDB's single writer (see docs/web.md).
"""

from drago.web.app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]

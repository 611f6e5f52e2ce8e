"""The store: the only code that talks to DuckDB. Originals are kept beside it by content hash."""

from drago.store.db import Store, default_db_path

__all__ = ["Store", "default_db_path"]

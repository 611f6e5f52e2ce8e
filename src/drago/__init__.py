"""drago: an open sports-science lab for boxers and their coaches.

The Python API for notebooks:

- `drago.read(path)` decodes a FIT, TCX or GPX file into a `Recording` without a database;
- `drago.Lab(path)` opens a store and gives the CLI's listings as Polars frames.

The names load on first use, so `drago --help` does not import the lab (issue 19).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from drago.errors import BadInput, DragoError

if TYPE_CHECKING:
    from drago.ingest import read_file as read
    from drago.lab import Lab
    from drago.recording import Recording, SessionMeta

__all__ = ["BadInput", "DragoError", "Lab", "Recording", "SessionMeta", "read"]
__version__ = "0.1.0"

#: Where each lazily loaded name lives: (module, name there).
_LAZY = {
    "read": ("drago.ingest", "read_file"),
    "Lab": ("drago.lab", "Lab"),
    "Recording": ("drago.recording", "Recording"),
    "SessionMeta": ("drago.recording", "SessionMeta"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'drago' has no attribute {name!r}")

"""drago: an open sports-science lab for boxers and their coaches.

The Python API for notebooks:

- `drago.read(path)` decodes a FIT, TCX or GPX file into a `Recording` without a database;
- `drago.Lab(path)` opens a store and gives the CLI's listings as Polars frames.
"""

from drago.errors import BadInput, DragoError
from drago.ingest import read_file as read
from drago.lab import Lab
from drago.recording import Recording, SessionMeta

__all__ = ["BadInput", "DragoError", "Lab", "Recording", "SessionMeta", "read"]
__version__ = "0.1.0"

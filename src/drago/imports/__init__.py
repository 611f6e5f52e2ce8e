"""The import pipeline: walk paths, decode each file (in a pool when it pays), store each kind.

`pipeline` walks and decodes; `rr` (morning RR measurements and RR activities) and `imu`
(glove and wrist sensors) hold what is particular to those kinds. Formats themselves are read
in `drago.ingest`; every write goes through `drago.store`.
"""

from drago.imports.pipeline import FileOutcome, ImportOptions, ImportReport, import_paths

__all__ = ["FileOutcome", "ImportOptions", "ImportReport", "import_paths"]

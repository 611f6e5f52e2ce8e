"""A federation's Parquet lake: its layout, writing it incrementally, reading it (Polars scans;
DuckDB for the overview).

See docs/lake.md for the schema and the manifest.
"""

from drago.store.lake_files.export import export_tables
from drago.store.lake_files.layout import (
    ATHLETES_FILE,
    BUCKET_ATHLETES,
    FORMAT,
    MANIFEST,
    MAX_BUCKETS,
    PARTITIONED,
    RESULTS_FORMAT,
    TABLES,
    VERSION,
    athlete_key,
    bucket_path,
    buckets,
    conform,
    files,
    files_by_athlete,
    holds,
    partition_path,
    read_manifest,
    schema,
    schema_reference,
    write_manifest,
)
from drago.store.lake_files.read import (
    read_athletes,
    read_files,
    read_inputs,
    read_results,
    read_table,
    results_manifest,
    results_overview,
)
from drago.store.lake_files.write import (
    Written,
    digest,
    write_lake,
    write_partitions,
    write_results,
)

__all__ = [
    "ATHLETES_FILE",
    "BUCKET_ATHLETES",
    "FORMAT",
    "MANIFEST",
    "MAX_BUCKETS",
    "PARTITIONED",
    "RESULTS_FORMAT",
    "TABLES",
    "VERSION",
    "Written",
    "athlete_key",
    "bucket_path",
    "buckets",
    "conform",
    "digest",
    "export_tables",
    "files",
    "files_by_athlete",
    "holds",
    "partition_path",
    "read_athletes",
    "read_files",
    "read_inputs",
    "read_manifest",
    "read_results",
    "read_table",
    "results_manifest",
    "results_overview",
    "schema",
    "schema_reference",
    "write_lake",
    "write_manifest",
    "write_partitions",
    "write_results",
]

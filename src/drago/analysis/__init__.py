"""Analysis: pure functions over arrays and frames. No files, no database, no printing."""

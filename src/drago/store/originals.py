"""Original files kept byte-for-byte as `originals/<sha256>.<ext>`, written atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    """The content hash that names an original and makes imports idempotent."""
    return hashlib.sha256(data).hexdigest()


class Originals:
    """The archive folder of original recordings."""

    def __init__(self, root: Path, check_writable: Callable[[], None] | None = None) -> None:
        self.root = root
        #: Raises when the store cannot be written (`Store.check_writable`), before any byte is.
        self.check_writable = check_writable

    def path_for(self, sha256: str, ext: str) -> Path:
        return self.root / f"{sha256}.{ext.lstrip('.').lower()}"

    def keep(self, data: bytes, sha256: str, ext: str) -> Path:
        """Write `data` unless already there; a crash never leaves a partial file under the name."""
        target = self.path_for(sha256, ext)
        if target.exists() and target.stat().st_size == len(data):
            return target
        if self.check_writable is not None:
            self.check_writable()
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

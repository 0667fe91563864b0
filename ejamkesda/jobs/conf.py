"""Settings of the import machinery, from environment variables (defaults in brackets).

* ``IMPORT_BATCH_SIZE`` [2000, or the importer's own size]: rows per atomic batch (one
  transaction each).
* ``IMPORT_MAX_ROWS`` [2000000]: most data rows one file may hold.
* ``IMPORT_MAX_COLUMNS`` [200]: most columns one sheet may declare.
* ``IMPORT_XLSX_MAX_UNCOMPRESSED_MB`` [1024]: most bytes an XLSX may expand to.
* ``IMPORT_XLSX_MAX_RATIO`` [200]: highest compression ratio of one XLSX part (zip bombs).
* ``IMPORT_MAX_ERRORS`` [100000]: errors written to the report before the job stops listing them.
* ``IMPORT_DIR`` [MEDIA_ROOT/impor]: where uploads and error reports are kept (private).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


BATCH_SIZE = _int("IMPORT_BATCH_SIZE", 2000)
MAX_ROWS = _int("IMPORT_MAX_ROWS", 2_000_000)
MAX_COLUMNS = _int("IMPORT_MAX_COLUMNS", 200)
XLSX_MAX_UNCOMPRESSED = _int("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", 1024) * 1024 * 1024
XLSX_MAX_RATIO = _int("IMPORT_XLSX_MAX_RATIO", 200)
MAX_ERRORS = _int("IMPORT_MAX_ERRORS", 100_000)


def import_dir() -> Path:
    path = Path(os.environ.get("IMPORT_DIR", Path(settings.MEDIA_ROOT) / "impor"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_size(preferred: int | None = None) -> int:
    """``IMPORT_BATCH_SIZE`` when set, else the importer's ``preferred`` size, else 2000."""
    if os.environ.get("IMPORT_BATCH_SIZE"):
        return max(1, BATCH_SIZE)
    return preferred or BATCH_SIZE

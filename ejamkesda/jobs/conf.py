"""Settings of the import machinery: a typed view over ``django.conf.settings``.

Read at call time (``override_settings`` works); the environment variables behind them
are read once, in ``ejamkesda/settings.py`` (defaults in brackets):

* ``IMPORT_BATCH_SIZE`` [the importer's own size, else 2000]: rows per atomic batch.
* ``IMPORT_MAX_ROWS`` [2000000]: most data rows one file may hold (task worker).
* ``IMPORT_MAX_COLUMNS`` [200]: most columns one sheet may declare.
* ``IMPORT_MAX_UPLOAD_MB`` [200]: most bytes of one file (task worker).
* ``IMPORT_XLSX_MAX_UNCOMPRESSED_MB`` [1024]: most bytes an XLSX may expand to.
* ``IMPORT_XLSX_MAX_RATIO`` [200]: highest compression ratio of one XLSX part (zip bombs).
* ``IMPORT_MAX_ERRORS`` [100000]: errors written to the report before the job stops listing them.
* ``IMPORT_DIR`` [MEDIA_ROOT/impor]: where uploads and error reports are kept (private).
* ``UPLOAD_TABLE_MAX_ROWS`` [20000], ``UPLOAD_TABLE_MAX_MB`` [20],
  ``UPLOAD_TABLE_MAX_UNCOMPRESSED_MB`` [50]: limits of a table parsed inside a web request
  (bulk claims, tariff tables, attendance, rosters).
* ``IMPORT_BULK_LOAD`` [1], ``IMPORT_BULK_LOAD_MIN_MB`` [10], ``IMPORT_REBUILD_CONNECTIONS``
  [2], ``IMPORT_VALIDATE_PROCESS`` [1], ``IMPORT_PARALLEL_WRITES`` [1]: the initial-load path
  (ejamkesda/jobs/importing/bulkload.py, runner.py).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

MB = 1024 * 1024


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def max_columns() -> int:
    return int(settings.IMPORT_MAX_COLUMNS)


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_UPLOAD_BYTES)


def xlsx_max_uncompressed() -> int:
    return int(settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB) * MB


def xlsx_max_ratio() -> int:
    return int(settings.IMPORT_XLSX_MAX_RATIO)


def max_errors() -> int:
    return int(settings.IMPORT_MAX_ERRORS)


def upload_max_rows() -> int:
    return int(settings.UPLOAD_TABLE_MAX_ROWS)


def upload_max_bytes() -> int:
    return int(settings.UPLOAD_TABLE_MAX_MB) * MB


def upload_max_uncompressed() -> int:
    return int(settings.UPLOAD_TABLE_MAX_UNCOMPRESSED_MB) * MB


def bulk_load() -> bool:
    return bool(settings.IMPORT_BULK_LOAD)


def bulk_load_min_bytes() -> int:
    return int(float(settings.IMPORT_BULK_LOAD_MIN_MB) * MB)


def rebuild_connections() -> int:
    return int(settings.IMPORT_REBUILD_CONNECTIONS)


def validate_in_process() -> bool:
    return bool(settings.IMPORT_VALIDATE_PROCESS)


def parallel_writes() -> bool:
    return bool(settings.IMPORT_PARALLEL_WRITES)


def import_dir() -> Path:
    path = Path(settings.IMPORT_DIR or Path(settings.MEDIA_ROOT) / "impor")
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_size(preferred: int | None = None) -> int:
    """``IMPORT_BATCH_SIZE`` when set, else the importer's ``preferred`` size, else 2000."""
    if settings.IMPORT_BATCH_SIZE:
        return max(1, int(settings.IMPORT_BATCH_SIZE))
    return preferred or 2000

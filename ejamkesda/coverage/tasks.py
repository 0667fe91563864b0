"""Background tasks: the web enqueues the same code the management commands run."""

from __future__ import annotations

import pathlib

from django_tasks import task

from ejamkesda.coverage.models import Snapshot
from ejamkesda.coverage.services.snapshots import snapshot_import_file


@task()
def import_snapshot_file(snapshot_id: int, path: str) -> int:
    """Import an uploaded file, then delete it: the snapshot is the record, and raw files
    full of NIKs should not linger on disk."""
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    try:
        result = snapshot_import_file(snapshot=snapshot, path=path)
    finally:
        pathlib.Path(path).unlink(missing_ok=True)
    return result.rows_saved

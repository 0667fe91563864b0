"""Background tasks: the web enqueues the same code the management commands run."""

from __future__ import annotations

from django_tasks import task

from ejamkesda.coverage.models import Snapshot
from ejamkesda.coverage.services.snapshots import snapshot_import_file


@task()
def import_snapshot_file(snapshot_id: int, path: str) -> int:
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    result = snapshot_import_file(snapshot=snapshot, path=path)
    return result.rows_saved

"""Background tasks: the web enqueues the same code the management commands run.

Imports of snapshots run as jobs of the shared job machinery (``coverage.importing``);
the coverage computation runs here.
"""

from __future__ import annotations

from django_tasks import task


@task()
def compute_coverage_task(run_id: int) -> str:
    from ejamkesda.coverage.services.compute_runs import coverage_compute_run

    return str(coverage_compute_run(run_id=run_id).status)


@task()
def pbi_change_task(run_id: int) -> str:
    from ejamkesda.coverage.services.pbi_change_runs import pbi_change_run

    return str(pbi_change_run(run_id=run_id).status)

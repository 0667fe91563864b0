"""Background task glue: the web enqueues, ``manage.py db_worker`` runs ``job_run``."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job_task(job_id: int) -> str:
    from ejamkesda.jobs.services import job_run

    return str(job_run(job_id=job_id).status)

"""Two officers closing one complaint at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ejamkesda.audit.models import AuditLog
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.complaints.services import ComplaintStateError, complaint_close
from ejamkesda.core.roles import Role
from tests.enrolment.factories import ComplaintFactory
from tests.factories import user_with_role


@pytest.mark.django_db(transaction=True)
def test_two_threads_one_winner():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads are exercised on PostgreSQL")
    officers = [user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_ADMIN)]
    complaint = ComplaintFactory(status=ComplaintStatus.ANSWERED, response="ok")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close(officer):
        try:
            barrier.wait()
            complaint_close(complaint=Complaint.objects.get(pk=complaint.pk), actor=officer)
            outcomes.append("won")
        except ComplaintStateError:
            outcomes.append("told")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["told", "won"]
    assert AuditLog.objects.filter(action="transition", object_id=str(complaint.pk)).count() == 1

"""Two verifiers deciding one application at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ejamkesda.core.roles import Role
from ejamkesda.enrolment.models import Application, ApplicationStatus
from ejamkesda.enrolment.services import ApplicationStateError, application_approve, application_reject
from ejamkesda.participants.models import Membership
from tests.enrolment.factories import ApplicationFactory
from tests.factories import user_with_role


@pytest.mark.django_db(transaction=True)
def test_two_threads_one_winner():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads are exercised on PostgreSQL")
    first, second = user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_VERIFIER)
    application = ApplicationFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action):
        try:
            barrier.wait()
            action()
            outcomes.append("won")
        except ApplicationStateError:
            outcomes.append("told")
        finally:
            connections.close_all()

    copy_a = Application.objects.get(pk=application.pk)
    copy_b = Application.objects.get(pk=application.pk)
    threads = [
        threading.Thread(target=decide, args=(lambda: application_approve(application=copy_a, actor=first),)),
        threading.Thread(
            target=decide, args=(lambda: application_reject(application=copy_b, actor=second, reason="x"),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["told", "won"]
    application.refresh_from_db()
    assert application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
    expected_memberships = 1 if application.status == ApplicationStatus.APPROVED else 0
    assert Membership.objects.count() == expected_memberships

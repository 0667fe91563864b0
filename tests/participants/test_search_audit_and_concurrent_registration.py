"""Participant register: search audit (no NIK in entries, refused roles) and two concurrent
registrations of one new NIK."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401 - used by skipif conditions
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_search_result_list_is_audited_without_nik(client, login):
    user = login(Role.UPT_VERIFIER)
    person = PersonFactory(name="Rahmat Hidayat")
    response = client.post(reverse("participants:search"), {"nik": person.nik})
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="view", object_type="participants.Person")
    assert entry.actor == user
    assert entry.changes["ids"] == [person.pk]
    assert "nik" in entry.summary and person.nik not in entry.summary
    assert person.nik not in str(entry.changes)


def test_invalid_search_writes_no_audit_entry(client, login):
    login(Role.UPT_ADMIN)
    client.post(reverse("participants:search"), {})
    assert not AuditLog.objects.filter(object_type="participants.Person").exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR])
def test_search_post_forbidden_and_not_audited_for_other_roles(client, login, role):
    login(role)
    person = PersonFactory()
    assert client.post(reverse("participants:search"), {"nik": person.nik}).status_code == 403
    expected = 404 if role == Role.PPK_OPERATOR else 403  # a PPK: not one of its people
    assert client.get(reverse("participants:detail", args=[person.pk])).status_code == expected
    assert not AuditLog.objects.filter(action="view").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent inserts need PostgreSQL")
def test_two_registrations_of_one_new_nik_at_once_both_succeed():
    import datetime as dt
    import threading

    from ejamkesda.participants.models import ParticipantHistory, Person
    from ejamkesda.participants.services import person_register
    from tests.factories import make_nik

    number = make_nik(serial=77)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def register(name: str) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            _person, created = person_register(nik=number, name=name, sex="L", birth_date=dt.date(1985, 3, 7))
            outcomes.append("created" if created else "updated")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=register, args=(name,)) for name in ("Budi Santoso", "Budi Santosa")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "updated"]
    assert Person.objects.filter(nik=number).count() == 1
    assert ParticipantHistory.objects.count() == 2

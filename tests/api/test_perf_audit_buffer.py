"""Batched audit of eligibility checks (ejamkesda/audit/buffer.py): nothing lost, same entries."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from ejamkesda.api import eligibility
from ejamkesda.audit import buffer as audit_buffer
from ejamkesda.audit.buffer import AuditBuffer
from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_values
from ejamkesda.core.roles import Role
from tests.api.factories import bearer, token_for
from tests.factories import MembershipFactory, make_nik, user_with_role

FIELDS = ("actor_id", "actor_label", "action", "object_type", "object_id", "summary", "changes", "ip_address")
ROOT = Path(__file__).resolve().parents[2]
AGENT = "SIMRS-Uji/2.0 \\ \t ✓ 'kutip' \"ganda\""  # escaping in the batch write


def _check(client, token, nik, date="2025-06-01"):
    return client.post(
        "/api/v1/eligibility",
        data=json.dumps({"nik": nik, "date": date}),
        content_type="application/json",
        HTTP_USER_AGENT=AGENT,
        **bearer(token),
    )


def _entries():
    return list(AuditLog.objects.filter(object_type="participants.Person").order_by("id"))


@pytest.fixture
def buffered(monkeypatch):
    """Eligibility audit through a buffer with no writer thread (written on flush or when full)."""
    buf = AuditBuffer(batch_size=1000, flush_seconds=0, max_pending=2000)
    monkeypatch.setattr(eligibility, "AUDIT_BUFFER", buf)
    yield buf
    buf.discard()


@pytest.mark.django_db
def test_every_check_ends_in_the_audit_log_with_the_same_fields(client, buffered, monkeypatch):
    user = user_with_role(Role.UPT_VERIFIER)
    token = token_for(user)
    people = [MembershipFactory().person for _ in range(3)]
    niks = [p.nik for p in people] + [make_nik(serial=9911)]  # the last one is unknown

    started = timezone.now()
    for nik in niks:
        assert _check(client, token, nik).status_code == 200
    assert _entries() == []  # queued, not yet written
    assert buffered.pending() == 4
    assert buffered.flush() == 4
    batched = _entries()

    # The same checks audited one by one (batching off) give the same entries.
    monkeypatch.setattr(eligibility, "AUDIT_BUFFER", None)
    for nik in niks:
        _check(client, token, nik)
    direct = _entries()[4:]
    assert len(batched) == len(direct) == 4
    for one, other in zip(batched, direct, strict=True):
        assert [getattr(one, f) for f in FIELDS] == [getattr(other, f) for f in FIELDS]
        assert one.user_agent == other.user_agent == AGENT
        assert started <= one.at <= other.at
    assert [e.object_id for e in batched] == [str(p.pk) for p in people] + [""]
    assert batched[0].actor == user
    assert batched[0].summary == "Cek kepesertaan API tgl 2025-06-01: terjamin"
    for entry in batched:
        assert not any(nik in entry.summary + entry.object_id + json.dumps(entry.changes) for nik in niks)


@pytest.mark.django_db
def test_the_time_is_the_time_of_the_check_not_of_the_write(client, buffered):
    token = token_for(user_with_role(Role.UPT_VERIFIER))
    _check(client, token, MembershipFactory().person.nik)
    checked = timezone.now()
    time.sleep(0.05)
    buffered.flush()
    assert _entries()[0].at <= checked


@pytest.mark.django_db
def test_fhir_eligibility_is_buffered_too(client, buffered):
    token = token_for(user_with_role(Role.UPT_VERIFIER))
    person = MembershipFactory().person
    body = {
        "resourceType": "CoverageEligibilityRequest",
        "status": "active",
        "purpose": ["validation"],
        "patient": {"identifier": {"system": "https://fhir.kemkes.go.id/id/nik", "value": person.nik}},
        "created": "2025-06-01T08:00:00+07:00",
        "servicedDate": "2025-06-01",
        "insurer": {"display": "Jamkesda"},
    }
    response = client.post(
        "/fhir/CoverageEligibilityRequest", data=json.dumps(body), content_type="application/fhir+json", **bearer(token)
    )
    assert response.status_code == 200, response.content
    assert buffered.pending() == 1
    buffered.flush()
    assert _entries()[0].object_id == str(person.pk)


def _checker(client, monkeypatch, **sizes):
    """A buffer without writer thread in place, and a function that checks one covered person."""
    buf = AuditBuffer(flush_seconds=0, **sizes)
    monkeypatch.setattr(eligibility, "AUDIT_BUFFER", buf)
    token = token_for(user_with_role(Role.UPT_VERIFIER))
    nik = MembershipFactory().person.nik
    return buf, lambda: _check(client, token, nik).status_code


@pytest.mark.django_db
def test_a_full_batch_is_written_without_waiting(client, monkeypatch):
    buf, check = _checker(client, monkeypatch, batch_size=3, max_pending=10)
    check()
    check()
    assert len(_entries()) == 0
    check()
    assert len(_entries()) == 3
    assert buf.pending() == 0


@pytest.mark.django_db
def test_no_answer_beyond_the_bound_when_the_audit_cannot_be_written(client, monkeypatch):
    """The database refuses the writes: checks are answered only while the queue is below its bound."""
    buf, check = _checker(client, monkeypatch, batch_size=3, max_pending=3)
    real_write = audit_buffer.audit_entries_write

    def refuse(entries):
        raise RuntimeError("database down")

    monkeypatch.setattr(audit_buffer, "audit_entries_write", refuse)
    answers = [check() for _ in range(4)]
    # The 3rd check fills the queue and must write it first: refused, so no answer.
    assert answers == [200, 200, 500, 500]
    assert buf.pending() == 4  # kept, never dropped
    monkeypatch.setattr(audit_buffer, "audit_entries_write", real_write)
    assert buf.flush() == 4
    assert len(_entries()) == 4


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_within_the_interval():
    user = user_with_role(Role.UPT_VERIFIER)
    buf = AuditBuffer(batch_size=1000, flush_seconds=0.05, max_pending=2000)
    try:
        for i in range(5):
            buf.add(audit_values(action="view", object_type="participants.Person", object_id=i, actor=user))
        deadline = time.monotonic() + 10
        while AuditLog.objects.count() < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert AuditLog.objects.count() == 5
        assert buf.pending() == 0
    finally:
        buf.close()
    assert buf._thread is not None and not buf._thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_one_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("transaction counting on PostgreSQL")
    user = user_with_role(Role.UPT_VERIFIER)
    now = timezone.now()
    entries = [
        {**audit_values(action="view", object_type="participants.Person", object_id=i, actor=user), "at": now}
        for i in range(50)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        before = cursor.fetchone()[0]
    audit_buffer.audit_entries_write(entries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        after = cursor.fetchone()[0]
    assert AuditLog.objects.count() == 50
    # One transaction id for the batch, not fifty. txid_current() counts the whole cluster, so
    # another test process may take a few ids meanwhile: the bound leaves room for that.
    assert after - before < 25


EXIT_SCRIPT = textwrap.dedent(
    """
    import multiprocessing, os, sys
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from ejamkesda.audit.buffer import AuditBuffer
    from ejamkesda.audit.models import AuditLog
    from ejamkesda.audit.services import audit_values

    mode = sys.argv[1]
    if mode == "create":
        with connection.schema_editor() as editor:
            editor.create_model(get_user_model())  # the actor foreign key's table
            editor.create_model(AuditLog)
        sys.exit(0)

    # A long interval: only the exit can write these entries.
    buf = AuditBuffer(batch_size=1000, flush_seconds=60, max_pending=2000)

    def queue(label):
        for i in range(7):
            buf.add(audit_values(action="view", object_type="participants.Person", object_id=i, summary=label))

    if mode == "exit":
        queue("exit")  # then a normal interpreter exit: atexit writes them
    elif mode == "worker":
        # A worker process as granian starts them (multiprocessing, fork): it leaves through
        # os._exit, which skips atexit; multiprocessing's finalizers write the queue.
        connection.close()
        child = multiprocessing.get_context("fork").Process(target=queue, args=("worker",))
        child.start()
        child.join()
        assert child.exitcode == 0
    elif mode == "count":
        print(AuditLog.objects.filter(summary=sys.argv[2]).count())
    """
)


def test_queued_entries_are_written_when_a_process_exits(tmp_path):
    """Server stop, restart or worker recycling: the queue is written (the loss bound is for hard crashes)."""
    script = tmp_path / "exit_check.py"
    script.write_text(EXIT_SCRIPT)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ejamkesda.settings",
        "EJAMKESDA_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        "EJAMKESDA_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, str(script), *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()

    run("create")
    run("exit")
    run("worker")
    assert run("count", "exit") == "7"
    assert run("count", "worker") == "7"


def test_a_forked_process_starts_with_an_empty_queue(monkeypatch):
    buf = AuditBuffer(batch_size=10, flush_seconds=0, max_pending=20)
    buf._pending.append({"at": dt.datetime.now(dt.UTC)})
    monkeypatch.setattr(buf, "flush_seconds", 60)
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as seen from a forked child
    monkeypatch.setattr(buf, "_run", lambda: None)
    buf._ensure_writer()
    assert buf.pending() == 0


@pytest.mark.django_db
def test_batch_write_keeps_every_value_exactly():
    user = user_with_role(Role.UPT_VERIFIER)
    at = timezone.now() - dt.timedelta(minutes=3)
    changes = {"ids": [1, 2], "catatan": "baris\nbaru\ttab \\ ✓", "kosong": None}
    entry = {
        **audit_values(action="view", object_type="participants.Person", object_id=42, changes=changes, actor=user),
        "at": at,
        "ip_address": "2001:db8::1",
        "user_agent": AGENT,
    }
    audit_buffer.audit_entries_write([entry, {**entry, "actor_id": None, "actor_label": "", "ip_address": None}])
    first, second = _entries()
    assert (first.at, first.actor, first.changes, first.ip_address, first.user_agent) == (
        at,
        user,
        changes,
        "2001:db8::1",
        AGENT,
    )
    assert second.actor is None
    assert second.ip_address is None

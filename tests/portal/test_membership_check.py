"""Public membership check (docs/portal-publik.md; Perbup PPU 29/2016 Pasal 7 ayat 1 huruf a)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.participants.models import MembershipStatus, Programme, Segment
from ejamkesda.portal.views import nik_rate_key
from ejamkesda.rules.nik import mask_name
from tests.factories import make_nik
from tests.portal.factories import BIRTH, person_with_membership

pytestmark = pytest.mark.django_db
URL = "/cek-kepesertaan/"


def post(client, nik, birth_date, ip="10.0.0.1"):
    return client.post(URL, {"nik": nik, "birth_date": birth_date.isoformat()}, REMOTE_ADDR=ip)


def body(response) -> str:
    text = response.content.decode()
    # Per-response CSRF tokens differ; nothing else may.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_reverse_name_is_stable():
    assert reverse("portal:check") == URL


def test_form_page_is_not_cached(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="nik"' in response.content.decode()
    assert 'inputmode="numeric"' in response.content.decode()


def test_active_member_sees_masked_name_and_membership_only(client):
    person = person_with_membership()
    response = post(client, person.nik, BIRTH)
    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "SIT* NUR******" in text
    assert mask_name(person.name) in text
    assert "SITI NURHALIZA" not in text
    assert "PBI APBN" in text
    assert "Kelas 3" in text
    assert "Aktif" in text
    assert "01-01-2024" in text
    # Never the NIK, address, KK number or card number.
    assert person.nik not in text
    assert "Rahasia" not in text
    assert person.kk_number not in text
    assert "0001234567891" not in text


def test_inactive_member_is_told_so(client):
    person = person_with_membership(status=MembershipStatus.INACTIVE, segment=Segment.PBPU)
    text = post(client, person.nik, BIRTH).content.decode()
    assert "Tidak aktif" in text
    assert "tidak aktif" in text  # the explanation
    assert "PBPU" in text


def test_expired_membership_is_shown_as_last_known(client):
    person = person_with_membership(valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 12, 31))
    text = post(client, person.nik, BIRTH).content.decode()
    assert "31-12-2021" in text
    assert "Tidak ada kepesertaan yang berlaku hari ini" in text


def test_not_found_and_wrong_birth_date_give_identical_answers(client):
    person = person_with_membership()
    unknown_nik = make_nik(birth_date=BIRTH, sex="P", serial=78)
    wrong_birth = post(client, person.nik, dt.date(1990, 5, 18), ip="10.0.0.2")
    unknown = post(client, unknown_nik, dt.date(1990, 5, 18), ip="10.0.0.3")
    assert wrong_birth.status_code == unknown.status_code == 200
    assert body(wrong_birth) == body(unknown)
    assert "Data tidak ditemukan" in body(unknown)
    assert "SIT*" not in body(wrong_birth)
    # Same headers that matter, too.
    assert wrong_birth["Cache-Control"] == unknown["Cache-Control"]


def test_invalid_nik_is_a_field_error_linked_to_the_field(client):
    response = client.post(URL, {"nik": "12345", "birth_date": "1990-05-17"})
    text = response.content.decode()
    assert "NIK tidak valid" in text
    assert 'aria-invalid="true"' in text
    assert 'aria-describedby="id_nik_help id_nik_error"' in text
    assert 'id="id_nik_error"' in text
    assert not AuditLog.objects.exists()


def test_birth_date_in_indonesian_format_is_accepted(client):
    person = person_with_membership()
    response = client.post(URL, {"nik": person.nik, "birth_date": "17-05-1990"}, REMOTE_ADDR="10.0.0.9")
    assert "SIT* NUR******" in response.content.decode()


def test_get_never_looks_up_even_with_query_string(client):
    person = person_with_membership()
    response = client.get(URL, {"nik": person.nik, "birth_date": "1990-05-17"})
    assert "SIT*" not in response.content.decode()


def test_found_and_missed_checks_are_audited_without_nik(client):
    person = person_with_membership()
    post(client, person.nik, BIRTH)
    post(client, make_nik(serial=999), BIRTH, ip="10.0.0.4")
    found = AuditLog.objects.get(object_id=str(person.pk))
    assert found.action == "view"
    assert found.object_type == "participants.Person"
    assert found.ip_address == "10.0.0.1"
    assert AuditLog.objects.filter(summary__contains="tidak cocok").count() == 1
    for entry in AuditLog.objects.all():
        assert person.nik not in f"{entry.summary} {entry.changes} {entry.object_id}"


def test_nik_never_in_url_redirect_or_logs(client, caplog):
    person = person_with_membership()
    caplog.set_level(logging.DEBUG)
    responses = [
        post(client, person.nik, BIRTH),
        post(client, person.nik, dt.date(2000, 1, 1)),
        client.post(URL, {"nik": person.nik, "birth_date": "bukan-tanggal"}),
    ]
    with override_settings(PUBLIC_CHECK_RATE_PER_CLIENT="1/m"):
        responses.append(post(client, person.nik, BIRTH, ip="10.9.9.9"))
        responses.append(post(client, person.nik, BIRTH, ip="10.9.9.9"))
    assert responses[-1].status_code == 429
    for response in responses:
        assert response.status_code in (200, 429)
        assert "Location" not in response
        assert person.nik not in response.content.decode()
        assert person.nik not in response.request["PATH_INFO"]
        assert person.nik not in response.request.get("QUERY_STRING", "")
    assert person.nik not in caplog.text
    for record in caplog.records:
        assert person.nik not in record.getMessage()


@override_settings(PUBLIC_CHECK_RATE_PER_CLIENT="3/m", PUBLIC_CHECK_RATE_PER_NIK="100/h")
def test_rate_limit_per_client(client):
    person = person_with_membership()
    for serial in range(1, 4):
        assert post(client, make_nik(serial=serial), BIRTH, ip="10.1.1.1").status_code == 200
    limited = post(client, person.nik, BIRTH, ip="10.1.1.1")
    assert limited.status_code == 429
    text = limited.content.decode()
    assert "Terlalu banyak permintaan" in text
    assert "SIT*" not in text
    assert "no-store" in limited["Cache-Control"]
    # Another client is not affected.
    assert "SIT* NUR******" in post(client, person.nik, BIRTH, ip="10.1.1.2").content.decode()


@override_settings(PUBLIC_CHECK_RATE_PER_CLIENT="100/m", PUBLIC_CHECK_RATE_PER_NIK="2/h")
def test_rate_limit_per_nik_across_clients(client):
    person = person_with_membership()
    assert post(client, person.nik, BIRTH, ip="10.2.0.1").status_code == 200
    assert post(client, person.nik, dt.date(1990, 1, 1), ip="10.2.0.2").status_code == 200
    limited = post(client, person.nik, BIRTH, ip="10.2.0.3")
    assert limited.status_code == 429
    assert "SIT*" not in limited.content.decode()
    # Another NIK from the same client still works.
    other = person_with_membership(name="BUDI", serial=80)
    assert "BUD*" in post(client, other.nik, BIRTH, ip="10.2.0.3").content.decode()


def test_rate_limit_key_for_nik_is_a_keyed_hash():
    nik = make_nik(serial=5)
    key = nik_rate_key(nik)
    assert nik not in key
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == nik_rate_key(nik)
    assert key != nik_rate_key(make_nik(serial=6))
    with override_settings(SECRET_KEY="x" * 60):
        assert nik_rate_key(nik) != key


@override_settings(PUBLIC_CHECK_RATE_PER_CLIENT="100/m", PUBLIC_CHECK_RATE_PER_NIK="100/h")
def test_rate_limit_cache_never_holds_the_nik(client):
    person = person_with_membership()
    post(client, person.nik, BIRTH)
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys, "rate-limit counters are kept in the cache"
    assert not any(person.nik in str(key) for key in keys)


def test_jamkesda_membership_and_no_membership(client):
    person = person_with_membership(programme=Programme.JAMKESDA, segment="", care_class=None)
    text = post(client, person.nik, BIRTH).content.decode()
    assert "Jamkesda" in text
    bare = person_with_membership(name="ANDI", serial=90)
    bare.memberships.all().delete()
    text = post(client, bare.nik, BIRTH, ip="10.0.0.7").content.decode()
    assert "AND*" in text
    assert "belum tercatat kepesertaan" in text


def test_not_found_and_mismatch_do_the_same_database_work(client):
    """A proxy for similar timing: both answers run the same queries (and write one audit row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = person_with_membership()
    client.get(URL)  # warm up session/CSRF
    with CaptureQueriesContext(connection) as mismatch:
        post(client, person.nik, dt.date(1990, 5, 18), ip="10.3.0.1")
    with CaptureQueriesContext(connection) as unknown:
        post(client, make_nik(birth_date=BIRTH, sex="P", serial=79), dt.date(1990, 5, 18), ip="10.3.0.2")
    with CaptureQueriesContext(connection) as found:
        post(client, person.nik, BIRTH, ip="10.3.0.3")
    assert len(mismatch) == len(unknown) == len(found)

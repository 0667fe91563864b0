"""Application pre-check: no segment, stored birth date, shared limits, ALTCHA challenge."""

from __future__ import annotations

import base64
import datetime as dt
import json

import altcha
import pytest
from django.core.cache import cache
from django.urls import reverse
from django_altcha import get_altcha_challenge

from ejamkesda.audit.models import AuditLog
from ejamkesda.participants.models import Segment
from tests.factories import MembershipFactory, PersonFactory, make_nik

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1985, 3, 7)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _precheck(client, nik, birth=BIRTH, **extra):
    return client.post(reverse("enrolment:precheck"), {"nik": nik, "birth_date": birth.isoformat(), **extra})


def test_covered_person_is_told_without_the_segment(client):
    person = PersonFactory(nik=make_nik(serial=501), birth_date=BIRTH)
    MembershipFactory(person=person, segment=Segment.PBI_APBN)
    response = _precheck(client, person.nik)
    text = response.content.decode()
    assert "sudah memiliki jaminan kesehatan yang aktif" in text
    assert reverse("portal:check") in text
    assert "PBI" not in text and "APBN" not in text and "JKN" not in text
    assert AuditLog.objects.filter(object_id=str(person.pk), summary__contains="cek awal").exists()


def test_birth_date_must_be_the_stored_one_not_the_one_the_nik_encodes(client):
    person = PersonFactory(nik=make_nik(serial=502), birth_date=BIRTH + dt.timedelta(days=1))
    MembershipFactory(person=person, segment=Segment.PBI_APBN)
    unknown = _precheck(client, make_nik(serial=503)).content.decode()
    wrong = _precheck(client, person.nik).content.decode()  # consistent with the NIK, not stored
    assert "Anda dapat mengajukan" in wrong
    assert wrong == unknown.replace(make_nik(serial=503), person.nik)


def test_precheck_shares_the_membership_check_limit(client, settings):
    settings.PUBLIC_CHECK_RATE_PER_CLIENT = "2/m"
    settings.PUBLIC_CHALLENGE_AFTER = 100
    assert (
        client.post(reverse("portal:check"), {"nik": make_nik(serial=504), "birth_date": "1985-03-07"}).status_code
        == 200
    )
    assert _precheck(client, make_nik(serial=505)).status_code == 200
    assert _precheck(client, make_nik(serial=506)).status_code == 429


def _solution() -> str:
    challenge = get_altcha_challenge(max_number=2000)
    solved = altcha.solve_challenge(challenge)
    assert solved is not None
    payload = {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "number": solved.number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize("url_name", ["portal:check", "enrolment:precheck"])
def test_challenge_appears_after_n_attempts_and_a_solved_one_passes(client, settings, url_name):
    settings.PUBLIC_CHALLENGE_AFTER = 2
    person = PersonFactory(nik=make_nik(serial=507), birth_date=BIRTH)
    MembershipFactory(person=person)
    data = {"nik": person.nik, "birth_date": BIRTH.isoformat()}
    url = reverse(url_name)
    audited = AuditLog.objects.filter(summary__contains="cek")
    first = client.post(url, data).content.decode()
    assert "altcha-widget" not in first  # one check: no challenge
    client.post(url, data)
    assert audited.count() == 2
    refused = client.post(url, data).content.decode()
    assert audited.count() == 2  # not answered: no look-up, no entry
    assert "altcha-widget" in refused and "verifikasi otomatis" in refused
    assert "/static/altcha/altcha.min.js" in refused  # our own static file, no CDN
    payload = _solution()
    client.post(url, {**data, "altcha": payload})
    assert audited.count() == 3  # a solved challenge passes
    client.post(url, {**data, "altcha": payload})  # a solution is single-use
    assert audited.count() == 3

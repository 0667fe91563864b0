from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["enrolment:apply", "complaints:file"])  # pre-check: test_precheck.py
def test_public_forms_are_rate_limited(client, monkeypatch, url_name, settings):
    settings.PUBLIC_FORM_RATE = "2/h"
    statuses = [client.post(reverse(url_name), {}).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429


@pytest.mark.parametrize("url_name", ["enrolment:track", "complaints:track"])
def test_tracking_is_rate_limited(client, monkeypatch, url_name, settings):
    settings.PUBLIC_TRACK_RATE = "3/h"
    statuses = [client.post(reverse(url_name), {"code": "AAAAA-AAAAA"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_membership_check_is_rate_limited_per_nik(client, settings, monkeypatch):
    settings.PUBLIC_CHECK_RATE_PER_NIK = "2/h"
    settings.PUBLIC_FORM_RATE = "100/h"
    data = {"nik": "6409010703850001", "birth_date": "1985-03-07"}
    statuses = [
        client.post(reverse("enrolment:precheck"), data, REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]  # a new address does not reset the per-NIK limit
    other = {"nik": "6409010703850002", "birth_date": "1985-03-07"}
    assert client.post(reverse("enrolment:precheck"), other, REMOTE_ADDR="10.0.0.9").status_code == 200

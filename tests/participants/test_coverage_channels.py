"""Every channel answers "covered on this date, by what?" the same way.

The API eligibility check, FHIR CoverageEligibilityRequest, the SJP request, the claim's
membership check and the public check all apply ``ejamkesda.rules.coverage.coverage_on``.
The same people are asked the same question through each; the answers must agree, and
match the rule's documented semantics. The public check only answers for today and an
ordinary SJP only for today or later, so the shared question is about today; the channels
that take any date are also asked about a past date.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from ejamkesda.core.roles import Role
from ejamkesda.participants.models import MembershipStatus, Programme, Segment
from ejamkesda.services.claim_checks import claim_checks
from ejamkesda.services.models import Sjp
from ejamkesda.services.sjp import SjpError, sjp_request
from tests.api.factories import bearer, token_for
from tests.factories import MembershipFactory, PersonFactory, ProviderFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1980, 2, 3)
DAY = dt.timedelta(days=1)
JKN, JAMKESDA, NONE = "jkn", "jamkesda", "-"


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings):
    """This module asks the same questions on every channel; the API's rate limit is tested in
    tests/api/test_token_scopes.py, not here."""
    settings.API_RATE_LIMIT_ENABLE = False


def _person(serial: int, *memberships: dict, deceased_on: dt.date | None = None):
    person = PersonFactory(
        nik=make_nik(birth_date=BIRTH, serial=serial),
        birth_date=BIRTH,
        deceased=deceased_on is not None,
        deceased_on=deceased_on,
    )
    for fields in memberships:
        MembershipFactory(
            person=person, **{"programme": Programme.JAMKESDA, "segment": Segment.PBPU_BP_PEMDA, **fields}
        )
    return person


def _cases(today: dt.date) -> dict[str, tuple]:
    """name → (person, expected answer for today)."""
    long_ago = today - 400 * DAY
    return {
        "active": (_person(1, {"valid_from": long_ago}), JAMKESDA),
        "ended_inside_dates": (
            _person(2, {"status": MembershipStatus.ENDED, "valid_from": long_ago, "valid_to": today}),
            JAMKESDA,
        ),
        "ended_after_dates": (
            _person(3, {"status": MembershipStatus.ENDED, "valid_from": long_ago, "valid_to": today - DAY}),
            NONE,
        ),
        "suspended": (_person(4, {"status": MembershipStatus.SUSPENDED, "valid_from": long_ago}), NONE),
        "arrears": (_person(5, {"status": MembershipStatus.ARREARS, "valid_from": long_ago}), NONE),
        "died_today": (_person(6, {"valid_from": long_ago}, deceased_on=today), JAMKESDA),
        "died_yesterday": (_person(7, {"valid_from": long_ago}, deceased_on=today - DAY), NONE),
        "starts_today": (_person(8, {"valid_from": today}), JAMKESDA),
        "starts_tomorrow": (_person(9, {"valid_from": today + DAY}), NONE),
        "two_overlapping_jamkesda": (
            _person(10, {"valid_from": long_ago, "valid_to": today + DAY}, {"valid_from": today - 3 * DAY}),
            JAMKESDA,
        ),
        "jkn_and_jamkesda": (
            _person(11, {"valid_from": long_ago}, {"programme": Programme.JKN, "segment": Segment.PBI_APBN}),
            JKN,
        ),
        "no_membership": (_person(12), NONE),
    }


def _api(client, token, nik: str, on: dt.date) -> str:
    body = json.dumps({"nik": nik, "date": on.isoformat()})
    data = client.post("/api/v1/eligibility", data=body, content_type="application/json", **bearer(token)).json()
    return data["coverages"][0]["programme"] if data["covered"] else NONE


def _fhir(client, token, nik: str, on: dt.date) -> str:
    body = {
        "resourceType": "CoverageEligibilityRequest",
        "status": "active",
        "purpose": ["validation"],
        "patient": {"identifier": {"system": "https://fhir.kemkes.go.id/id/nik", "value": nik}},
        "servicedDate": on.isoformat(),
        "created": "2025-06-01T08:00:00+07:00",
        "insurer": {"display": "UPT Jamkesda"},
    }
    response = client.post(
        "/fhir/CoverageEligibilityRequest", data=json.dumps(body), content_type="application/fhir+json", **bearer(token)
    )
    insurance = [i for i in response.json().get("insurance", []) if i.get("inforce")]
    return insurance[0]["coverage"]["display"].split()[0].lower() if insurance else NONE


def _sjp(operator, person, on: dt.date) -> str:
    try:
        sjp_request(actor=operator, person=person, service_kind="rawat_jalan", diagnosis_code="A09", service_from=on)
    except SjpError as exc:
        return JKN if "JKN" in str(exc) else NONE
    return JAMKESDA


def _claim_check(operator, person, on: dt.date) -> str:
    sjp = Sjp(
        person=person,
        provider_id=operator.provider_id,
        service_kind="rawat_jalan",
        service_from=on,
        status=Sjp.Status.REQUESTED,
    )
    checks = claim_checks(
        sjp=sjp,
        provider_id=operator.provider_id,
        admission_date=on,
        discharge_date=on,
        table=None,
        unknown_codes=(),
        attachment_kinds=set(),
    )
    membership = next(check for check in checks if check.code == "membership")
    if membership.ok:
        return JAMKESDA
    return JKN if "JKN" in membership.message else NONE


def _public(client, person, serial: int) -> str:
    response = client.post(
        "/cek-kepesertaan/",
        {"nik": person.nik, "birth_date": BIRTH.isoformat()},
        REMOTE_ADDR=f"10.9.0.{serial}",
    )
    text = response.content.decode()
    if 'class="portal-ok"' not in text:
        return NONE
    programme = re.search(r"<dt>Program</dt><dd>([^<]+)</dd>", text)
    assert programme is not None
    return programme.group(1).strip().lower()


def test_every_channel_gives_the_same_answer(client):
    cache.clear()
    today = timezone.localdate()
    cases = _cases(today)
    token = token_for(user_with_role(Role.UPT_VERIFIER))
    operator = user_with_role(Role.PPK_OPERATOR, provider=ProviderFactory())
    answers = {}
    for serial, (name, (person, _expected)) in enumerate(cases.items(), start=1):
        answers[name] = {
            "api": _api(client, token, person.nik, today),
            "fhir": _fhir(client, token, person.nik, today),
            "sjp": _sjp(operator, person, today),
            "claim": _claim_check(operator, person, today),
            "public": _public(client, person, serial),
        }
    expected = {name: dict.fromkeys(answers[name], want) for name, (_person, want) in cases.items()}
    assert answers == expected


def test_channels_that_take_any_date_agree_on_a_past_date(client):
    """A claim for a past day whose membership has since ended is judged on that day."""
    today = timezone.localdate()
    past = today - 30 * DAY
    ended = _person(21, {"status": MembershipStatus.ENDED, "valid_from": today - 400 * DAY, "valid_to": past})
    died = _person(22, {"valid_from": today - 400 * DAY}, deceased_on=past)
    died_before = _person(23, {"valid_from": today - 400 * DAY}, deceased_on=past - DAY)
    token = token_for(user_with_role(Role.UPT_VERIFIER))
    operator = user_with_role(Role.PPK_OPERATOR, provider=ProviderFactory())
    for person, want in ((ended, JAMKESDA), (died, JAMKESDA), (died_before, NONE)):
        got = {
            "api": _api(client, token, person.nik, past),
            "fhir": _fhir(client, token, person.nik, past),
            "claim": _claim_check(operator, person, past),
        }
        assert got == dict.fromkeys(got, want)
    # The day after the end, no channel counts the ended membership.
    assert _api(client, token, ended.nik, past + DAY) == NONE
    assert _claim_check(operator, ended, past + DAY) == NONE

"""Token scopes, expiry, the token page, per-token rate limits, NIK look-up audit and quota."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ejamkesda.api.models import ApiToken
from ejamkesda.api.scopes import ROUTES, Scope, route_of
from ejamkesda.api.tokens import token_create, token_identify
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.notifications.models import Notification
from tests.api.factories import bearer
from tests.factories import PersonFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db
FHIR_NIK = "https://fhir.kemkes.go.id/id/nik"


def _views(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_api_and_fhir_route_declares_a_scope():
    from ejamkesda.api import routes, routes_public, routes_services, routes_upt

    undeclared = []
    seen = 0
    for module in (routes, routes_public, routes_services, routes_upt):
        for operation in (op for pv in module.router.path_operations.values() for op in pv.operations):
            seen += 1
            if route_of(operation.view_func) is None:
                undeclared.append(operation.view_func.__name__)
    assert seen >= 25
    for route, callback in _views(get_resolver().url_patterns):
        if route.startswith("fhir/") and route_of(callback) is None:
            undeclared.append(route)
    assert undeclared == []
    assert len(ROUTES) >= 30


def test_undeclared_route_is_refused():
    from ejamkesda.api.errors import Forbidden
    from ejamkesda.api.guard import route_guard

    def not_in_table(request):  # pragma: no cover - never called
        return None

    with pytest.raises(Forbidden):
        route_guard(not_in_table)(object())


def test_scope_is_checked_per_route(client):
    user = user_with_role(Role.UPT_ADMIN)
    _token, raw = token_create(user=user, scopes=[Scope.SERVICES])
    nik = make_nik(serial=11)
    response = client.post("/api/v1/eligibility", {"nik": nik}, content_type="application/json", **bearer(raw))
    assert response.status_code == 403
    assert "kepesertaan" in response.json()["message"]
    fhir = client.post(
        "/fhir/Patient/_search",
        f"identifier={FHIR_NIK}|{nik}",
        content_type="application/x-www-form-urlencoded",
        **bearer(raw),
    )
    assert fhir.status_code == 403
    _token, raw2 = token_create(user=user, scopes=[Scope.ELIGIBILITY])
    ok = client.post("/api/v1/eligibility", {"nik": nik}, content_type="application/json", **bearer(raw2))
    assert ok.status_code == 200
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200  # ANY scope


def test_default_scopes_follow_the_role():
    token, _raw = token_create(user=user_with_role(Role.PPK_OPERATOR))
    assert token.scope_list == ["kepesertaan", "layanan"]
    assert token.expires_at - timezone.now() > dt.timedelta(days=364)


def test_expired_token_is_refused(client):
    user = user_with_role(Role.UPT_ADMIN)
    token, raw = token_create(user=user, days=1)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    from ejamkesda.api.tokens import token_cache_clear

    token_cache_clear()
    assert token_identify(raw) is None
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_longer_than_maximum_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(user=user_with_role(Role.UPT_ADMIN), days=366)


def test_token_page_role_check(client, login):
    login(Role.UPT_VERIFIER)
    assert client.get("/app/token-api/").status_code == 403


def test_token_page_create_and_revoke(client, login):
    admin = login(Role.UPT_ADMIN)
    owner = user_with_role(Role.PPK_OPERATOR)
    response = client.post(
        "/app/token-api/", {"user": owner.pk, "name": "SIMRS RSUD", "scopes": ["kepesertaan"], "days": 90}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=owner)
    assert token.scopes == "kepesertaan"
    assert 89 <= (token.expires_at - timezone.now()).days <= 90
    raw = response.context["raw"]
    assert raw.startswith(f"ejk_{token.prefix}_")
    assert b"SIMRS RSUD" in client.get("/app/token-api/").content
    assert client.post(f"/app/token-api/{token.pk}/cabut/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(object_type="api.ApiToken", actor=admin).count() == 2


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "3/m"}
    raw = token_create(user=user_with_role(Role.UPT_ADMIN))[1]
    codes = [client.get("/api/v1/me", **bearer(raw)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.json()["code"] == "terlalu_banyak_permintaan"
    assert 1 <= int(response["Retry-After"]) <= 60
    other = token_create(user=user_with_role(Role.UPT_ADMIN))[1]  # per token
    assert client.get("/api/v1/me", **bearer(other)).status_code == 200


def test_fhir_rate_limit_429(client, settings):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "person": "1/m"}
    raw = token_create(user=user_with_role(Role.UPT_ADMIN))[1]
    body = f"identifier={FHIR_NIK}|{make_nik(serial=12)}"
    kind = "application/x-www-form-urlencoded"
    assert client.post("/fhir/Patient/_search", body, content_type=kind, **bearer(raw)).status_code == 200
    response = client.post("/fhir/Patient/_search", body, content_type=kind, **bearer(raw))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert response.json()["issue"][0]["code"] == "throttled"


def test_rate_limit_counts_in_shared_cache_across_processes(settings):
    """Another process's requests, seen through the shared cache, count against the same window."""
    from django.core.cache import cache

    from ejamkesda.api.limits import RateLimited, rate_check

    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "5/m"}
    now = 120.0
    cache.set("ejk:api-rate:77:read:2", 4, 60)  # 4 requests counted by other processes
    rate_check(token_id=77, group="read", now=now)
    with pytest.raises(RateLimited):
        rate_check(token_id=77, group="read", now=now + 1)


def test_nik_lookups_hit_and_miss_are_audited(client):
    user = user_with_role(Role.UPT_ADMIN)
    token, raw = token_create(user=user)
    person = PersonFactory(nik=make_nik(serial=21))
    kind = "application/x-www-form-urlencoded"
    for nik in (person.nik, make_nik(serial=22)):
        assert (
            client.post(
                "/fhir/Patient/_search", f"identifier={FHIR_NIK}|{nik}", content_type=kind, **bearer(raw)
            ).status_code
            == 200
        )
    entries = AuditLog.objects.filter(object_type="participants.Person", actor=user)
    assert entries.filter(object_id=str(person.pk)).exists()
    miss = entries.get(summary__contains="tidak ditemukan")
    assert token.prefix in miss.summary
    assert make_nik(serial=22) not in miss.summary


def test_daily_quota_is_reported_to_upt_admins_once(client, settings):
    settings.API_PERSON_LOOKUP_DAILY_QUOTA = 2
    admin = user_with_role(Role.UPT_ADMIN)
    ppk = user_with_role(Role.UPT_VERIFIER)
    token, raw = token_create(user=ppk)
    kind = "application/x-www-form-urlencoded"
    for serial in range(30, 35):
        client.post(
            "/fhir/Patient/_search",
            f"identifier={FHIR_NIK}|{make_nik(serial=serial)}",
            content_type=kind,
            **bearer(raw),
        )
    notes = Notification.objects.filter(recipient=admin)
    assert notes.count() == 1
    assert token.prefix in notes.get().subject

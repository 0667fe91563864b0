"""The lean API path (ejamkesda/api/lean.py): same answers, same protection, no browser machinery."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import ClientHandler

from ejamkesda.api.lean import ApiMiddlewareMixin, ApiWSGIHandler, dispatcher, is_api_path
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.api.factories import bearer, token_for
from tests.factories import MembershipFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db


class ApiClientHandler(ApiMiddlewareMixin, ClientHandler):
    """django.test's handler with the API middleware chain, as production's ApiWSGIHandler."""


class LeanClient(Client):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.handler = ApiClientHandler(kwargs.get("enforce_csrf_checks", False))


@pytest.fixture
def lean():
    return LeanClient()


@pytest.fixture
def upt_token():
    return token_for(user_with_role(Role.UPT_VERIFIER))


def _eligibility(client, token, nik, **extra):
    headers = bearer(token) if token else {}
    return client.post(
        "/api/v1/eligibility",
        data=json.dumps({"nik": nik, "date": "2025-06-01"}),
        content_type="application/json",
        **headers,
        **extra,
    )


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/api/v1/eligibility", True),
        ("/api/v1/openapi.json", True),
        ("/api/v1/participants/12", True),
        ("/fhir/metadata", True),
        ("/fhir/CoverageEligibilityRequest", True),
        ("/api/v1/docs", False),  # an HTML page with the site layout
        ("/api/v1/docs/", False),
        ("/api/v2/eligibility", False),
        ("/api/v1", False),
        ("/fhirx/metadata", False),
        ("/", False),
        ("/cek-kepesertaan/", False),
        ("/app/peserta/", False),
    ],
)
def test_which_paths_take_the_lean_path(path, api):
    assert is_api_path(path) is api


def test_dispatcher_sends_api_paths_to_the_api_handler():
    calls = []

    def app(name):
        def _app(environ, start_response):
            calls.append((name, environ["PATH_INFO"]))
            return [b""]

        return _app

    application = dispatcher(app("browser"), app("api"))
    for path in ("/api/v1/eligibility", "/fhir/metadata", "/api/v1/docs", "/"):
        application({"PATH_INFO": path}, lambda *a: None)
    assert calls == [
        ("api", "/api/v1/eligibility"),
        ("api", "/fhir/metadata"),
        ("browser", "/api/v1/docs"),
        ("browser", "/"),
    ]


def test_api_handler_runs_only_the_api_middleware():
    handler = ApiWSGIHandler()
    assert handler._middleware_chain is not None
    names = [type(m).__module__ + "." + type(m).__qualname__ for m in _chain(handler)]
    assert names == settings.API_MIDDLEWARE
    assert "django.contrib.sessions.middleware.SessionMiddleware" in settings.MIDDLEWARE  # the browser keeps it


def _chain(handler):
    """The middleware instances of a loaded handler, outermost first."""
    found, current = [], handler._middleware_chain
    for _ in range(50):
        current = getattr(current, "__wrapped__", current)  # convert_exception_to_response
        if getattr(current, "__self__", None) is handler:  # the handler's own _get_response
            return found
        found.append(current)
        current = current.get_response
    raise AssertionError("middleware chain does not end")


@pytest.mark.parametrize("kind", ["covered", "unknown", "invalid", "anonymous", "forbidden", "get"])
def test_lean_path_gives_the_same_answers(client, lean, upt_token, kind):
    nik = MembershipFactory().person.nik
    token = upt_token
    if kind == "unknown":
        nik = make_nik(serial=9876)
    elif kind == "invalid":
        nik = "123"
    elif kind == "anonymous":
        token = None
    elif kind == "forbidden":
        token = token_for(user_with_role(Role.VIEWER))

    def call(c):
        if kind == "get":
            return c.get("/api/v1/eligibility", **bearer(token))
        return _eligibility(c, token, nik)

    browser, api = call(client), call(lean)
    assert api.status_code == browser.status_code
    assert api.content == browser.content
    assert api["Content-Type"] == browser["Content-Type"]


def test_lean_path_audits_each_check_like_the_browser_path(client, lean, upt_token):
    nik = MembershipFactory().person.nik
    _eligibility(client, upt_token, nik, HTTP_USER_AGENT="SIMRS/1.0")
    _eligibility(lean, upt_token, nik, HTTP_USER_AGENT="SIMRS/1.0")
    first, second = AuditLog.objects.filter(object_type="participants.Person").order_by("id")
    fields = ("actor_id", "actor_label", "action", "object_id", "summary", "changes", "ip_address", "user_agent")
    assert [getattr(second, f) for f in fields] == [getattr(first, f) for f in fields]
    assert second.user_agent == "SIMRS/1.0"
    assert second.ip_address == "127.0.0.1"


def test_fhir_through_the_lean_path(client, lean, upt_token):
    assert lean.get("/fhir/metadata").json() == client.get("/fhir/metadata").json()
    response = lean.get("/fhir/Organization", **bearer(upt_token))
    assert response.status_code == 200
    assert response.json()["resourceType"] == "Bundle"
    assert lean.get("/fhir/Organization").status_code == 401


def test_api_responses_keep_the_security_headers(lean, upt_token):
    response = _eligibility(lean, upt_token, MembershipFactory().person.nik)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    for error in (lean.get("/api/v1/me"), lean.get("/fhir/Patient/1")):
        assert error.status_code == 401
        assert error["X-Frame-Options"] == "DENY"
        assert error["X-Content-Type-Options"] == "nosniff"


def test_api_path_redirects_to_https_and_sends_hsts_like_pages(settings, upt_token):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    lean = LeanClient()
    assert lean.get("/api/v1/me", **bearer(upt_token)).status_code == 301
    secure = lean.get("/api/v1/me", secure=True, **bearer(upt_token))
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")


def test_api_path_checks_allowed_hosts(lean, upt_token):
    response = lean.get("/api/v1/me", HTTP_HOST="evil.example", **bearer(upt_token))
    assert response.status_code == 400


def test_api_needs_no_csrf_and_sets_no_cookie(upt_token):
    strict = LeanClient(enforce_csrf_checks=True)
    response = _eligibility(strict, upt_token, MembershipFactory().person.nik)
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_a_browser_session_is_not_accepted_by_the_api(lean):
    user = user_with_role(Role.UPT_ADMIN)
    lean.force_login(user)  # a valid session cookie, no token
    response = lean.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "tidak_terautentikasi"
    post = _eligibility(lean, None, make_nik())
    assert post.status_code == 401


def test_browser_pages_keep_the_browser_middleware(client):
    response = client.get("/cek-kepesertaan/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert "'self'" in response["Content-Security-Policy"]


def test_production_entry_point_dispatches(upt_token):
    """ejamkesda.wsgi.application: an API call answered by the lean chain, a page by the browser chain."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from ejamkesda import wsgi

    def call(path, **headers):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            **headers,
        }
        status: list[str] = []
        # As django.test's client: keep the test transaction's connection open.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = b"".join(wsgi.application(environ, lambda s, h, *a: status.append((s, dict(h)))))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return status[0][0], status[0][1], body

    status, headers, body = call("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {upt_token}")
    assert status.startswith("200")
    assert json.loads(body)["role"] == Role.UPT_VERIFIER
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    status, headers, _ = call("/cek-kepesertaan/")
    assert status.startswith("200")
    assert "'self'" in headers["Content-Security-Policy"]

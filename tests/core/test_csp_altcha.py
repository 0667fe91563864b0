"""The Content Security Policy lets the ALTCHA widget work and nothing more."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def test_the_altcha_worker_and_its_one_style_block_are_allowed(client, settings):
    settings.PUBLIC_CHALLENGE_AFTER = 0  # the widget is on the page from the first visit
    response = client.get(reverse("portal:check"))
    assert "altcha-widget" in response.content.decode()
    csp = _directives(response)
    assert csp["worker-src"] == ["'self'", "blob:"]  # the proof of work runs in a blob: worker
    assert csp["style-src"] == ["'self'", settings.ALTCHA_WIDGET_STYLE_HASH]
    assert settings.ALTCHA_WIDGET_STYLE_HASH.startswith("'sha256-")
    assert "'unsafe-inline'" not in csp["script-src"] and "blob:" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]


def test_staff_pages_keep_the_same_policy(client):
    response = client.get(reverse("accounts:login"))
    assert "worker-src 'self' blob:" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]

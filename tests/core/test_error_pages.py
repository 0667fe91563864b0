"""Error pages in the site's layout and the user's language, saying where to go."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ejamkesda.core.roles import Role

pytestmark = pytest.mark.django_db


def test_404_is_styled_and_points_home(client):
    response = client.get("/tidak-ada-halaman-ini/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in page and 'class="topbar"' in page
    assert reverse("portal:home") in page


def test_404_in_english_when_english_is_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/tidak-ada-halaman-ini/").content.decode()
    assert "Page not found" in page and "Halaman tidak ditemukan" not in page


def test_403_names_the_role_and_sends_staff_to_their_home(client, login):
    login(Role.PPK_OPERATOR)
    response = client.get(reverse("participants:search"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "403 Forbidden" not in page
    assert "Anda tidak berhak membuka halaman ini" in page and "Operator PPK" in page
    assert reverse("core:dashboard") in page


def test_csrf_failure_says_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulir tidak dapat dikirim" in response.content.decode()


def test_500_renders_without_a_request():
    with translation.override("id"):
        page = render_to_string("500.html")
    assert "Terjadi kesalahan pada server" in page and "/static/css/app.css" in page


def test_400_page_explains_the_request():
    with translation.override("id"):
        assert "Permintaan tidak dapat diproses" in render_to_string("400.html")


def test_favicon_is_linked_and_served(client):
    page = client.get(reverse("portal:home")).content.decode()
    assert "favicon.svg" in page
    assert client.get("/favicon.ico").status_code == 301

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_indonesian_is_the_default_even_for_english_browsers(client):
    response = client.get(reverse("portal:home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in response.content.decode()


def test_english_is_available_by_choice(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get(reverse("portal:home"))
    assert '<html lang="en">' in response.content.decode()

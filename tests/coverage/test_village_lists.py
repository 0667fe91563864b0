"""Village and district officers see their own village's lists and nothing else
(Instruksi Bupati Tegal 379/2022 KEDUA 6d and 20); deliveries are recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import VillageListDelivery
from ejamkesda.coverage.services.delivery import village_lists_publish
from tests.coverage.factories import VILLAGE_A, VILLAGE_B, VILLAGE_C, build_month, nik, regions
from tests.factories import ensure_region_tree, user_with_role

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)

# Every URL a village or district officer may open, addressed by village code.
VILLAGE_URLS = ("coverage:village_pbi", "coverage:village_follow_up")


@pytest.fixture
def period():
    regions()
    residents = [
        (nik(1), VILLAGE_A),
        (nik(2), VILLAGE_A),
        (nik(3), VILLAGE_B),
        (nik(4), VILLAGE_C),
        (nik(5), VILLAGE_A),
    ]
    members = [(nik(1), "pbi_apbn", "aktif"), (nik(2), "pbpu_bp_pemda", "aktif"), (nik(3), "pbi_apbn", "aktif")]
    members.append((nik(4), "pbi_apbn", "aktif"))
    return build_month(OCT, residents=residents, members=members)


def _officer(role, code):
    return user_with_role(
        role, region=ensure_region_tree(code) if role == Role.VILLAGE_OFFICER else ensure_region_tree(code).parent
    )


@pytest.mark.parametrize("url_name", VILLAGE_URLS)
@pytest.mark.parametrize(
    ("role", "home", "visible", "hidden"),
    [
        (Role.VILLAGE_OFFICER, VILLAGE_A, [VILLAGE_A], [VILLAGE_B, VILLAGE_C]),
        (Role.DISTRICT_OFFICER, VILLAGE_A, [VILLAGE_A, VILLAGE_B], [VILLAGE_C]),
    ],
)
def test_officer_sees_own_villages_only(client, period, url_name, role, home, visible, hidden):
    client.force_login(_officer(role, home))
    for code in visible:
        assert client.get(reverse(url_name, args=[code])).status_code == 200
        assert client.get(reverse(url_name, args=[code]) + "?format=xlsx").status_code == 200
    for code in hidden:
        assert client.get(reverse(url_name, args=[code])).status_code == 404
        assert client.get(reverse(url_name, args=[code]) + "?format=pdf").status_code == 404


@pytest.mark.parametrize("role", [Role.VILLAGE_OFFICER, Role.DISTRICT_OFFICER])
def test_officer_reaches_nothing_else(client, period, role):
    client.force_login(_officer(role, VILLAGE_A))
    for name, args in [
        ("coverage:dashboard", []),
        ("coverage:pbi_index", []),
        ("coverage:pbi_village", [VILLAGE_A]),
        ("coverage:pbi_changes", []),
        ("coverage:deliveries", []),
        ("coverage:receivables", []),
        ("coverage:premium", []),
        ("coverage:village_residents", [VILLAGE_A]),
        ("coverage:inactive", []),
        ("coverage:sector_lists", []),
        ("accounts:users", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code in (403, 404), name
    assert client.post(reverse("coverage:deliveries_publish")).status_code in (403, 404)


def test_home_redirects_and_shows_own_list(client, period):
    client.force_login(_officer(Role.VILLAGE_OFFICER, VILLAGE_A))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("coverage:my_villages")
    page = client.get(reverse("coverage:my_villages")).content.decode()
    assert reverse("coverage:village_pbi", args=[VILLAGE_A]) in page
    assert reverse("coverage:village_pbi", args=[VILLAGE_B]) not in page
    assert 'name="viewport"' in page


def test_pbi_list_is_pbi_jk_only_with_pemda_apart(client, period):
    client.force_login(_officer(Role.VILLAGE_OFFICER, VILLAGE_A))
    url = reverse("coverage:village_pbi", args=[VILLAGE_A])
    pbi = client.get(url)
    assert [line[4] for line in pbi.context["lines"]] == [
        r.card_number for r in period.membership.memberships.filter(nik=nik(1))
    ]
    pemda = client.get(url + "?daftar=pemda")
    assert pemda.context["kind"] == "pemda"
    assert [line[4] for line in pemda.context["lines"]] == [
        r.card_number for r in period.membership.memberships.filter(nik=nik(2))
    ]
    assert "bukan PBI JK" in pemda.content.decode()


def test_delivery_is_marked_and_upt_sees_who_has_not_received(client, period):
    admin = user_with_role(Role.UPT_ADMIN)
    assert village_lists_publish(period=period, actor=admin) == 3
    assert village_lists_publish(period=period, actor=admin) == 0
    officer = _officer(Role.VILLAGE_OFFICER, VILLAGE_A)
    client.force_login(admin)  # the UPT opening a list does not count as received
    client.get(reverse("coverage:village_pbi", args=[VILLAGE_A]))
    assert not VillageListDelivery.objects.get(village_code=VILLAGE_A).received
    client.force_login(officer)
    client.get(reverse("coverage:village_pbi", args=[VILLAGE_A]))
    delivery = VillageListDelivery.objects.get(village_code=VILLAGE_A)
    assert delivery.opened_at is not None and delivery.acknowledged_at is None and delivery.received_by == officer
    client.post(reverse("coverage:village_acknowledge", args=[VILLAGE_A]) + f"?periode={period.pk}")
    assert VillageListDelivery.objects.get(village_code=VILLAGE_A).acknowledged_at is not None
    assert client.post(reverse("coverage:village_acknowledge", args=[VILLAGE_B])).status_code == 404
    client.force_login(admin)
    response = client.get(reverse("coverage:deliveries"))
    assert response.context["not_received"] == 2


def test_user_binding_matches_the_role():
    village = ensure_region_tree(VILLAGE_A)
    with pytest.raises(ValidationError):
        user_with_role(Role.VILLAGE_OFFICER, region=village.parent).full_clean(exclude=["password"])
    with pytest.raises(ValidationError):
        user_with_role(Role.DISTRICT_OFFICER, region=village).full_clean(exclude=["password"])
    with pytest.raises(ValidationError):
        user_with_role(Role.UPT_ADMIN, region=village).full_clean(exclude=["password"])
    user_with_role(Role.VILLAGE_OFFICER, region=village).full_clean(exclude=["password"])


def test_upt_admin_sets_the_village_in_the_user_form(client):
    village = ensure_region_tree(VILLAGE_A)
    client.force_login(user_with_role(Role.UPT_ADMIN))
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "kades", "role": Role.VILLAGE_OFFICER, "region": village.code, "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    from ejamkesda.accounts.models import User

    assert User.objects.get(username="kades").region_id == VILLAGE_A

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import ParticipantHistory, Person
from ejamkesda.participants.selectors import persons_search
from ejamkesda.participants.services import membership_record, person_register
from tests.factories import MembershipFactory, PersonFactory, ensure_region_tree, make_nik, user_with_role

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 17)


def register(**overrides):
    fields = {
        "nik": make_nik(birth_date=BIRTH, sex="P", serial=7),
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": BIRTH,
    }
    fields.update(overrides)
    return person_register(**fields)


def test_register_creates_then_updates_with_history():
    person, created = register()
    assert created
    again, created_again = register(address="Jl. Baru 2")
    assert (again.pk, created_again) == (person.pk, False)
    history = list(ParticipantHistory.objects.filter(person=person).order_by("id"))
    assert len(history) == 2
    assert history[1].changes == {"address": ["", "Jl. Baru 2"]}


def test_register_same_data_twice_changes_nothing():
    register()
    register()
    assert ParticipantHistory.objects.count() == 1


def test_register_rejects_nik_that_contradicts_sex_and_birth_date():
    with pytest.raises(ValidationError) as error:
        register(sex="L", birth_date=dt.date(1990, 5, 18))
    assert "jenis kelamin" in str(error.value) and "tanggal lahir" in str(error.value)
    assert not Person.objects.exists()


def test_register_rejects_invalid_nik():
    with pytest.raises(ValidationError, match="16 digit"):
        register(nik="123")


def test_membership_record_is_keyed_and_historied():
    person, _ = register()
    membership, created = membership_record(
        person=person, programme="jkn", card_number="0001", status="aktif", segment="pbi_apbn", care_class=3
    )
    assert created
    same, created_again = membership_record(person=person, programme="jkn", card_number="0001", status="nonaktif")
    assert same.pk == membership.pk and not created_again
    assert same.status == "nonaktif"
    last = ParticipantHistory.objects.filter(membership=membership).order_by("-id").first()
    assert last.changes == {"jkn.status": ["aktif", "nonaktif"]}


def test_search_by_nik_kk_name_and_district():
    village = ensure_region_tree("64.09.01.2001")
    other = ensure_region_tree("64.09.02.2001")
    admin = user_with_role(Role.UPT_ADMIN)
    ani = PersonFactory(name="Ani Lestari", kk_number="6409019999000001", village=village)
    PersonFactory(name="Anita Sari", village=other)
    PersonFactory(name="Budi", village=village)
    assert list(persons_search(user=admin, nik=ani.nik)) == [ani]
    assert list(persons_search(user=admin, kk_number="6409019999000001")) == [ani]
    assert [p.name for p in persons_search(user=admin, name="ani")] == ["Ani Lestari", "Anita Sari"]
    assert [p.name for p in persons_search(user=admin, name="ani", district_code="64.09.01")] == ["Ani Lestari"]


def test_search_by_programme():
    admin = user_with_role(Role.UPT_ADMIN)
    member = MembershipFactory(programme="jamkesda").person
    PersonFactory()
    assert list(persons_search(user=admin, programme="jamkesda")) == [member]


@pytest.mark.parametrize("role", [Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR, Role.VIEWER])
def test_other_roles_see_no_person(role):
    PersonFactory()
    assert not persons_search(user=user_with_role(role), name="war").exists()


@pytest.mark.parametrize("role", [Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR, Role.VIEWER])
def test_person_pages_forbidden_for_other_roles(client, login, role):
    person = PersonFactory()
    login(role)
    assert client.get(reverse("participants:search")).status_code == 403
    # A PPK operator may read the people tied to its provider (core.policy); this one is not: 404.
    expected = 404 if role == Role.PPK_OPERATOR else 403
    assert client.get(reverse("participants:detail", args=[person.pk])).status_code == expected


def test_anonymous_is_sent_to_login(client):
    person = PersonFactory()
    response = client.get(reverse("participants:detail", args=[person.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_search_page_posts_and_keeps_nik_out_of_urls(client, login):
    login(Role.UPT_VERIFIER)
    person = PersonFactory(name="Rahmat Hidayat")
    response = client.post(reverse("participants:search"), {"nik": person.nik})
    assert response.status_code == 200
    assert "Rahmat Hidayat" in response.content.decode()
    detail_url = reverse("participants:detail", args=[person.pk])
    assert detail_url in response.content.decode() and person.nik not in detail_url


def test_search_without_criteria_explains(client, login):
    login(Role.UPT_ADMIN)
    response = client.post(reverse("participants:search"), {})
    assert "Isi NIK" in response.content.decode()


def test_search_paginates_without_counting(client, login, django_assert_max_num_queries):
    login(Role.UPT_ADMIN)
    for index in range(30):
        PersonFactory(name=f"Sari {index:02d}")
    with django_assert_max_num_queries(8):
        response = client.post(reverse("participants:search"), {"name": "sari", "page": 2})
    body = response.content.decode()
    assert "Sari 25" in body and "Sari 05" not in body


def test_detail_shows_memberships_and_is_audited(client, login):
    user = login(Role.UPT_VERIFIER)
    membership = MembershipFactory(card_number="0001234567890")
    response = client.get(reverse("participants:detail", args=[membership.person.pk]))
    assert response.status_code == 200
    assert "0001234567890" in response.content.decode()
    entry = AuditLog.objects.get(action="view")
    assert (entry.actor, entry.object_id) == (user, str(membership.person.pk))
    assert membership.person.nik not in entry.summary


def test_detail_of_unknown_person_is_404(client, login):
    login(Role.UPT_ADMIN)
    assert client.get(reverse("participants:detail", args=[999999])).status_code == 404

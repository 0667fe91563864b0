"""Provider (PPK) register: management by UPT admins, scoping, audit (docs/peran.md)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.providers import services
from ejamkesda.providers.models import Provider
from ejamkesda.providers.selectors import providers_visible_to
from tests.factories import ProviderFactory, user_with_role
from tests.providers.factories import form_data, village

pytestmark = pytest.mark.django_db

LIST = "/app/ppk/"
CREATE = "/app/ppk/baru/"


def test_urls():
    assert reverse("providers:list") == LIST
    assert reverse("providers:create") == CREATE


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


@pytest.mark.parametrize("role", [Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER, Role.OPD_OPERATOR])
def test_staff_may_read_the_register(client, login, role):
    ProviderFactory(name="Puskesmas Alpha")
    ProviderFactory(name="RS Beta", kind=Provider.Kind.HOSPITAL, level=Provider.Level.FKRTL)
    login(role)
    response = client.get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Puskesmas Alpha" in text and "RS Beta" in text
    assert ("Tambah PPK" in text) == (role == Role.UPT_ADMIN)


@pytest.mark.parametrize("role", [Role.UPT_VERIFIER, Role.VIEWER, Role.OPD_OPERATOR, Role.PPK_OPERATOR, Role.TREASURER])
def test_only_upt_admin_may_create_or_edit(client, login, role):
    user = login(role)
    provider = user.provider or ProviderFactory()
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert client.get(reverse("providers:edit", args=[provider.pk])).status_code == 403
    assert client.post(reverse("providers:edit", args=[provider.pk]), form_data(name="X")).status_code == 403
    assert not Provider.objects.filter(code="1234A567").exists()
    provider.refresh_from_db()
    assert provider.name != "X"


@pytest.mark.parametrize("role", [Role.PPK_OPERATOR, Role.TREASURER])
def test_provider_bound_roles_see_only_their_own_provider(client, login, role):
    own = ProviderFactory(name="Puskesmas Sendiri")
    other = ProviderFactory(name="Puskesmas Lain")
    user = login(role, provider=own)
    listing = client.get(LIST)
    assert listing.status_code == 302
    assert listing["Location"] == reverse("providers:detail", args=[own.pk])
    detail = client.get(reverse("providers:detail", args=[own.pk]))
    assert detail.status_code == 200
    assert "Puskesmas Sendiri" in detail.content.decode()
    assert "Ubah" not in detail.content.decode()
    assert client.get(reverse("providers:detail", args=[other.pk])).status_code == 404
    assert list(providers_visible_to(user)) == [own]


def test_list_filters(client, login):
    penajam = village("64.09.01.2001").parent
    waru = village("64.09.02.2001", "Waru").parent
    ProviderFactory(name="Puskesmas Penajam", district=penajam)
    ProviderFactory(name="RSUD Penajam", kind=Provider.Kind.HOSPITAL, level=Provider.Level.FKRTL, district=penajam)
    ProviderFactory(name="Puskesmas Waru", district=waru, active=False)
    ProviderFactory(name="Apotek Kimia", code="APT-001", kind=Provider.Kind.PHARMACY, district=waru)
    login(Role.UPT_ADMIN)

    def names(**params):
        return {p.name for p in client.get(LIST, params).context["page"]}

    assert names(district=penajam.code) == {"Puskesmas Penajam", "RSUD Penajam"}
    assert names(kind="rumah_sakit") == {"RSUD Penajam"}
    assert names(level="FKTP", district=waru.code) == {"Puskesmas Waru", "Apotek Kimia"}
    assert names(active="0") == {"Puskesmas Waru"}
    assert names(active="1", q="puskesmas") == {"Puskesmas Penajam"}
    assert names(q="apt-001") == {"Apotek Kimia"}


def test_admin_creates_a_provider_and_it_is_audited(client, login):
    admin = login(Role.UPT_ADMIN)
    desa = village()
    response = client.post(
        CREATE,
        form_data(
            code=" 1234a567 ",
            village=desa.code,
            agreement_number="PKS/01/2026",
            agreement_from="2026-01-01",
            agreement_to="2026-12-31",
        ),
    )
    provider = Provider.objects.get(code="1234A567")
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:detail", args=[provider.pk])
    assert provider.district_id == desa.parent_id
    assert provider.agreement_to == dt.date(2026, 12, 31)
    entry = AuditLog.objects.get(action="create", object_type="providers.Provider", object_id=str(provider.pk))
    assert entry.actor == admin
    assert entry.changes["name"] == ["", "Puskesmas Babulu"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"agreement_number": "PKS/1", "agreement_from": "2026-05-01", "agreement_to": "2026-04-30"},
            "agreement_to",
            "tidak boleh sebelum",
        ),
        ({"agreement_from": "2026-05-01"}, "agreement_number", "nomor perjanjian"),
        ({"level": "FKRTL"}, "level", "Puskesmas selalu"),
        ({"code": ""}, "code", ""),
        ({"kind": "dukun"}, "kind", ""),
        ({"email": "bukan-email"}, "email", ""),
    ],
)
def test_invalid_input_is_rejected_with_a_message(client, login, overrides, field, message):
    login(Role.UPT_ADMIN)
    response = client.post(CREATE, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Provider.objects.exists()
    assert not AuditLog.objects.filter(action="create").exists()


def test_duplicate_code_is_rejected(client, login):
    ProviderFactory(code="1234A567")
    login(Role.UPT_ADMIN)
    response = client.post(CREATE, form_data(code="1234a567"))
    assert "code" in response.context["form"].errors
    text = response.content.decode()
    assert 'aria-describedby="id_code_help id_code_error"' in text
    assert 'id="id_code_error"' in text
    assert Provider.objects.count() == 1


def test_admin_edits_and_only_changes_are_audited(client, login):
    admin = login(Role.UPT_ADMIN)
    provider = ProviderFactory(code="1234A567", name="Puskesmas Lama", phone="0542 111", address="Jl. Provinsi km 70")
    url = reverse("providers:edit", args=[provider.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Puskesmas Lama" in form.content.decode()
    response = client.post(url, form_data(name="Puskesmas Baru", active=""))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Puskesmas Baru"
    assert provider.active is False
    entry = AuditLog.objects.get(action="update", object_id=str(provider.pk))
    assert entry.actor == admin
    assert entry.changes == {"name": ["Puskesmas Lama", "Puskesmas Baru"], "active": ["True", "False"]}
    # Saving the same values again writes no audit entry.
    client.post(url, form_data(name="Puskesmas Baru", active=""))
    assert AuditLog.objects.filter(action="update").count() == 1


def test_changing_the_village_moves_the_district():
    admin = user_with_role(Role.UPT_ADMIN)
    first = village("64.09.01.2001")
    second = village("64.09.03.2002", "Babulu Darat")
    provider = services.provider_create(
        actor=admin, code="X1", name="Klinik", kind="klinik", level="FKTP", village=first
    )
    assert provider.district_id == "64.09.01"
    provider = services.provider_update(provider=provider, actor=admin, village=second)
    assert provider.district_id == "64.09.03"
    entry = AuditLog.objects.get(action="update")
    assert entry.changes["district"] == ["64.09.01", "64.09.03"]


def test_services_reject_a_non_village_region_and_unknown_fields():
    admin = user_with_role(Role.UPT_ADMIN)
    district = village().parent
    with pytest.raises(ValidationError) as error:
        services.provider_create(actor=admin, code="X2", name="Klinik", kind="klinik", level="FKTP", village=district)
    assert "village" in error.value.message_dict
    with pytest.raises(ValueError):
        services.provider_create(actor=admin, code="X3", name="Klinik", kind="klinik", level="FKTP", owner="me")
    assert not Provider.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_do_not_lose_an_update():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    admin = user_with_role(Role.UPT_ADMIN)
    provider = ProviderFactory(name="Awal", phone="1")
    errors: list[BaseException] = []

    def edit(**fields):
        try:
            services.provider_update(provider=provider, actor=admin, **fields)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, kwargs={"name": "Nama Baru"}),
        threading.Thread(target=edit, kwargs={"phone": "2"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    provider.refresh_from_db()
    assert (provider.name, provider.phone) == ("Nama Baru", "2")
    assert AuditLog.objects.filter(action="update").count() == 2


def test_register_is_available_in_english(client, login):
    login(Role.UPT_ADMIN)
    client.cookies["django_language"] = "en"
    text = client.get(LIST).content.decode()
    assert "Add PPK" in text
    assert "All districts" in text


def test_all_problems_are_reported_at_once(client, login):
    login(Role.UPT_ADMIN)
    response = client.post(
        CREATE, form_data(code="", level="FKRTL", agreement_from="2026-02-01", agreement_to="2026-01-01")
    )
    errors = response.context["form"].errors
    assert {"code", "level", "agreement_to", "agreement_number"} <= set(errors)


def test_code_taken_between_check_and_save_is_a_form_error(monkeypatch):
    """Two admins creating the same code at once: the unique index decides (no 500)."""
    ProviderFactory(code="DUPLIKAT1")
    # full_clean of the second admin ran before the first one committed.
    monkeypatch.setattr(Provider, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        services.provider_create(actor=None, code="duplikat1", name="Klinik Lain", kind="klinik", level="FKTP")
    assert "code" in error.value.message_dict
    assert Provider.objects.filter(code="DUPLIKAT1").count() == 1

"""The staff home page: each role's work queue, the PPK's coverage check, the grouped menu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ejamkesda.audit.models import AuditLog
from ejamkesda.complaints.models import Complaint
from ejamkesda.core.navigation import menu_groups_for
from ejamkesda.core.roles import Role
from ejamkesda.funds.models import DistributionRun, RunStatus
from ejamkesda.services.models import Sjp
from tests.enrolment.factories import ComplaintFactory
from tests.factories import PersonFactory, user_with_role
from tests.funds.factories import stored_profile
from tests.services.factories import jamkesda_member, ppk_operator, requested_sjp

pytestmark = pytest.mark.django_db
HOME = "/app/"


def _requested_sjp(operator, days_ago: int) -> Sjp:
    sjp = requested_sjp(operator=operator)
    Sjp.objects.filter(pk=sjp.pk).update(requested_at=timezone.now() - dt.timedelta(days=days_ago))
    return sjp


def test_verifier_sees_letters_waiting_oldest_first_with_their_age(client, login):
    operator = ppk_operator()
    newer = _requested_sjp(operator, 1)
    older = _requested_sjp(operator, 6)
    login(Role.UPT_VERIFIER)
    page = client.get(HOME).content.decode()
    assert "SJP menunggu keputusan" in page
    assert page.index(reverse("services:sjp_detail", args=[older.pk])) < page.index(
        reverse("services:sjp_detail", args=[newer.pk])
    )
    assert "6 hari" in page and "1 hari" in page


def test_admin_sees_complaints_past_the_answer_deadline(client, login, settings):
    settings.COMPLAINT_ANSWER_DAYS = 14
    late = ComplaintFactory()
    Complaint.objects.filter(pk=late.pk).update(created_at=timezone.now() - dt.timedelta(days=20))
    fresh = ComplaintFactory()
    login(Role.UPT_ADMIN)
    page = client.get(HOME).content.decode()
    assert "Pengaduan lewat batas jawab (14 hari)" in page
    assert reverse("complaints:detail", args=[late.pk]) in page
    assert reverse("complaints:detail", args=[fresh.pk]) not in page
    assert reverse("privacy:subject_request") in page  # in the menu, under Administrasi


def test_ppk_checks_coverage_by_nik_posted_never_in_the_url(client, login):
    person = jamkesda_member()
    login(Role.PPK_OPERATOR)
    assert "Cek kepesertaan pasien" in client.get(HOME).content.decode()
    response = client.post(HOME, {"nik": person.nik})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Terjamin" in page and "Jamkesda" in page
    assert "Buat SJP untuk pasien ini" in page
    assert person.nik not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
    entry = AuditLog.objects.filter(object_type="participants.Person").latest("id")
    assert person.nik not in entry.summary and "web" in entry.summary


def test_ppk_check_of_an_unknown_or_malformed_nik(client, login):
    login(Role.PPK_OPERATOR)
    unknown = PersonFactory.build().nik
    page = client.post(HOME, {"nik": unknown}).content.decode()
    assert "Tidak terjamin" in page and "Buat SJP untuk pasien ini" not in page
    page = client.post(HOME, {"nik": "12345"}).content.decode()
    assert 'class="error"' in page and "Terjamin" not in page


def test_ppk_check_is_rate_limited_per_user(client, login, settings):
    settings.STAFF_CHECK_RATE_PER_USER = "2/m"
    person = jamkesda_member()
    login(Role.PPK_OPERATOR)
    assert [client.post(HOME, {"nik": person.nik}).status_code for _ in range(3)] == [200, 200, 429]


def test_make_an_sjp_after_the_check_fills_the_nik_in(client, login):
    person = jamkesda_member()
    login(Role.PPK_OPERATOR)
    page = client.post(reverse("services:sjp_new"), {"nik": person.nik, "from_check": "1"}).content.decode()
    assert f'value="{person.nik}"' in page
    assert 'class="error"' not in page  # the form is filled in, not submitted


def test_roles_without_the_check_cannot_post_it(client, login):
    login(Role.TREASURER)
    assert client.post(HOME, {"nik": jamkesda_member().nik}).status_code == 403


def test_treasurer_sees_runs_by_the_step_they_wait_for(client, login):
    treasurer = login(Role.TREASURER)
    month = dt.date(2025, 1, 1)
    run = DistributionRun.objects.create(
        provider=treasurer.provider,
        period_from=month,
        period_to=month,
        profile=stored_profile(),
        formula="1",
        pool_amount=1_000_000,
        status=RunStatus.APPROVED,
    )
    page = client.get(HOME).content.decode()
    assert "Slip jaspel belum dibayar" in page
    assert reverse("funds:run_detail", args=[run.pk]) in page


def test_opd_operator_reaches_the_follow_up_list(client, login):
    login(Role.OPD_OPERATOR)
    page = client.get(HOME).content.decode()
    assert "Tugas instruksi OPD belum selesai" in page
    assert reverse("coverage:inactive") in page


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        (Role.UPT_ADMIN, {"Kepesertaan", "Layanan PPK", "Dana", "Cakupan UHC", "Administrasi"}, set()),
        (Role.PPK_OPERATOR, {"Layanan PPK"}, {"Kepesertaan", "Cakupan UHC"}),
        (Role.TREASURER, {"Dana"}, {"Kepesertaan", "Cakupan UHC"}),
        (Role.OPD_OPERATOR, {"Cakupan UHC"}, {"Dana", "Kepesertaan"}),
    ],
)
def test_menu_is_grouped_by_task_and_shows_only_what_the_role_may_use(role, present, absent):
    groups = {group["label"]: group["items"] for group in menu_groups_for(user_with_role(role))}
    assert present <= set(groups) and not absent & set(groups)
    urls = {item["url"] for items in groups.values() for item in items}
    assert (reverse("privacy:subject_request") in urls) == (role == Role.UPT_ADMIN)
    assert (reverse("coverage:inactive") in urls) == (role in {Role.UPT_ADMIN, Role.OPD_OPERATOR})


def test_leadership_sees_coverage_and_the_regency_money_totals(client, login):
    from ejamkesda.services.models import Claim
    from tests.services.factories import submitted_claim

    claim = submitted_claim()
    Claim.objects.filter(pk=claim.pk).update(status="disetujui", approved_total=145_000)
    login(Role.VIEWER)
    page = client.get(HOME).content.decode()
    assert "Cakupan UHC" in page  # "not computed yet" without a period
    assert "Rp 145.000" in page

"""Every staff web page × every role (docs/tinjauan-keamanan.md, "Kebijakan akses").

The URL list is walked from ``get_resolver()``: every page under /app/, the account
pages and the UPT desks of enrolment and complaints. Each needs a row in ``EXPECTED``
(a new view without one fails ``test_every_staff_url_has_a_row``). Object pages open an
object owned by provider A (``tests.authz``); provider B's users must get 403/404 on it.
Where the test builds no object of that kind, the page is opened with an id that exists
for nobody (``MISSING``): the row then proves the role gate (403 for a refused role, 404
for an allowed one), not the object scope.

A GET of a POST-only page is 405 for an allowed role and 403 for a refused one. The
anonymous visitor is sent to the sign-in page (302).
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from ejamkesda.core.roles import Role
from ejamkesda.enrolment.models import ApplicationDocument
from ejamkesda.services.models import PaymentBatch
from tests.authz import STAFF, services_world
from tests.enrolment.factories import ApplicationFactory, ComplaintFactory, pdf

pytestmark = pytest.mark.django_db
STAFF_PREFIXES = ("app/", "akun/pengguna/", "kepesertaan-jamkesda/upt/", "pengaduan/upt/")
# The web has roles the API does not serve (no token scope): procurement officer, village
# and district officers.
WEB_ONLY_STAFF = {
    "procurement": {"role": Role.PROCUREMENT_OFFICER},
    "village": {"role": Role.VILLAGE_OFFICER},
    "district": {"role": Role.DISTRICT_OFFICER},
}
ROLES = (*STAFF, *WEB_ONLY_STAFF, "anonymous")
MISSING = 987654321


def staff_url_names() -> list[str]:
    """``namespace:name`` of every staff page, from the URL patterns."""
    names: list[str] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace or ""])) if pattern.namespace else namespace
                walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern) and route.startswith(STAFF_PREFIXES):
                assert pattern.name, f"unnamed staff URL {route}"
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "", "")
    return sorted(set(names))


def _world() -> dict[str, object]:
    w = services_world()
    w["batch"] = PaymentBatch.objects.create(provider=w["provider"], year=2024, month=1, created_by=w["owner"])
    application = ApplicationFactory()
    w["application"] = application
    w["document"] = ApplicationDocument.objects.create(
        application=application,
        kind="ktp",
        file=pdf(),
        original_name="ktp.pdf",
        content_type="application/pdf",
        size=10,
    )
    w["complaint"] = ComplaintFactory()
    w["users"] = {**w["users"], **WEB_ONLY_STAFF}  # type: ignore[dict-item]
    return w


# Arguments of each object page: provider A's object where the test builds one.
ARGS = {
    "participants:detail": lambda w: [w["person"].pk],
    "providers:detail": lambda w: [w["provider"].pk],
    "providers:edit": lambda w: [w["provider"].pk],
    "jobs:detail": lambda w: [w["job"].pk],
    "jobs:progress": lambda w: [w["job"].pk],
    "jobs:error_report": lambda w: [w["job"].pk, "csv"],
    "jobs:rerun": lambda w: [w["job"].pk],
    "services:sjp_detail": lambda w: [w["sjp"].pk],
    "services:sjp_decide": lambda w: [w["requested_sjp"].pk],
    "services:sjp_pdf": lambda w: [w["sjp"].pk],
    "services:claim_new": lambda w: [w["fresh_sjp"].pk],
    "services:sjp_verify": lambda w: [w["sjp"].token],
    "services:claim_detail": lambda w: [w["claim"].pk],
    "services:claim_decide": lambda w: [w["claim"].pk],
    "services:claim_resubmit": lambda w: [w["claim"].pk],
    "services:claim_attachment": lambda w: [w["claim"].pk, w["cost_attachment"].pk],
    "services:claim_attachment[medical]": lambda w: [w["claim"].pk, w["medical_attachment"].pk],
    "services:referral_detail": lambda w: [w["referral"].pk],
    "services:referral_respond": lambda w: [w["referral"].pk],
    "services:tariff_detail": lambda w: [w["claim"].tariff_table_id],
    "services:payment_detail": lambda w: [w["batch"].pk],
    "services:payment_mark_paid": lambda w: [w["batch"].pk],
    "services:payment_approve": lambda w: [w["batch"].pk],
    "services:payment_transfer_csv": lambda w: [w["batch"].pk],
    "enrolment:detail": lambda w: [w["application"].pk],
    "enrolment:approve": lambda w: [w["application"].pk],
    "enrolment:reject": lambda w: [w["application"].pk],
    "enrolment:document": lambda w: [w["document"].pk],
    "complaints:detail": lambda w: [w["complaint"].pk],
    "complaints:assign": lambda w: [w["complaint"].pk],
    "complaints:respond": lambda w: [w["complaint"].pk],
    "complaints:close": lambda w: [w["complaint"].pk],
    "complaints:attachment": lambda w: [w["complaint"].pk],
    "funds:run_slip": lambda w: [MISSING, MISSING],
    "coverage:area": lambda w: [settings.REGENCY_CODE],
    "coverage:village_residents": lambda w: ["64.09.01.2001"],
    "coverage:pbi_village": lambda w: ["64.09.01.2001"],
    "coverage:follow_up": lambda w: ["populasi", MISSING],
}


def _args(name: str, w) -> list[object]:
    if name in ARGS:
        return ARGS[name](w)
    url_name = name.partition("[")[0]
    for count in (0, 1, 2):
        try:
            reverse(url_name, args=[MISSING] * count)
        except NoReverseMatch:
            continue
        return [MISSING] * count
    raise AssertionError(f"{name}: give its arguments in ARGS")


# Status per role, in the order of ROLES:
#   admin verifier ppk_a ppk_b treasurer_a treasurer_b opd viewer procurement village district anonymous
EXPECTED: dict[str, str] = {
    "accounts:factor_reset": "404 403 403 403 403 403 403 403 403 403 403 302",
    "api_tokens:list": "200 403 403 403 403 403 403 403 403 403 403 302",
    "api_tokens:revoke": "404 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:attempt_add": "404 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:deliveries": "200 200 403 403 403 403 404 403 403 403 403 302",
    "coverage:deliveries_publish": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:handover_create": "302 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:handover_letter": "404 404 403 403 403 403 403 404 403 403 403 302",
    "coverage:my_villages": "200 200 403 403 403 403 403 403 403 200 200 302",
    "coverage:pbi_change_decide": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:pbi_changes": "200 200 403 403 403 403 404 403 403 403 403 302",
    "coverage:pbi_changes_export": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:pbi_changes_start": "302 302 403 403 403 403 404 403 403 403 403 302",
    "coverage:receivables": "200 200 403 403 403 403 403 200 403 403 403 302",
    "coverage:village_acknowledge": "403 403 403 403 403 403 403 403 403 404 403 302",
    "coverage:village_follow_up": "404 404 403 403 403 403 403 403 403 404 404 302",
    "coverage:village_pbi": "404 404 403 403 403 403 403 403 403 404 404 302",
    "coverage:write_off_add": "404 403 403 403 403 403 403 403 403 403 403 302",
    "funds:procurement": "200 200 403 403 403 403 403 403 200 403 403 302",
    "funds:receipt_deposit": "404 403 403 403 404 404 403 403 403 403 403 302",
    "privacy:subject_request": "200 403 403 403 403 403 403 403 403 403 403 302",
    "accounts:user_create": "200 403 403 403 403 403 403 403 403 403 403 302",
    "accounts:user_edit": "404 403 403 403 403 403 403 403 403 403 403 302",
    "accounts:users": "200 403 403 403 403 403 403 403 403 403 403 302",
    "accounts:duty_relaxations": "200 403 403 403 403 403 403 403 403 403 403 302",
    "audit:list": "200 403 403 403 403 403 403 403 403 403 403 302",
    "complaints:assign": "302 302 403 403 403 403 403 403 403 403 403 302",
    "complaints:attachment": "404 404 403 403 403 403 403 403 403 403 403 302",
    "complaints:close": "302 302 403 403 403 403 403 403 403 403 403 302",
    "complaints:desk": "200 200 403 403 403 403 403 403 403 403 403 302",
    "complaints:detail": "200 200 403 403 403 403 403 403 403 403 403 302",
    "complaints:respond": "302 302 403 403 403 403 403 403 403 403 403 302",
    "core:dashboard": "200 200 200 200 200 200 200 200 200 302 302 302",
    "coverage:area": "404 404 403 403 403 403 404 404 403 403 403 302",
    "coverage:bill": "404 404 403 403 403 403 403 404 403 403 403 302",
    "coverage:bill_add": "200 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:compute": "302 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:compute_progress": "404 404 403 403 403 403 403 403 403 403 403 302",
    "coverage:compute_run": "404 404 403 403 403 403 403 403 403 403 403 302",
    "coverage:dashboard": "200 200 403 403 403 403 200 200 403 403 403 302",
    "coverage:evidence": "404 404 403 403 403 403 404 404 403 403 403 302",
    "coverage:follow_up": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:imports": "200 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:inactive": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:payment_add": "404 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:pbi_index": "200 200 403 403 403 403 404 403 403 403 403 302",
    "coverage:pbi_village": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:premium": "200 200 403 403 403 403 403 200 403 403 403 302",
    "coverage:proposal": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:proposal_decide": "404 404 403 403 403 403 404 403 403 403 403 302",
    "coverage:proposals": "200 200 403 403 403 403 404 403 403 403 403 302",
    "coverage:proposals_generate": "302 302 403 403 403 403 404 403 403 403 403 302",
    "coverage:public": "200 200 200 200 200 200 200 200 200 200 200 200",
    "coverage:rate_add": "302 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:review_decide": "404 404 403 403 403 403 403 403 403 403 403 302",
    "coverage:review_queue": "200 200 403 403 403 403 403 403 403 403 403 302",
    "coverage:sector_list": "404 404 403 403 403 403 404 404 403 403 403 302",
    "coverage:sector_lists": "200 200 403 403 403 403 200 200 403 403 403 302",
    "coverage:sector_people": "404 404 403 403 403 403 404 404 403 403 403 302",
    "coverage:sector_upload": "200 403 403 403 403 403 200 403 403 403 403 302",
    "coverage:snapshot": "404 404 403 403 403 403 404 404 403 403 403 302",
    "coverage:subsidy_add": "302 403 403 403 403 403 403 403 403 403 403 302",
    "coverage:task": "404 404 403 403 403 403 404 404 403 403 403 302",
    "coverage:tasks": "200 200 403 403 403 403 200 200 403 403 403 302",
    "coverage:village_residents": "404 404 403 403 403 403 403 403 403 403 403 302",
    "enrolment:approve": "200 200 403 403 403 403 403 403 403 403 403 302",
    "enrolment:desk": "200 200 403 403 403 403 403 403 403 403 403 302",
    "enrolment:detail": "200 200 403 403 403 403 403 403 403 403 403 302",
    "enrolment:document": "200 200 403 403 403 403 403 403 403 403 403 302",
    "enrolment:export_pbpu": "200 200 403 403 403 403 403 403 403 403 403 302",
    "enrolment:reject": "200 200 403 403 403 403 403 403 403 403 403 302",
    "funds:attendance_grid": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:attendance_template": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:attendance_upload": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:budget": "200 200 403 403 200 200 403 200 200 403 403 302",
    "funds:budget_line_create": "404 403 403 403 404 404 403 403 403 403 403 302",
    "funds:carry_over": "404 403 403 403 404 404 403 403 403 403 403 302",
    "funds:cases_grid": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:expense_proof": "404 404 403 403 404 404 403 404 404 403 403 302",
    "funds:index": "200 200 403 403 200 200 403 200 403 403 403 302",
    "funds:line_spend": "404 403 403 403 404 404 403 403 404 403 403 302",
    "funds:order_action": "404 404 403 403 404 404 403 404 404 403 403 302",
    "funds:order_detail": "404 404 403 403 404 404 403 404 404 403 403 302",
    "funds:order_proof": "404 404 403 403 404 404 403 404 404 403 403 302",
    "funds:profile_detail": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:profile_edit": "404 403 403 403 403 403 403 403 403 403 403 302",
    "funds:profile_list": "200 200 403 403 200 200 403 200 403 403 403 302",
    "funds:receipt_create": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:receipt_detail": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:receipt_list": "200 200 403 403 200 200 403 200 403 403 403 302",
    "funds:run_action": "404 404 403 403 404 404 403 403 403 403 403 302",
    "funds:run_bank_csv": "404 403 403 403 404 404 403 403 403 403 403 302",
    "funds:run_create": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:run_detail": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:run_recap_pdf": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:run_recap_xlsx": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:run_slip": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:run_slips": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:staff_create": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:staff_detail": "404 404 403 403 404 404 403 404 403 403 403 302",
    "funds:staff_edit": "404 403 403 403 404 404 403 403 403 403 403 302",
    "funds:staff_import": "200 403 403 403 200 200 403 403 403 403 403 302",
    "funds:staff_list": "200 200 403 403 200 200 403 200 403 403 403 302",
    "jobs:detail": "200 200 200 404 403 403 404 403 403 403 403 302",
    "jobs:error_report": "404 404 404 404 403 403 404 403 403 403 403 302",
    "jobs:list": "200 200 200 200 403 403 200 403 403 403 403 302",
    "jobs:participants_upload": "200 403 403 403 403 403 403 403 403 403 403 302",
    "jobs:progress": "200 200 200 404 403 403 404 403 403 403 403 302",
    "jobs:rerun": "302 403 403 403 403 403 403 403 403 403 403 302",
    "notifications:inbox": "200 200 200 200 200 200 200 200 200 200 200 302",
    "notifications:mark_all_read": "302 302 302 302 302 302 302 302 302 302 302 302",
    "notifications:mark_read": "404 404 404 404 404 404 404 404 404 404 404 302",
    "notifications:unread_badge": "200 200 200 200 200 200 200 200 200 200 200 302",
    "participants:detail": "200 200 200 404 403 403 403 403 403 403 403 302",
    "participants:search": "200 200 403 403 403 403 403 403 403 403 403 302",
    "providers:create": "200 403 403 403 403 403 403 403 403 403 403 302",
    "providers:detail": "200 200 200 404 200 404 200 200 404 404 404 302",
    "providers:edit": "200 403 403 403 403 403 403 403 403 403 403 302",
    "providers:list": "200 200 302 302 302 302 200 200 200 200 200 302",
    "services:claim_attachment": "200 200 200 404 200 404 403 403 403 403 403 302",
    "services:claim_attachment[medical]": "200 200 200 404 404 404 403 403 403 403 403 302",
    "services:claim_bulk": "403 403 200 200 403 403 403 403 403 403 403 302",
    "services:claim_decide": "302 302 403 403 403 403 403 403 403 403 403 302",
    "services:claim_detail": "200 200 200 404 200 404 403 403 403 403 403 302",
    "services:claim_list": "200 200 200 200 200 200 403 403 403 403 403 302",
    "services:claim_new": "403 403 200 404 403 403 403 403 403 403 403 302",
    "services:claim_resubmit": "403 403 302 404 403 403 403 403 403 403 403 302",
    "services:icd_search": "200 200 200 200 403 403 403 403 403 403 403 302",
    "services:payment_create": "302 302 403 403 403 403 403 403 403 403 403 302",
    "services:payment_detail": "200 200 200 404 200 404 403 403 403 403 403 302",
    "services:payment_list": "200 200 200 200 200 200 403 403 403 403 403 302",
    "services:payment_mark_paid": "302 403 403 403 403 403 403 403 403 403 403 302",
    "services:payment_approve": "302 403 403 403 403 403 403 403 403 403 403 302",
    "services:payment_transfer_csv": "302 403 403 403 403 403 403 403 403 403 403 302",
    "services:referral_detail": "200 200 200 404 403 403 403 403 403 403 403 302",
    "services:referral_list": "200 200 200 200 403 403 403 403 403 403 403 302",
    "services:referral_new": "403 403 200 200 403 403 403 403 403 403 403 302",
    "services:referral_respond": "403 403 302 404 403 403 403 403 403 403 403 302",
    "services:reports": "200 200 200 200 200 200 403 200 403 403 403 302",
    "services:sjp_decide": "302 302 403 403 403 403 403 403 403 403 403 302",
    "services:sjp_detail": "200 200 200 404 403 403 403 403 403 403 403 302",
    "services:sjp_list": "200 200 200 200 403 403 403 403 403 403 403 302",
    "services:sjp_new": "403 403 200 200 403 403 403 403 403 403 403 302",
    "services:sjp_pdf": "200 200 200 404 403 403 403 403 403 403 403 302",
    "services:sjp_verify": "200 200 200 200 200 200 200 200 200 200 200 200",
    "services:tariff_detail": "200 200 200 200 403 403 403 200 403 403 403 302",
    "services:tariff_import": "400 403 403 403 403 403 403 403 403 403 403 302",
    "services:tariff_list": "200 200 200 200 403 403 403 200 403 403 403 302",
}


def _rows() -> list[str]:
    return sorted(set(staff_url_names()) | {k for k in ARGS if "[" in k})


# Pages that take POST only (a GET is 405 for everyone): the matrix sends an empty POST,
# which a refused role must not get past (403) and an allowed one gets a form error or 404.
POST_ONLY = frozenset(
    {
        "accounts:factor_reset",
        "api_tokens:revoke",
        "coverage:attempt_add",
        "coverage:deliveries_publish",
        "coverage:handover_create",
        "coverage:pbi_change_decide",
        "coverage:pbi_changes_start",
        "coverage:village_acknowledge",
        "coverage:write_off_add",
        "funds:receipt_deposit",
        "complaints:assign",
        "complaints:close",
        "complaints:respond",
        "coverage:compute",
        "coverage:follow_up",
        "coverage:payment_add",
        "coverage:proposal_decide",
        "coverage:proposals_generate",
        "coverage:rate_add",
        "coverage:review_decide",
        "coverage:subsidy_add",
        "enrolment:approve",
        "enrolment:reject",
        "funds:budget_line_create",
        "funds:carry_over",
        "funds:order_action",
        "funds:run_action",
        "jobs:rerun",
        "notifications:mark_all_read",
        "notifications:mark_read",
        "services:claim_decide",
        "services:claim_resubmit",
        "services:payment_create",
        "services:payment_mark_paid",
        "services:payment_approve",
        "services:referral_respond",
        "services:sjp_decide",
        "services:tariff_import",
    }
)


def _status(client, w, name: str) -> int:
    url = reverse(name.partition("[")[0], args=_args(name, w))
    with transaction.atomic():
        response = client.post(url, {}) if name in POST_ONLY else client.get(url)
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_web_matrix(client, login, role):
    w = _world()
    if role != "anonymous":
        spec = dict(w["users"][role])  # type: ignore[index]
        login(spec.pop("role"), **spec)
    record = os.environ.get("AUTHZ_RECORD")
    failures = []
    column = ROLES.index(role)
    for name in _rows():
        got = _status(client, w, name)
        if record:
            with open(f"{record}.{role}", "a") as handle:
                handle.write(f"{name} {got}\n")
            continue
        wanted = int(EXPECTED[name].split()[column])
        if got != wanted:
            failures.append(f"{name}: {got} != {wanted}")
    assert not failures, failures


def test_every_staff_url_has_a_row():
    missing = set(staff_url_names()) - set(EXPECTED)
    assert not missing, f"add these pages to EXPECTED: {sorted(missing)}"
    assert len(staff_url_names()) >= 90
    for name, row in EXPECTED.items():
        assert len(row.split()) == len(ROLES), name

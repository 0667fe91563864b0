"""SJP → claim → verification → payment batch, each step by the person whose work it is:
the puskesmas operator asks for the SJP and claims, the UPT verifier decides both, the UPT
admin gathers the month's approved claims into a payment batch."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from ejamkesda.core.roles import Role
from tests.e2e.browser import BrowserLog, download, follow, sign_in, visit
from tests.factories import user_with_role
from tests.services.factories import PDF, jamkesda_member, ppk_operator, tariff_table


def _choose(control: Locator, value: str) -> None:
    """A choice offered as a drop-down today, perhaps as radio buttons tomorrow."""
    if control.first.evaluate("e => e.tagName") == "SELECT":
        control.first.select_option(value)
    else:
        control.and_(control.page.locator(f"[value='{value}']")).check()


def _switch_user(page: Page, log: BrowserLog, user) -> None:
    page.context.clear_cookies()
    sign_in(page, log, user)


def test_sjp_claim_verification_payment(page: Page, browser_log: BrowserLog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    operator = ppk_operator()
    verifier = user_with_role(Role.UPT_VERIFIER)
    admin = user_with_role(Role.UPT_ADMIN)
    patient = jamkesda_member(name="Rahmat Hidayat")
    tariff_table(prices={"RJ01": 50_000, "LAB01": 75_000})
    today = timezone.localdate()

    # The puskesmas operator asks for a service letter.
    sign_in(page, browser_log, operator)
    visit(page, browser_log, "/app/layanan/sjp/baru/")
    page.locator("[name=nik]").fill(patient.nik)
    _choose(page.locator("[name=service_kind]"), "rawat_jalan")
    page.locator("[name=diagnosis_code]").fill("A09")
    page.locator("[name=service_from]").fill(today.isoformat())
    follow(page, browser_log, page.get_by_role("button", name="Ajukan", exact=True).click)
    expect(page).to_have_url(re.compile(r"/app/layanan/sjp/\d+/$"))
    sjp_url = page.url
    main = page.get_by_role("main")
    expect(main).to_contain_text("Rahmat Hidayat")
    expect(main.get_by_role("link", name="Buat klaim")).to_have_count(0)  # not approved yet

    # The verifier approves it.
    _switch_user(page, browser_log, verifier)
    visit(page, browser_log, sjp_url)
    _choose(page.locator("[name=action]"), "approve")
    follow(page, browser_log, page.get_by_role("button", name="Simpan keputusan").click)
    letter = main.get_by_role("link", name="Cetak surat (PDF, dengan kode QR)")
    _name, content_type, content = download(letter)
    assert content_type == "application/pdf" and content.startswith(b"%PDF")

    # The operator claims for the service, with the itemised bill.
    _switch_user(page, browser_log, operator)
    visit(page, browser_log, sjp_url)
    follow(page, browser_log, main.get_by_role("link", name="Buat klaim").click)
    page.locator("[name=admission_date]").fill(today.isoformat())
    page.locator("[name=discharge_date]").fill(today.isoformat())
    page.locator("[name=primary_diagnosis]").fill("A09")
    page.locator("[name=attachment_rincian_biaya]").set_input_files(
        {"name": "rincian.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    for row, (code, quantity) in enumerate([("RJ01", "2"), ("LAB01", "1")]):
        code_control = page.locator(f"[name=lines-{row}-code]")
        if code_control.evaluate("e => e.tagName") == "SELECT":
            code_control.select_option(code)
        else:
            code_control.fill(code)
        page.locator(f"[name=lines-{row}-quantity]").fill(quantity)
    follow(page, browser_log, page.get_by_role("button", name="Ajukan klaim").click)
    expect(page).to_have_url(re.compile(r"/app/layanan/klaim/\d+/$"))
    claim_url = page.url
    expect(main).to_contain_text("175")  # 2 × 50.000 + 75.000
    expect(main).to_contain_text("rincian.pdf")

    # The verifier approves the claim as billed.
    _switch_user(page, browser_log, verifier)
    visit(page, browser_log, claim_url)
    _choose(page.locator("[name=action]"), "approve")
    follow(page, browser_log, page.get_by_role("button", name="Simpan keputusan").click)
    expect(main.get_by_role("button", name="Simpan keputusan")).to_have_count(0)
    expect(main).to_contain_text("Disetujui")

    # The UPT admin gathers the month's approved claims of the puskesmas into a batch.
    _switch_user(page, browser_log, admin)
    visit(page, browser_log, "/app/layanan/pembayaran/")
    page.locator("[name=provider]").select_option(str(operator.provider_id))
    page.locator("[name=year]").fill(str(today.year))
    page.locator("[name=month]").fill(str(today.month))
    follow(page, browser_log, page.get_by_role("button", name="Buat batch").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"#\d+"))
    expect(main).to_contain_text(operator.provider.name)
    expect(main).to_contain_text("175")
    expect(main.get_by_role("link", name=re.compile(r"#\d+"))).to_have_count(1)  # the one claim

"""Each role's main journey, signed in through the password and the 6-digit code."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Locator, Page, expect

from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import InstructionTask
from ejamkesda.funds import services as fund_services
from tests.coverage.factories import VILLAGE_A, VILLAGE_C, build_month, nik, regions
from tests.e2e.browser import BrowserLog, download, follow, sign_in, visit
from tests.factories import ProviderFactory, ensure_region_tree, user_with_role
from tests.funds.factories import AttendanceFactory, StaffMemberFactory, stored_profile
from tests.imports.factories import person_row, write_csv


def fact(within: Locator, term: str) -> Locator:
    """The value of ``term`` in a list of facts (<dt>term</dt><dd>value</dd>)."""
    return within.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def test_upt_admin_imports_participants_with_a_bad_row(page: Page, browser_log: BrowserLog, settings, tmp_path):
    settings.IMPORT_DIR = str(tmp_path / "impor")
    ensure_region_tree("64.09.01.2001")
    rows = [person_row(1), person_row(2, NIK="12345"), person_row(3)]
    upload = write_csv(tmp_path / "peserta-januari.csv", rows)
    sign_in(page, browser_log, user_with_role(Role.UPT_ADMIN))

    visit(page, browser_log, "/app/impor/peserta/unggah/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impor data peserta")
    page.locator("[name=file]").set_input_files(upload)
    page.locator("[name=source]").fill("BPJS Januari")
    follow(page, browser_log, page.locator("main form button.primary, main form button[type=submit]").first.click)

    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("Selesai")
    expect(fact(progress, "Baris dibaca")).to_have_text("3")
    expect(fact(progress, "Baris ditolak")).to_have_text("1")
    expect(fact(progress, "Baru")).to_have_text("2")
    expect(progress).to_contain_text("1 kesalahan tercatat.")
    name, content_type, content = download(progress.get_by_role("link", name="Unduh laporan kesalahan (CSV)"))
    assert content_type.startswith("text/csv") and name.endswith(".csv")
    report = content.decode("utf-8-sig")
    assert "NIK" in report and len(report.strip().splitlines()) == 2  # header and the one bad row


def test_leadership_reads_the_coverage_dashboard(page: Page, browser_log: BrowserLog):
    regions()
    build_month(
        dt.date(2026, 10, 1),
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A), (nik(3), VILLAGE_A), (nik(4, "640902"), VILLAGE_C)],
        members=[(nik(1), "pbi_apbn", "aktif"), (nik(2), "pbpu_bp_pemda", "aktif"), (nik(3), "ppu", "nonaktif")],
    )
    sign_in(page, browser_log, user_with_role(Role.VIEWER))
    visit(page, browser_log, "/app/cakupan/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cakupan Jaminan Kesehatan (UHC)")
    figures = page.locator("main .cards").first
    expect(figures.locator("li", has_text="Penduduk")).to_contain_text("4")
    expect(figures.locator("li", has_text="Terdaftar JKN")).to_contain_text("3 (75")
    expect(figures.locator("li", has_text="Peserta JKN aktif")).to_contain_text("2 (50")
    # No one's name on the leadership's page: figures only.
    expect(page.get_by_role("main")).not_to_contain_text(nik(1))

    # The same figures are public, without signing in.
    page.context.clear_cookies()
    visit(page, browser_log, "/cakupan/")
    expect(page.locator("main .cards").first.locator("li", has_text="Penduduk")).to_contain_text("4")


def test_treasurer_prepares_jaspel_and_prints_slips(page: Page, browser_log: BrowserLog):
    provider = ProviderFactory(name="Puskesmas Waru")
    profile = stored_profile("tanah-datar-29-2017")
    january = dt.date(2025, 1, 1)
    for name in ("Nurhayati", "Agus Salim"):
        AttendanceFactory(staff=StaffMemberFactory(provider=provider, name=name), period=january)
    fund_services.receipt_record(
        provider=provider, period=january, source="kapitasi", amount=1_000_000, profile=profile,
        received_on=january, actor=None,
    )  # fmt: skip
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    sign_in(page, browser_log, treasurer)

    visit(page, browser_log, "/app/dana/pembagian/baru/")
    page.locator("[name=period_from]").fill("2025-01")
    page.locator("[name=period_to]").fill("2025-01")
    page.locator("[name=profile]").select_option(str(profile.pk))
    follow(page, browser_log, page.locator("main form button.primary").first.click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Puskesmas Waru")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Nurhayati")
    expect(main).to_contain_text("Agus Salim")
    follow(page, browser_log, main.get_by_role("button", name="Verifikasi").click)
    expect(main.get_by_role("button", name="Verifikasi")).to_have_count(0)

    _name, content_type, content = download(main.get_by_role("link", name="Slip semua (PDF)"))
    assert content_type == "application/pdf" and content.startswith(b"%PDF")
    row = main.locator("tr", has_text="Nurhayati")
    _name, content_type, content = download(row.get_by_role("link", name="PDF"))
    assert content_type == "application/pdf" and content.startswith(b"%PDF")


def test_opd_operator_reports_progress_on_its_task(page: Page, browser_log: BrowserLog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    operator = user_with_role(Role.OPD_OPERATOR)
    InstructionTask.objects.create(
        instruction="Instruksi uji", point=4, addressee="Kepala OPD", agency=operator.agency,
        text="Mendaftarkan guru honorer ke JKN", indicator="guru honorer terdaftar",
    )  # fmt: skip
    InstructionTask.objects.create(
        instruction="Instruksi uji", point=5, addressee="Kepala OPD lain", text="Tugas OPD lain"
    )
    sign_in(page, browser_log, operator)
    visit(page, browser_log, "/app/cakupan/tugas/")
    main = page.get_by_role("main")
    row = main.locator("tr", has_text="Mendaftarkan guru honorer")
    follow(page, browser_log, row.get_by_role("link").first.click)
    page.locator("[name=percent]").fill("40")
    page.locator("[name=note]").fill("120 dari 300 guru honorer sudah didaftarkan.")
    follow(page, browser_log, main.locator("form button.primary").first.click)
    expect(main).to_contain_text("120 dari 300 guru honorer sudah didaftarkan.")
    expect(main).to_contain_text("40")

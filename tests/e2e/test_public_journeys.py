"""Public journeys: apply for Jamkesda and track it, file a complaint and track it, read
the site in English."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import BrowserLog, field, follow, visit
from tests.factories import make_nik

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _file(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def _track(page: Page, log: BrowserLog, *, heading: str, link: str) -> str:
    """On the "sent" page: note the tracking code, follow the link, look the code up."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    shown = page.locator(".tracking-code strong")
    expect(shown).to_be_visible()
    code = shown.inner_text().strip()
    follow(page, log, page.get_by_role("main").get_by_role("link", name=link).click)
    field(page, "Kode pelacakan").fill(code)
    follow(page, log, page.get_by_role("button", name="Lihat status").click)
    return code


def test_application_too_large_file_then_good_then_tracking(page: Page, browser_log: BrowserLog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit(page, browser_log, "/kepesertaan-jamkesda/ajukan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajukan kepesertaan Jamkesda")
    field(page, "NIK").fill(make_nik(serial=501))
    field(page, "Tanggal lahir").fill("1985-03-07")
    field(page, "Nomor KK").fill("6409010101000501")
    field(page, "Nama lengkap (sesuai KTP)").fill("Budi Santoso")
    field(page, "Alamat").fill("Jl. Propinsi Km 5, Penajam")
    field(page, "Telepon/WhatsApp").fill("081234567890")
    field(page, "Alasan pengajuan").fill("Belum punya jaminan kesehatan, bekerja sebagai nelayan.")
    page.get_by_label("Saya menyatakan data ini benar").check()
    too_large = PDF + b"0" * (6 * 1024 * 1024)
    field(page, "KTP").set_input_files(_file("ktp.pdf", too_large, "application/pdf"))
    field(page, "Kartu Keluarga").set_input_files(_file("kk.png", PNG, "image/png"))
    follow(page, browser_log, page.get_by_role("button", name="Kirim pengajuan").click)

    expect(page.get_by_text("Berkas terlalu besar").first).to_be_visible()
    expect(page.get_by_role("heading", name="Pengajuan terkirim")).to_have_count(0)
    # What was typed is kept; the files are chosen again (a browser never refills a file input).
    expect(field(page, "Nama lengkap (sesuai KTP)")).to_have_value("Budi Santoso")
    field(page, "KTP").set_input_files(_file("ktp.pdf", PDF, "application/pdf"))
    kk = field(page, "Kartu Keluarga")
    if kk.count():  # kept on the server after the first try, or asked for again
        kk.set_input_files(_file("kk.png", PNG, "image/png"))
    consent = page.get_by_label("Saya menyatakan data ini benar")
    if not consent.is_checked():
        consent.check()
    follow(page, browser_log, page.get_by_role("button", name="Kirim pengajuan").click)

    code = _track(page, browser_log, heading="Pengajuan terkirim", link="Lacak pengajuan")
    expect(page.get_by_role("heading", name=re.compile("Status pengajuan"))).to_contain_text(code)
    expect(page.get_by_role("main")).to_contain_text("Diajukan, menunggu verifikasi")
    expect(page.get_by_role("main")).to_contain_text("BUD* SAN****")  # the name is masked


def test_complaint_and_tracking(page: Page, browser_log: BrowserLog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit(page, browser_log, "/pengaduan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirim pengaduan")
    follow(page, browser_log, page.get_by_role("button", name="Kirim pengaduan").click)
    # Nothing filed: the form says what is missing.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirim pengaduan")
    expect(page.get_by_role("main").get_by_text("Bidang ini tidak boleh kosong.").first).to_be_visible()

    field(page, "Kategori").select_option(label="Biaya atau pungutan")
    field(page, "Uraian pengaduan").fill("Diminta membayar obat di puskesmas padahal peserta Jamkesda.")
    field(page, "Telepon/WhatsApp (opsional)").fill("081298765432")
    follow(page, browser_log, page.get_by_role("button", name="Kirim pengaduan").click)
    code = _track(page, browser_log, heading="Pengaduan terkirim", link="Lacak pengaduan")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_contain_text(code)
    expect(main).to_contain_text("Biaya atau pungutan")
    expect(main).to_contain_text("Baru")

    field(page, "Kode pelacakan").fill("ZZZZ-ZZZZ")
    follow(page, browser_log, page.get_by_role("button", name="Lihat status").click)
    expect(main.locator(".error, [role=alert]").first).to_be_visible()


def test_language_switch(page: Page, browser_log: BrowserLog):
    visit(page, browser_log, "/cek-kepesertaan/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    follow(page, browser_log, lambda: page.get_by_label("Bahasa").select_option("en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/cek-kepesertaan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your health insurance membership")
    expect(page.get_by_role("button", name="Check now")).to_be_visible()
    # The choice holds on the next page, and can be turned back.
    visit(page, browser_log, "/pengaduan/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    follow(page, browser_log, lambda: page.get_by_label("Language").select_option("id"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirim pengaduan")

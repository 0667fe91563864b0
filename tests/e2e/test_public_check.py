"""Public membership check: a resident finds (or does not find) their coverage."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.e2e.browser import BrowserLog, follow, visit
from tests.factories import MembershipFactory, PersonFactory, make_nik

BIRTH = dt.date(1985, 3, 7)


def _check(page: Page, log: BrowserLog, *, nik: str, birth: str) -> None:
    page.get_by_label("NIK (Nomor Induk Kependudukan)").first.fill(nik)
    page.get_by_label("Tanggal lahir").first.fill(birth)
    follow(page, log, page.get_by_role("button", name="Cek sekarang").first.click)


def test_membership_check_hit_miss_and_malformed(page: Page, browser_log: BrowserLog, settings):
    settings.PUBLIC_CHALLENGE_AFTER = 10  # three checks in a row: no proof-of-work challenge yet
    person = PersonFactory(nik=make_nik(serial=77), birth_date=BIRTH, name="Siti Rahmawati")
    MembershipFactory(person=person)
    visit(page, browser_log, "/cek-kepesertaan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek kepesertaan jaminan kesehatan")

    _check(page, browser_log, nik=person.nik, birth=BIRTH.isoformat())
    result = page.get_by_role("status").filter(has_text="Nama")
    expect(result).to_contain_text("JKN")
    expect(result).to_contain_text("Kepesertaan Anda aktif")
    expect(result).not_to_contain_text("Siti Rahmawati")  # the name is masked
    expect(page.locator("body")).not_to_contain_text(person.nik)  # the NIK is not shown back

    _check(page, browser_log, nik=make_nik(serial=78), birth=BIRTH.isoformat())
    expect(page.get_by_role("heading", name="Data tidak ditemukan")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Ajukan Jamkesda")).to_be_visible()

    _check(page, browser_log, nik="12345", birth=BIRTH.isoformat())
    expect(page.locator("#id_nik_error")).to_contain_text("NIK tidak valid")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert "12345" not in page.url

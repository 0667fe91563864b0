"""Every role signs in (password, then the code) and finds its own work in the menu, and
only what it may use; on a phone the menu folds away until opened."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ejamkesda.core.roles import Role
from tests.e2e.browser import BrowserLog, sign_in
from tests.factories import user_with_role

# Role → (an address its menu must offer, one it must not).
HOMES = {
    Role.UPT_ADMIN: ("/app/impor/", "/app/dana/pengadaan/"),
    Role.UPT_VERIFIER: ("/kepesertaan-jamkesda/upt/", "/app/audit/"),
    Role.PPK_OPERATOR: ("/app/layanan/sjp/", "/app/cakupan/"),
    Role.TREASURER: ("/app/dana/", "/app/layanan/sjp/"),
    Role.OPD_OPERATOR: ("/app/cakupan/tugas/", "/app/layanan/klaim/"),
    Role.VIEWER: ("/app/cakupan/", "/app/impor/"),
    Role.PROCUREMENT_OFFICER: ("/app/dana/pengadaan/", "/app/cakupan/"),
    Role.VILLAGE_OFFICER: ("/app/cakupan/desa-saya/", "/app/layanan/sjp/"),
    Role.DISTRICT_OFFICER: ("/app/cakupan/desa-saya/", "/app/layanan/sjp/"),
}


@pytest.mark.parametrize("role", list(HOMES), ids=[role.value for role in HOMES])
def test_each_role_signs_in_to_its_home(page: Page, browser_log: BrowserLog, role: Role):
    user = user_with_role(role)
    sign_in(page, browser_log, user)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(f"Keluar ({user.username})")

    menu = page.get_by_role("navigation", name="Menu utama")
    if not menu.is_visible():  # a phone: the menu opens on demand
        page.locator("#menu-utama > summary").click()
    expect(menu).to_be_visible()
    offered, withheld = HOMES[role]
    link = menu.locator(f"a[href='{offered}']")
    if not link.is_visible():  # the menu is grouped by task: open the link's group
        menu.locator("details.nav-group", has=page.locator(f"a[href='{offered}']")).locator("summary").click()
    expect(link).to_be_visible()
    expect(menu.locator(f"a[href='{withheld}']")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"/akun/"))

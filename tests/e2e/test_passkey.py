"""A passkey, end to end: enrolled on the account security page and used as the second
factor at the next sign-in, with Chromium's virtual authenticator standing for the
fingerprint reader (CDP WebAuthn domain)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from ejamkesda.core.roles import Role
from tests.e2e.browser import BrowserLog, follow, sign_in, visit
from tests.factories import DEFAULT_PASSWORD, user_with_role


def test_passkey_enrolment_then_sign_in_with_it(page: Page, browser_log: BrowserLog, live_server, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    verifier = user_with_role(Role.UPT_VERIFIER)
    sign_in(page, browser_log, verifier)

    visit(page, browser_log, "/akun/faktor-kedua/")
    page.get_by_role("button", name="Daftarkan passkey").click()
    status = page.locator("#passkey-register-status-message")
    expect(status).to_have_attribute("data-status-enum", "success")
    expect(status).not_to_be_empty()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    visit(page, browser_log, "/akun/faktor-kedua/")
    passkeys = page.locator("section[aria-labelledby=passkey-title] li")
    expect(passkeys).to_have_count(1)

    # Next sign-in: the password, then the passkey instead of a code.
    page.context.clear_cookies()
    visit(page, browser_log, "/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(verifier.username)
    page.get_by_label("Kata sandi").fill(DEFAULT_PASSWORD)
    follow(page, browser_log, page.get_by_role("button", name="Masuk", exact=True).click)
    expect(page).to_have_url(re.compile(r"/akun/verifikasi/"))
    browser_log.check_accessibility()
    follow(page, browser_log, page.get_by_role("button", name="Verifikasi dengan passkey").click)
    expect(page).not_to_have_url(re.compile(r"/akun/"))
    expect(page.get_by_role("banner")).to_contain_text(f"Keluar ({verifier.username})")

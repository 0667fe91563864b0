"""What every browser journey needs: a watch on the console, the axe check of each page
visited, and the staff sign-in (password, then the 6-digit code) as a person does it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Error, Locator, Page, expect

from tests.auth import totp_code, totp_device
from tests.factories import DEFAULT_PASSWORD

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = {"serious", "critical"}
# Console errors that are known and accepted: none. Add a pattern only with its reason.
KNOWN_ERRORS: list[str] = []


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
    return "\n".join(lines)


class BrowserLog:
    """Console errors, page errors and pages visited in one test; ``finish`` fails the test on
    an error nobody expected or a visited page that was never checked by axe."""

    def __init__(self, page: Page) -> None:
        self.page = page
        page.set_default_timeout(10_000)
        # The first page of a run waits for the live server to warm up (imports, templates),
        # on a machine that may be busy: loading a page may take longer than a click.
        page.set_default_navigation_timeout(30_000)
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = [re.compile(p) for p in KNOWN_ERRORS]
        self.visited: list[str] = []
        self.checked: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("framenavigated", self._navigated)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame and not frame.url.startswith(("about:", "data:")):
            self.visited.append(_path(frame.url))

    def allow(self, pattern: str) -> None:
        """An error this test causes on purpose (e.g. the browser reporting a 404 status)."""
        self.allowed.append(re.compile(pattern))

    def check_accessibility(self) -> None:
        self.page.wait_for_load_state()
        violations = axe_violations(self.page)
        assert not violations, f"axe pada {self.page.url}:\n{describe(violations)}"
        self.checked.add(_path(self.page.url))

    def finish(self) -> None:
        try:
            if self.visited and _path(self.page.url) not in self.checked and not self.page.is_closed():
                self.check_accessibility()
        except Error:
            pass  # the page is gone (closed context): nothing left to check
        unexpected = [e for e in self.errors if not any(p.search(e) for p in self.allowed)]
        assert not unexpected, "Galat di peramban:\n" + "\n".join(unexpected)
        unchecked = [url for url in dict.fromkeys(self.visited) if url not in self.checked]
        assert not unchecked, f"Halaman dikunjungi tanpa pemeriksaan axe: {unchecked}"


def field(page: Page, label: str) -> Locator:
    """The form field labelled ``label`` exactly (a required field's label ends in " *")."""
    # A required field's label ends in " *" and a hidden "(wajib)"/"(required)"
    # (templates/includes/form_fields.html): match the label's text, then its field.
    text = re.compile(rf"^\s*{re.escape(label)}(\s|\*|\((wajib|required)\))*$")
    target = page.locator("label").filter(has_text=text).first.get_attribute("for")
    return page.locator(f"[id='{target}']")


def visit(page: Page, log: BrowserLog, path: str) -> None:
    """Open ``path`` as by typing it in the address bar, then check the page."""
    page.goto(path)
    log.check_accessibility()


def follow(page: Page, log: BrowserLog, action: Callable[[], Any]) -> None:
    """Do ``action`` (a click, a submit) that loads a new page, then check that page."""
    with page.expect_navigation():
        action()
    log.check_accessibility()


def download(link: Locator) -> tuple[str, str, bytes]:
    """The file a link gives, fetched with the browser's session (cookies) as a click would:
    its file name (Content-Disposition), content type and bytes. Chromium would show a PDF
    in its own viewer rather than save it, which is no page to check."""
    href = link.get_attribute("href")
    assert href, "tautan tanpa alamat"
    response = link.page.request.get(href)
    assert response.ok, f"{href}: {response.status}"
    disposition = response.headers.get("content-disposition", "")
    match = re.search(r'filename="?([^";]+)"?', disposition)
    return (match.group(1) if match else ""), response.headers.get("content-type", ""), response.body()


def sign_in(page: Page, log: BrowserLog, user: Any) -> None:
    """Staff sign-in: name and password at /akun/masuk/, then the authenticator's code."""
    device = totp_device(user)
    # A code is accepted once: a journey signing the same person in again within the same
    # 30 seconds stands for a later sign-in, so the device forgets the last code it took.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    visit(page, log, "/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(DEFAULT_PASSWORD)
    follow(page, log, page.get_by_role("button", name="Masuk", exact=True).click)
    expect(page).to_have_url(re.compile(r"/akun/verifikasi/"))
    code = page.get_by_label("Kode 6 angka dari aplikasi")
    expect(code).to_be_focused()
    code.fill(totp_code(device))
    follow(page, log, page.get_by_role("button", name="Verifikasi", exact=True).click)
    expect(page).not_to_have_url(re.compile(r"/akun/"))

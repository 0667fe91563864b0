"""What a signed-in browser session must pass before any staff page.

In order, for every browser request (the token-only API path is not touched):

1. idle timeout: a session unused for ``SESSION_IDLE_TIMEOUT`` seconds is signed out;
2. second factor: a user who needs one (``signin.factor_required``) and has not passed it
   in this session reaches only the second-factor step, enrolment and sign-out;
3. forced password change: a password chosen by an admin must be replaced first;
4. ``Cache-Control: no-store`` on staff pages, account pages and file downloads, so
   personal data stays out of browser and proxy caches.

docs/tinjauan-keamanan.md, "Masuk petugas" and "Sesi".
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from ejamkesda.accounts import signin
from ejamkesda.api.lean import is_api_path

LAST_SEEN_KEY = "_last_seen"
TOUCH_EVERY = 60  # seconds: the session is rewritten at most once a minute


def _with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if is_api_path(path) or path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            if self._idle_expired(request):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if gate := self._gate(request, path):
                return redirect(gate)
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and self._private(request, path, response):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def touch(request: HttpRequest) -> None:
        """Marks the session as used now (also at sign-in, so the first page writes nothing)."""
        request.session[LAST_SEEN_KEY] = int(time.time())

    @staticmethod
    def _idle_expired(request: HttpRequest) -> bool:
        now = time.time()
        last = request.session.get(LAST_SEEN_KEY)
        if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT:
            return True
        if last is None or now - float(last) >= TOUCH_EVERY:
            request.session[LAST_SEEN_KEY] = int(now)
        return False

    @staticmethod
    def _gate(request: HttpRequest, path: str) -> str | None:
        """Where the session must go first, or None when ``path`` may be served."""
        always = (reverse("accounts:logout"), reverse("set_language"))
        if path in always:
            return None
        user = request.user
        factor_pages = (reverse("accounts:otp_verify"), reverse("accounts:factors"), "/akun/passkey/")
        if not signin.is_verified(user) and signin.factor_required(user):
            if path.startswith(factor_pages):
                return None
            return _with_next(reverse("accounts:otp_verify"), request)
        if getattr(user, "password_change_required", False):
            if path.startswith((reverse("accounts:password_change"), *factor_pages)):
                return None
            return _with_next(reverse("accounts:password_change"), request)
        return None

    @staticmethod
    def _private(request: HttpRequest, path: str, response: HttpResponse) -> bool:
        staff_paths = ("/app/", "/akun/", f"/{settings.ADMIN_URL}")
        if path.startswith(staff_paths) or request.user.is_authenticated:
            return True
        return "attachment" in response.get("Content-Disposition", "")

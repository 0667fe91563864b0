"""Sign-in pages: password, second factor, enrolment, password change, sessions.

Thin views over ``signin`` (the steps) and ``factors`` (the audited writes).
docs/tinjauan-keamanan.md, "Masuk petugas".
"""

from __future__ import annotations

from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.models import AbstractWebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialAuthenticationView

from ejamkesda.accounts import factors, signin
from ejamkesda.accounts.forms import OneTimeCodeForm, SignInForm, TotpConfirmForm
from ejamkesda.accounts.models import User
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role

PENDING_TOTP_KEY = "enrol_totp_device_id"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _me(request: HttpRequest) -> User:
    """The signed-in user (every caller is behind ``login_required``)."""
    return cast(User, request.user)


def _locked_response(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


class LoginView(auth_views.LoginView):
    """Django's login, behind the per-username brake (all addresses together)."""

    template_name = "accounts/login.html"
    form_class = SignInForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        brake = signin.username_brake_for(username)
        if brake.locked:
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        if brake.wait_seconds:
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Terlalu banyak percobaan gagal untuk nama pengguna ini. Tunggu %(n)s detik lalu coba lagi.")
                % {"n": brake.wait_seconds},
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(brake.wait_seconds)
            return response
        return super().post(request, *args, **kwargs)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the sign-in: a code from the app, a recovery code, or a passkey."""
    user = _me(request)
    if signin.is_verified(user):
        return redirect(_next_url(request))
    if not user_has_device(user):
        return redirect(f"{reverse('accounts:factors')}?{urlencode({'next': _next_url(request)})}")
    if signin.signin_locked(request, user.username):
        return _locked_response(request)
    form = OneTimeCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        brake = signin.username_brake_for(user.username)
        device = None if brake.wait_seconds else signin.second_factor_check(user, form.cleaned_data["token"])
        if device is not None:
            signin.second_factor_passed(request, user, device)
            if isinstance(device, StaticDevice):
                left = factors.recovery_codes_left(user)
                messages.warning(
                    request, _("Kode pemulihan tersisa: %(n)s. Buat yang baru bila hampir habis.") % {"n": left}
                )
            return redirect(_next_url(request))
        if brake.wait_seconds:
            form.add_error(None, _("Terlalu banyak percobaan gagal. Tunggu %(n)s detik.") % {"n": brake.wait_seconds})
            status = 429
        else:
            if signin.second_factor_failed(request, user):
                return _locked_response(request)
            form.add_error("token", _("Kode salah atau sudah kedaluwarsa."))
    has_passkey = any(isinstance(d, AbstractWebAuthnCredential) for d in factors.factors_of(user))
    context = {"form": form, "next": _next_url(request), "has_passkey": has_passkey}
    return render(request, "accounts/otp_verify.html", context, status=status)


def _enrolment_allowed(request: HttpRequest) -> bool:
    """Adding a factor needs the factor already held, unless the user has none yet."""
    return signin.is_verified(request.user) or not user_has_device(request.user)


@login_required
def factor_list(request: HttpRequest) -> HttpResponse:
    """Account security: factors, recovery codes, password, other sessions."""
    if not _enrolment_allowed(request):
        return redirect("accounts:otp_verify")
    user = _me(request)
    devices = factors.factors_of(user)
    context = {
        "apps": [d for d in devices if isinstance(d, TOTPDevice)],
        "passkeys": [d for d in devices if isinstance(d, AbstractWebAuthnCredential)],
        "recovery_left": factors.recovery_codes_left(user),
        "verified": signin.is_verified(user),
        "required": signin.factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/factors.html", context)


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and secret, then one code to confirm."""
    if not _enrolment_allowed(request):
        return redirect("accounts:otp_verify")
    user = _me(request)
    device = factors.totp_enrolment_device(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = "".join(form.cleaned_data["token"].split())
        if factors.totp_enrolment_confirm(device=device, token=token):
            if not signin.is_verified(user):
                signin.second_factor_passed(request, user, device)
            if factors.recovery_codes_left(user) == 0:
                codes = factors.recovery_codes_create(user=user)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
            messages.success(request, _("Aplikasi autentikator terdaftar."))
            return redirect(_next_url(request))
        form.add_error("token", _("Kode tidak cocok. Periksa jam ponsel, lalu masukkan kode terbaru."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff", title=_("Kode QR aplikasi autentikator")),
        "secret": " ".join(_chunks(factors.totp_secret_base32(device), 4)),
        "next": _next_url(request),
    }
    return render(request, "accounts/totp_enrol.html", context)


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes, shown once (only with the factor passed)."""
    if not signin.is_verified(request.user):
        return redirect("accounts:otp_verify")
    codes = factors.recovery_codes_create(user=_me(request))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = factors.sessions_end_others(user=_me(request))
    update_session_auth_hash(request, user)
    messages.success(request, _("Semua sesi lain sudah dikeluarkan. Sesi ini tetap masuk."))
    return redirect("accounts:factors")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Self-service password change; required at first sign-in after an admin set it."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = factors.password_change_own(user=_me(self.request), password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Kata sandi sudah diganti."))
        return redirect(_next_url(self.request))


@role_required(Role.UPT_ADMIN)
@require_POST
def factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin resets another user's second factor (audited; the user enrols again)."""
    target = get_object_or_404(User, pk=pk)
    factors.second_factor_reset(user=target, actor=_me(request))  # own or a superuser's: 403
    messages.success(
        request, _("Faktor kedua %(name)s direset; ia harus mendaftar lagi saat masuk.") % {"name": target.username}
    )
    return redirect("accounts:user_edit", pk=pk)


class PasskeyAuthenticationCompleteView(CompleteCredentialAuthenticationView):
    """django-otp-webauthn's ceremony; a passkey completes the sign-in like a code does,
    and a failed passkey counts toward lock-out like a wrong code or password."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        user = self.request.user
        if user.is_authenticated and (
            signin.signin_locked(self.request, user.get_username())
            or signin.username_brake_for(user.get_username()).wait_seconds
        ):
            return JsonResponse({"detail": _("Terlalu banyak percobaan gagal."), "code": "locked"}, status=429)
        return cast(HttpResponse, super().post(*args, **kwargs))

    def handle_exception(self, exc: Exception) -> HttpResponse:
        user = self.request.user
        failed = user.is_authenticated and isinstance(exc, OTPWebAuthnApiError | PermissionDenied)
        if failed and signin.second_factor_failed(self.request, user):
            logout(self.request)
            return JsonResponse({"detail": _("Masuk dikunci sementara."), "code": "locked"}, status=429)
        return cast(HttpResponse, super().handle_exception(exc))

    def complete_auth(self, device: Any) -> Any:
        if not self.request.user.is_authenticated or device.user_id != self.request.user.pk:
            raise PermissionDenied  # a passkey is the second factor after the password only
        signin.second_factor_passed(self.request, self.request.user, device)

"""Staff sign-in: password, then a second factor, through the real views."""

from __future__ import annotations

import base64
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ejamkesda.accounts import factors
from ejamkesda.accounts.models import User
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.auth import login_password_only, totp_code, totp_device
from tests.factories import DEFAULT_PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

ADMIN_INDEX = f"/{settings.ADMIN_URL}"


def sign_in(client, user, *, ip: str = "127.0.0.1", password: str = DEFAULT_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def otp(client, token: str, *, ip: str = "127.0.0.1", next_url: str = ""):
    return client.post(reverse("accounts:otp_verify"), {"token": token, "next": next_url}, REMOTE_ADDR=ip)


def staff_users():
    users = [user_with_role(role) for role in Role]
    users.append(UserFactory(role="", is_superuser=True, is_staff=True))
    return users


@pytest.mark.parametrize("with_device", [False, True])
def test_password_alone_reaches_no_staff_page_for_any_role(client, with_device):
    for user in staff_users():
        if with_device:
            totp_device(user)
        assert sign_in(client, user).status_code == 302
        for url in (reverse("core:dashboard"), reverse("participants:search"), ADMIN_INDEX, reverse("accounts:users")):
            response = client.get(url)
            assert response.status_code == 302, (user.role, url)
            assert response["Location"].startswith(reverse("accounts:otp_verify")), (user.role, url)
        step = client.get(reverse("accounts:otp_verify"))
        if with_device:
            assert step.status_code == 200
        else:  # nothing to verify with yet: enrol first
            assert step["Location"].startswith(reverse("accounts:factors"))
            assert client.get(reverse("accounts:factors")).status_code == 200
        client.post(reverse("accounts:logout"))


def test_the_factor_is_required_for_money_and_data_roles_even_when_not_for_all(client, settings):
    settings.SECOND_FACTOR_ALL_ROLES = False
    for role, required in (
        (Role.UPT_ADMIN, True),
        (Role.UPT_VERIFIER, True),
        (Role.TREASURER, True),
        (Role.VIEWER, False),
    ):
        user = user_with_role(role)
        sign_in(client, user)
        assert (client.get(reverse("core:dashboard")).status_code == 302) is required, role
        client.post(reverse("accounts:logout"))


def test_totp_sign_in_end_to_end(client):
    user = user_with_role(Role.UPT_VERIFIER)
    device = totp_device(user)
    assert sign_in(client, user).status_code == 302
    page = client.get(reverse("accounts:otp_verify"))
    html = page.content.decode()
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    response = otp(client, totp_code(device), next_url=reverse("participants:search"))
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:search")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditLog.objects.filter(action="login", actor=user, summary__contains="faktor kedua").exists()


def test_a_wrong_code_is_refused_and_audited(client):
    user = user_with_role(Role.UPT_ADMIN)
    device = totp_device(user)
    sign_in(client, user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = otp(client, wrong)
    assert response.status_code == 200
    assert "Kode salah" in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302
    assert AuditLog.objects.filter(action="login_failed", summary__contains="faktor kedua").exists()


def test_recovery_code_works_once(client):
    user = user_with_role(Role.TREASURER)
    totp_device(user)
    code = factors.recovery_codes_create(user=user)[0]
    sign_in(client, user)
    assert otp(client, code.upper()).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert factors.recovery_codes_left(user) == settings.RECOVERY_CODE_COUNT - 1
    client.post(reverse("accounts:logout"))
    sign_in(client, user)
    assert otp(client, code).status_code == 200  # used up
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_enrolment_shows_qr_and_secret_then_recovery_codes_once(client):
    user = user_with_role(Role.UPT_ADMIN)
    sign_in(client, user)
    response = client.get(reverse("core:dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:factors"))
    page = client.get(reverse("accounts:totp_enrol"))
    html = page.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert factors.totp_secret_base32(device)[:4] in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert client.get(reverse("core:dashboard")).status_code == 302  # not yet
    done = client.post(reverse("accounts:totp_enrol"), {"token": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == settings.RECOVERY_CODE_COUNT
    assert done["Cache-Control"].count("no-store") == 1
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert StaticDevice.objects.filter(user=user).count() == 1


def test_a_password_alone_cannot_add_a_factor_to_an_enrolled_account(client):
    user = user_with_role(Role.UPT_ADMIN)
    totp_device(user)
    sign_in(client, user)
    for url in (reverse("accounts:factors"), reverse("accounts:totp_enrol")):
        assert client.get(url)["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.post(reverse("accounts:recovery_codes")).status_code == 302
    assert not StaticDevice.objects.filter(user=user).exists()
    begin = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert begin.status_code == 403  # django-otp-webauthn: verify with the existing factor first


def test_passkey_ceremony_endpoints_are_wired(client):
    user = user_with_role(Role.UPT_VERIFIER)
    sign_in(client, user)
    page = client.get(reverse("accounts:factors")).content.decode()
    assert "passkey-register-button" in page and "otp_webauthn_config" in page
    begin = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert begin.status_code == 200
    options = begin.json()
    assert options["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID and options["challenge"]
    complete = client.post(
        reverse("otp_webauthn:credential-registration-complete"), {}, content_type="application/json"
    )
    assert complete.status_code == 422  # no authenticator answer: refused, nothing stored
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_a_passkey_counts_as_the_second_factor(client):
    user = user_with_role(Role.UPT_ADMIN)
    passkey = WebAuthnCredential.objects.create(
        user=user, name="kunci", confirmed=True, credential_id=b"id-1", public_key=b"pk", sign_count=0
    )
    sign_in(client, user)
    step = client.get(reverse("accounts:otp_verify")).content.decode()
    assert "passkey-verification-button" in step
    begin = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert begin.status_code == 200 and begin.json()["challenge"]
    session = client.session
    session["otp_device_id"] = passkey.persistent_id  # what the ceremony stores on success
    session.save()
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_admin_reset_is_audited_and_forces_enrolment(client):
    from django.test import Client

    target = user_with_role(Role.TREASURER)
    totp_device(target)
    factors.recovery_codes_create(user=target)
    their_session = Client()
    their_session.force_login(target)
    assert their_session.get(reverse("core:dashboard")).status_code == 200
    admin = user_with_role(Role.UPT_ADMIN)
    client.force_login(admin)
    assert "Reset faktor kedua" in client.get(reverse("accounts:user_edit", args=[target.pk])).content.decode()
    response = client.post(reverse("accounts:factor_reset", args=[target.pk]))
    assert response.status_code == 302
    assert factors.factors_of(target) == []
    assert AuditLog.objects.filter(actor=admin, summary__contains="faktor kedua").exists()
    assert their_session.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))
    sign_in(their_session, target)
    assert their_session.get(reverse("accounts:otp_verify"))["Location"].startswith(reverse("accounts:factors"))


def test_nobody_resets_their_own_factor(client):
    admin = user_with_role(Role.UPT_ADMIN)
    client.force_login(admin)
    assert client.post(reverse("accounts:factor_reset", args=[admin.pk])).status_code == 403
    assert factors.factors_of(admin) != []
    superuser = UserFactory(role="", is_superuser=True, is_staff=True)
    totp_device(superuser)
    assert client.post(reverse("accounts:factor_reset", args=[superuser.pk])).status_code == 403
    assert factors.factors_of(superuser) != []


def test_reset_is_for_upt_admins_only(client):
    target = user_with_role(Role.PPK_OPERATOR)
    totp_device(target)
    client.force_login(user_with_role(Role.UPT_VERIFIER))
    assert client.post(reverse("accounts:factor_reset", args=[target.pk])).status_code == 403


def test_failed_codes_lock_the_sign_in_like_failed_passwords(client, settings):
    user = user_with_role(Role.UPT_ADMIN)
    device = totp_device(user)
    sign_in(client, user)
    wrong = f"{(int(totp_code(device)) + 7) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert otp(client, wrong).status_code == 200
    locked = otp(client, wrong)
    assert locked.status_code == 429
    assert "dikunci" in locked.content.decode()
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))  # signed out
    assert sign_in(client, user).status_code == 429  # the right password does not unlock it


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(client, settings):
    user = user_with_role(Role.UPT_ADMIN)
    device = totp_device(user)
    wrong = f"{(int(totp_code(device)) + 3) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user)
        otp(client, wrong)
        client.post(reverse("accounts:logout"))
    sign_in(client, user)
    assert otp(client, wrong).status_code == 429


def test_username_is_slowed_then_locked_across_addresses(client, settings):
    settings.LOGIN_USERNAME_SLOWDOWN_AFTER = 3
    settings.LOGIN_USERNAME_LOCK_AFTER = 5
    user = user_with_role(Role.UPT_ADMIN)
    for n in range(3):  # one failure each from three addresses: below the per-address limit
        assert sign_in(client, user, ip=f"10.0.0.{n}", password="salah-salah").status_code == 200
    slowed = sign_in(client, user, ip="10.0.1.1")
    assert slowed.status_code == 429
    assert "Tunggu" in slowed.content.decode() and int(slowed["Retry-After"]) > 0
    settings.LOGIN_USERNAME_SLOWDOWN_AFTER = 10  # (the wait itself is covered by the rule's tests)
    for n in range(2):
        sign_in(client, user, ip=f"10.0.2.{n}", password="salah-salah")
    locked = sign_in(client, user, ip="10.0.3.1")
    assert locked.status_code == 429
    assert "dikunci" in locked.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_other_usernames_are_not_slowed(client, settings):
    settings.LOGIN_USERNAME_SLOWDOWN_AFTER = 2
    victim, other = user_with_role(Role.UPT_ADMIN), user_with_role(Role.UPT_ADMIN)
    for n in range(3):
        sign_in(client, victim, ip=f"10.0.0.{n}", password="salah-salah")
    assert sign_in(client, other).status_code == 302


def test_demo_logins_prints_a_secret_that_signs_in(client, capsys):
    from io import StringIO

    user = User.objects.create_user("demo_admin", password="demo-jamkesda-2026", role=Role.UPT_ADMIN)
    factors.demo_totp_device(user=user)
    out = StringIO()
    call_command("demo_logins", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "demo_admin" in line)
    secret = line.split()[1]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    client.post(reverse("accounts:login"), {"username": "demo_admin", "password": "demo-jamkesda-2026"})
    assert otp(client, f"{TOTP(key).token():06d}").status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_demo_devices_are_never_made_in_production(settings):
    from django.core.exceptions import PermissionDenied

    settings.PRODUCTION = True
    with pytest.raises(PermissionDenied):
        factors.demo_totp_device(user=user_with_role(Role.UPT_ADMIN))


def test_the_api_path_ignores_the_session_and_its_factor(client):
    from tests.api.factories import bearer, token_for

    user = user_with_role(Role.UPT_ADMIN)
    login_password_only(client, user)
    response = client.get("/api/v1/me", **bearer(token_for(user)))
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_the_admin_login_form_is_our_login(client):
    response = client.get(f"{ADMIN_INDEX}login/?next=/{settings.ADMIN_URL}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))

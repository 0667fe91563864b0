from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path
from django_otp_webauthn import views as passkey_views
from django_otp_webauthn.urls import urlpatterns as passkey_urlpatterns

from ejamkesda.accounts import views, views_signin

# Mounted at /akun/passkey/ under its own namespace (ejamkesda/urls.py).
# django-otp-webauthn's own ceremony views; completing a sign-in goes through ours, so a
# passkey clears the failure counts and is audited like a code (views_signin).
passkey_patterns = [
    path(
        "authentication/complete/",
        views_signin.PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    *[
        p
        for p in passkey_urlpatterns
        if getattr(p.callback, "view_class", None) is not passkey_views.CompleteCredentialAuthenticationView
    ],
]

app_name = "accounts"
urlpatterns = [
    path("masuk/", views_signin.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("verifikasi/", views_signin.otp_verify, name="otp_verify"),
    path("faktor-kedua/", views_signin.factor_list, name="factors"),
    path("faktor-kedua/aplikasi/", views_signin.totp_enrol, name="totp_enrol"),
    path("faktor-kedua/kode-pemulihan/", views_signin.recovery_codes, name="recovery_codes"),
    path("kata-sandi/", views_signin.PasswordChangeView.as_view(), name="password_change"),
    path("sesi/keluar-lain/", views_signin.sessions_end_others, name="sessions_end_others"),
    path("pengguna/", views.user_list, name="users"),
    path("pengguna/baru/", views.user_create, name="user_create"),
    path("pengguna/<int:pk>/", views.user_edit, name="user_edit"),
    path("pengguna/pemisahan-tugas/", views.duty_relaxations, name="duty_relaxations"),
    path("pengguna/<int:pk>/reset-faktor/", views_signin.factor_reset, name="factor_reset"),
]

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from ejamkesda.accounts.models import Agency
from ejamkesda.core.roles import Role
from ejamkesda.providers.models import Provider
from ejamkesda.regions.models import Region


class SignInForm(AuthenticationForm):
    """Django's sign-in form with our own labels and error: Django's message inserts the
    username field's verbose name, which reads "nama pengguna nama pengguna" in Indonesian."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."),
    }


class UserForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)
    provider = forms.ModelChoiceField(label=_("PPK"), queryset=Provider.objects.all(), required=False)
    agency = forms.ModelChoiceField(label=_("OPD"), queryset=Agency.objects.all(), required=False)
    # Village officer: a village; district officer: a district (Instruksi Bupati Tegal 379/2022 KEDUA 6d).
    region = forms.ModelChoiceField(
        label=_("Desa/kecamatan (petugas desa/kecamatan)"),
        queryset=Region.objects.filter(level__in=[3, 4], code__startswith=settings.REGENCY_CODE + "."),
        required=False,
    )
    password = forms.CharField(label=_("Kata sandi awal"), widget=forms.PasswordInput, required=False)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password)
        return password


class OneTimeCodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or one recovery code."""

    token = forms.CharField(
        label=_("Kode"),
        max_length=32,
        help_text=_("6 angka dari aplikasi autentikator, atau satu kode pemulihan."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )


class DutyRelaxationForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("PPK"), queryset=Provider.objects.filter(active=True))
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Mis. puskesmas pembantu dengan satu pegawai; sebutkan dasar/nomor surat bila ada."),
    )
    until = forms.DateField(
        label=_("Berlaku sampai"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

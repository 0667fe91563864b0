"""Forms for funds. Providers offered are always the ones the user may use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ejamkesda.funds.models import FundSource, RegulationProfile, ServiceKind, StaffMember
from ejamkesda.funds.selectors import latest_profiles, providers_for_funds


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


def month_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, input_formats=["%Y-%m", "%Y-%m-%d"], widget=MonthInput())


class ProviderScopedForm(forms.Form):
    provider: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("PPK"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = providers_for_funds(user)
        field = self.fields["provider"]
        field.queryset = queryset  # type: ignore[attr-defined]
        if queryset.count() == 1:
            field.initial = queryset.first()


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "employee_no",
            "name",
            "jenis_tenaga",
            "education",
            "started_on",
            "roles",
            "status",
            "golongan",
            "program_jkn",
            "bank_name",
            "bank_account",
            "active",
        ]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AttendanceUploadForm(ProviderScopedForm):
    period = month_field(_("Bulan"))
    file = forms.FileField(label=_("Berkas kehadiran (.csv atau .xlsx)"))


class PeriodForm(ProviderScopedForm):
    period = month_field(_("Bulan"))


def profile_choices() -> forms.ModelChoiceField:
    ids = [profile.pk for profile in latest_profiles()]
    return forms.ModelChoiceField(
        label=_("Profil regulasi"), queryset=RegulationProfile.objects.filter(pk__in=ids).order_by("code")
    )


class ReceiptForm(ProviderScopedForm):
    period = month_field(_("Bulan"))
    source = forms.ChoiceField(label=_("Sumber dana"), choices=FundSource.choices)
    service_kind = forms.ChoiceField(
        label=_("Jenis layanan (non kapitasi)"), choices=ServiceKind.choices, required=False
    )
    amount = forms.IntegerField(label=_("Jumlah (Rp)"), min_value=1)
    received_on = forms.DateField(label=_("Tanggal terima"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Nomor bukti"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"] = profile_choices()


class RunForm(ProviderScopedForm):
    period_from = month_field(_("Dari bulan"))
    period_to = month_field(_("Sampai bulan"))
    source = forms.ChoiceField(
        label=_("Sumber dana"),
        choices=[("", _("Semua sumber")), *list(FundSource.choices)],
        required=False,
        initial=FundSource.KAPITASI,
    )
    service_kind = forms.ChoiceField(
        label=_("Jenis layanan (non kapitasi)"),
        choices=ServiceKind.choices,
        required=False,
        help_text=_("Isi untuk membagi dana satu jenis layanan hanya kepada pegawai yang melayaninya."),
    )
    method = forms.ChoiceField(
        label=_("Metode non kapitasi"),
        choices=[("", _("Menurut profil")), ("poin", _("Menurut poin")), ("per_kasus", _("Per kasus"))],
        required=False,
    )
    pool_amount = forms.IntegerField(
        label=_("Dana jasa pelayanan (Rp)"),
        min_value=1,
        required=False,
        help_text=_("Kosongkan untuk memakai jumlah pos jasa pelayanan dari penerimaan dana pada bulan-bulan itu."),
    )
    formula = forms.CharField(
        label=_("Rumus poin"), max_length=500, required=False, help_text=_("Kosongkan untuk memakai rumus profil.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"] = profile_choices()


class CasesForm(ProviderScopedForm):
    period = month_field(_("Bulan"))
    service_kind = forms.ChoiceField(label=_("Jenis layanan"), choices=ServiceKind.choices[1:])


class ProfileEditForm(forms.Form):
    text = forms.CharField(label=_("Isi profil (TOML)"), widget=forms.Textarea(attrs={"rows": 30, "class": "mono"}))
    note = forms.CharField(label=_("Catatan perubahan"), max_length=300, required=False)

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
            "ended_on",
        ]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    # The staff history (effective-dated): from when the changed values hold.
    effective_from = forms.DateField(
        label=_("Berlaku mulai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Tanggal perubahan status, golongan, rangkap, jenis tenaga atau PPK mulai berlaku; "
            "kosongkan untuk hari ini. Bulan-bulan sebelumnya tetap memakai nilai lama."
        ),
    )


class RosterUploadForm(ProviderScopedForm):
    file = forms.FileField(label=_("Roster (CSV atau XLSX)"))
    period = forms.DateField(
        label=_("Bulan kehadiran (opsional)"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=MonthInput(),
        required=False,
        help_text=_("Isi bila kolom kehadiran dalam berkas juga disimpan untuk bulan ini."),
    )


class AttendanceUploadForm(ProviderScopedForm):
    period = month_field(_("Bulan"))
    file = forms.FileField(label=_("Berkas kehadiran (.csv atau .xlsx)"))


class PeriodForm(ProviderScopedForm):
    period = month_field(_("Bulan"))


class ProfileChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: RegulationProfile) -> str:  # type: ignore[override]
        return f"{obj.title} — {obj.code} v{obj.version}"


def profile_choices() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """Every stored version, newest first: a run for an old period may need an older version."""
    latest = {profile.code: profile.pk for profile in latest_profiles()}
    return ProfileChoiceField(
        label=_("Profil regulasi"),
        queryset=RegulationProfile.objects.order_by("code", "-version"),
        initial=next(iter(latest.values()), None),
        help_text=_("Pembagian menyimpan versi profil yang dipakai; profil harus sudah berlaku pada periode itu."),
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


class BudgetFilterForm(ProviderScopedForm):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)


class BudgetLineForm(forms.Form):
    """One choice of pool and category: only the pairs the provider's profile allows."""

    pool_category = forms.ChoiceField(label=_("Pos dana — kategori"))
    name = forms.CharField(label=_("Uraian"), max_length=200)
    planned = forms.IntegerField(label=_("Pagu (Rp)"), min_value=1)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pool_category"].choices = choices  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        pool_code, category = self.cleaned_data["pool_category"].split(":", 1)
        return {"pool_code": pool_code, "category": category, "name": self.cleaned_data["name"],
                "planned": self.cleaned_data["planned"]}  # fmt: skip


class DepositForm(forms.Form):
    deposited_on = forms.DateField(label=_("Tanggal setor"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Nomor bukti setor (STS)"), max_length=100)


class ExpenseForm(forms.Form):
    spent_on = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Uraian"), max_length=300)
    amount = forms.IntegerField(label=_("Jumlah (Rp)"), min_value=1)
    proof = forms.FileField(label=_("Bukti pembayaran (PDF/JPG/PNG)"))


class OrderForm(forms.Form):
    number = forms.CharField(label=_("Nomor pesanan"), max_length=60)
    supplier = forms.CharField(label=_("Penyedia/rekanan"), max_length=200)
    description = forms.CharField(label=_("Barang yang dipesan"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.IntegerField(label=_("Nilai (Rp)"), min_value=1)
    ordered_on = forms.DateField(label=_("Tanggal pesan"), widget=forms.DateInput(attrs={"type": "date"}))


class InspectionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Hasil"), choices=[("1", _("Diterima")), ("0", _("Ditolak"))], coerce=lambda v: v == "1"
    )
    committee_decree = forms.CharField(label=_("Nomor SK PPHP"), max_length=100)
    committee_members = forms.CharField(label=_("Anggota PPHP"), max_length=300)
    handover_number = forms.CharField(label=_("Nomor berita acara serah terima"), max_length=100, required=False)
    note = forms.CharField(label=_("Hasil pemeriksaan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    inspected_on = forms.DateField(label=_("Tanggal pemeriksaan"), widget=forms.DateInput(attrs={"type": "date"}))


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Tanggal bayar"), widget=forms.DateInput(attrs={"type": "date"}))
    proof = forms.FileField(label=_("Bukti pembayaran (PDF/JPG/PNG)"))

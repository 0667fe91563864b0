"""Forms of the services app. The NIK is only ever posted, never put in a URL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.forms import formset_factory
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ejamkesda.providers.models import Provider
from ejamkesda.rules.claims import REQUIRED_ATTACHMENTS, ServiceKind
from ejamkesda.rules.nik import InvalidNik, parse_nik
from ejamkesda.services import icd
from ejamkesda.services.models import REJECT_REASON_CHOICES, SERVICE_KIND_CHOICES, Sjp

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NikField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("NIK pasien"))
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("min_length", 16)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            parse_nik(value)
        except InvalidNik as exc:
            raise forms.ValidationError(str(exc)) from None
        return str(value)


class IcdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        # htmx autocomplete: the typed value is sent to services:icd_search, whose answer
        # fills the <datalist id="icd-options"> included once in the page.
        self.widget.attrs.update(
            {
                "autocomplete": "off",
                "list": "icd-options",
                "hx-get": reverse_lazy("services:icd_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#icd-options",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        code = icd.normalise(value)
        if not icd.is_valid(code):
            raise forms.ValidationError(_("Bukan kode ICD-10 yang sah."))
        return code


class SjpRequestForm(forms.Form):
    nik = NikField()
    service_kind = forms.ChoiceField(label=_("jenis pelayanan"), choices=SERVICE_KIND_CHOICES)
    diagnosis_code = IcdField(label=_("diagnosis (ICD-10)"), help_text=_("Ketik kode atau nama penyakit."))
    referring_provider = forms.ModelChoiceField(
        label=_("PPK perujuk"), queryset=Provider.objects.filter(active=True), required=False
    )
    service_from = forms.DateField(label=_("tanggal mulai pelayanan"), widget=DATE)
    service_to = forms.DateField(label=_("tanggal selesai (perkiraan)"), widget=DATE, required=False)
    emergency_at = forms.DateTimeField(
        label=_("waktu mulai gawat darurat"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Wajib untuk gawat darurat; boleh diajukan sesudah pelayanan dalam batas waktu."),
    )
    notes = forms.CharField(label=_("catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SjpDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Setujui")), ("reject", _("Tolak"))])
    valid_until = forms.DateField(label=_("berlaku sampai"), widget=DATE, required=False)
    reason = forms.CharField(label=_("alasan/catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Alasan penolakan wajib diisi."))
        return data


class LineForm(forms.Form):
    # The codes of the tariff table in force are offered in <datalist id="tariff-options">
    # (services/_tariff_datalist.html): the browser filters them as the operator types.
    code = forms.CharField(
        label=_("kode tarif"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"list": "tariff-options", "autocomplete": "off"}),
    )
    quantity = forms.IntegerField(
        label=_("jumlah"),
        min_value=1,
        max_value=10000,
        required=False,
        error_messages={"min_value": _("Jumlah paling sedikit 1.")},
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # One message per problem: a quantity already refused (e.g. 0) is not also "missing".
        if data.get("code") and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", _("Isi jumlah."))
        if data.get("quantity") and not data.get("code") and "code" not in self.errors:
            self.add_error("code", _("Isi kode tarif."))
        return data


LineFormSet = formset_factory(LineForm, extra=6, max_num=50, absolute_max=50)


class ClaimForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    admission_date = forms.DateField(label=_("tanggal masuk"), widget=DATE)
    discharge_date = forms.DateField(label=_("tanggal keluar"), widget=DATE)
    primary_diagnosis = IcdField(label=_("diagnosis utama (ICD-10)"))
    secondary_diagnoses = forms.CharField(
        label=_("diagnosis sekunder"), required=False, help_text=_("Kode ICD-10, pisahkan dengan koma.")
    )
    attachment_rincian_biaya = forms.FileField(label=_("rincian biaya / kuitansi"), required=False)
    attachment_resume_medis = forms.FileField(label=_("resume medis"), required=False)
    attachment_surat_rujukan = forms.FileField(label=_("surat rujukan"), required=False)
    attachment_lainnya = forms.FileField(label=_("lampiran lain"), required=False)
    note = forms.CharField(label=_("catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, service_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        required = set(REQUIRED_ATTACHMENTS[ServiceKind(service_kind)]) if service_kind else set()
        for name, field in self.fields.items():
            if name.startswith("attachment_"):
                field.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                # The attachments the rules require for this kind of service are marked and
                # checked with the rest of the form (rules.claims.REQUIRED_ATTACHMENTS).
                field.required = name.removeprefix("attachment_") in required

    def clean_secondary_diagnoses(self) -> list[str]:
        codes = []
        for text in (self.cleaned_data.get("secondary_diagnoses") or "").replace(";", ",").split(","):
            if not text.strip():
                continue
            code = icd.normalise(text)
            if not icd.is_valid(code):
                raise forms.ValidationError(_("%(code)s bukan kode ICD-10 yang sah.") % {"code": text.strip()})
            codes.append(code)
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("admission_date")
            and data.get("discharge_date")
            and data["discharge_date"] < data["admission_date"]
        ):
            self.add_error("discharge_date", _("Tanggal keluar tidak boleh sebelum tanggal masuk."))
        return data

    def attachments(self) -> list[tuple[str, Any]]:
        return [
            (name.removeprefix("attachment_"), upload)
            for name, upload in self.cleaned_data.items()
            if name.startswith("attachment_") and upload
        ]


class ResubmitForm(forms.Form):
    attachment_rincian_biaya = forms.FileField(label=_("rincian biaya / kuitansi"), required=False)
    attachment_resume_medis = forms.FileField(label=_("resume medis"), required=False)
    attachment_surat_rujukan = forms.FileField(label=_("surat rujukan"), required=False)
    attachment_lainnya = forms.FileField(label=_("lampiran lain"), required=False)
    note = forms.CharField(label=_("catatan perbaikan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def attachments(self) -> list[tuple[str, Any]]:
        return [
            (name.removeprefix("attachment_"), upload)
            for name, upload in self.cleaned_data.items()
            if name.startswith("attachment_") and upload
        ]


class ClaimDecisionForm(forms.Form):
    ACTIONS = [
        ("approve", _("Setujui")),
        ("adjust", _("Setujui dengan penyesuaian")),
        ("return", _("Kembalikan untuk perbaikan")),
        ("reject", _("Tolak")),
    ]
    action = forms.ChoiceField(label=_("keputusan"), choices=ACTIONS)
    reason_code = forms.ChoiceField(
        label=_("kode alasan penolakan"), choices=[("", "—"), *REJECT_REASON_CHOICES], required=False
    )
    note = forms.CharField(label=_("catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralForm(forms.Form):
    nik = NikField()
    to_provider = forms.ModelChoiceField(
        label=_("PPK tujuan (FKRTL)"),
        queryset=Provider.objects.filter(active=True, level=Provider.Level.FKRTL),
    )
    diagnosis_code = IcdField(label=_("diagnosis (ICD-10)"))
    reason = forms.CharField(label=_("alasan rujukan"), widget=forms.Textarea(attrs={"rows": 3}))
    sjp = forms.ModelChoiceField(label=_("SJP (bila ada)"), queryset=Sjp.objects.none(), required=False)

    def __init__(self, *args: Any, provider_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sjp_field = self.fields["sjp"]
        assert isinstance(sjp_field, forms.ModelChoiceField)
        # Approved letters of this provider still in force (recent ones keep the list short).
        since = timezone.localdate() - dt.timedelta(days=90)
        sjp_field.queryset = Sjp.objects.filter(
            provider_id=provider_id or 0, status=Sjp.Status.APPROVED, valid_until__gte=since
        ).order_by("-decided_at")


class ReferralResponseForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("Terima")), ("return", _("Kembalikan"))])
    note = forms.CharField(label=_("catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TariffImportForm(forms.Form):
    name = forms.CharField(label=_("nama/dasar hukum"), max_length=200, help_text=_("mis. Perbup Tarif No. .../2026"))
    effective_from = forms.DateField(label=_("berlaku mulai"), widget=DATE)
    file = forms.FileField(label=_("berkas CSV/XLSX"), help_text=_("Kolom: kode, uraian, tarif."))


class PaymentBatchForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("PPK"), queryset=Provider.objects.all())
    year = forms.IntegerField(label=_("tahun"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("bulan"), min_value=1, max_value=12)


class PaymentPaidForm(forms.Form):
    order_number = forms.CharField(label=_("nomor surat perintah membayar"), max_length=100)
    order_date = forms.DateField(label=_("tanggal"), widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class BulkClaimForm(forms.Form):
    file = forms.FileField(
        label=_("berkas CSV/XLSX"),
        help_text=_(
            "Satu baris per rincian: nomor_sjp, tanggal_masuk, tanggal_keluar, diagnosis_utama, "
            "diagnosis_sekunder, kode_tarif, jumlah."
        ),
    )
    attachments = MultipleFileField(
        label=_("lampiran (boleh banyak)"),
        required=False,
        help_text=_("Nama berkas: nomor SJP dengan tanda - lalu __jenis, mis. SJP-2026-000123__rincian_biaya.pdf"),
    )

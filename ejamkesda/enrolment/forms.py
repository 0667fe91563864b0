from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ejamkesda.enrolment.held import HeldFile
from ejamkesda.enrolment.models import ApplicationOutcome, DocumentKind
from ejamkesda.enrolment.uploads import DocumentField
from ejamkesda.rules.nik import InvalidNik, parse_nik


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO (yyyy-mm-dd) whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _clean_nik(value: str) -> str:
    try:
        return parse_nik(value).nik
    except InvalidNik as error:
        raise forms.ValidationError(str(error)) from None


class PrecheckForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        min_length=16,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}),
    )
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DateInput)

    def clean_nik(self) -> str:
        return _clean_nik(self.cleaned_data["nik"])

    def clean(self) -> dict:
        data = super().clean() or {}
        nik, birth_date = data.get("nik"), data.get("birth_date")
        if nik and birth_date:
            problems = parse_nik(nik).mismatches(birth_date=birth_date)
            if problems:
                self.add_error("birth_date", "; ".join(problems))
        return data


class ApplicationForm(PrecheckForm):
    kk_number = forms.RegexField(
        label=_("Nomor KK"),
        regex=r"^\d{16}$",
        error_messages={"invalid": _("Nomor KK harus 16 digit angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    address = forms.CharField(label=_("Alamat"), max_length=300)
    phone = forms.RegexField(
        label=_("Telepon/WhatsApp"),
        regex=r"^\+?[0-9 -]{8,20}$",
        required=False,
        error_messages={"invalid": _("Nomor telepon tidak valid.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Surel (opsional, untuk pemberitahuan)"), required=False)
    reason = forms.CharField(label=_("Alasan pengajuan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    doc_ktp = DocumentField(label=_("KTP"))
    doc_kk = DocumentField(label=_("Kartu Keluarga"))
    doc_sktm = DocumentField(label=_("Surat keterangan tidak mampu (SKTM)"), required=False)
    doc_other = DocumentField(label=_("Dokumen lain"), required=False)
    consent = forms.BooleanField(
        label=_("Saya menyatakan data ini benar dan setuju data dipakai untuk verifikasi kepesertaan Jamkesda.")
    )

    DOCUMENT_FIELDS = (
        ("doc_ktp", DocumentKind.KTP),
        ("doc_kk", DocumentKind.KK),
        ("doc_sktm", DocumentKind.SKTM),
        ("doc_other", DocumentKind.OTHER),
    )

    def __init__(self, *args: Any, held: dict[str, HeldFile] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: dict[str, HeldFile] = {}
        self.hold(held or {})

    def hold(self, held: dict[str, HeldFile]) -> None:
        """Documents kept from an earlier try: not required again, and said so by name."""
        self.held = {name: file for name, file in held.items() if name in self.fields}
        for name, file in self.held.items():
            field = self.fields[name]
            field.required = False
            field.help_text = _(
                "Berkas %(name)s sudah tersimpan, tidak perlu dipilih lagi; pilih berkas lain hanya untuk menggantinya."
            ) % {"name": file.name}

    def new_uploads(self) -> list[tuple[str, Any]]:
        """Uploads of this try that passed their checks (to hold when the form has other errors)."""
        data = getattr(self, "cleaned_data", {})
        return [
            (name, data[name])
            for name, _kind in self.DOCUMENT_FIELDS
            if data.get(name) and name not in self.errors and hasattr(data[name], "detected_type")
        ]

    def documents(self) -> list[tuple[str, object]]:
        """The documents to file: this try's uploads, else the held ones."""
        chosen: list[tuple[str, object]] = []
        for name, kind in self.DOCUMENT_FIELDS:
            upload = self.cleaned_data.get(name) or (self.held[name].as_upload() if name in self.held else None)
            if upload:
                chosen.append((kind, upload))
        return chosen


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pelacakan"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ApproveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Keputusan"), choices=ApplicationOutcome.choices, widget=forms.RadioSelect)
    valid_from = forms.DateField(label=_("Berlaku dari"), required=False, widget=DateInput)
    valid_to = forms.DateField(label=_("Berlaku sampai"), required=False, widget=DateInput)
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start: dt.date | None = data.get("valid_from")
        end: dt.date | None = data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Tanggal akhir berlaku harus setelah tanggal mulai."))
        if start and start < timezone.localdate() - dt.timedelta(days=366):
            self.add_error("valid_from", _("Tanggal mulai terlalu jauh ke belakang."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan (dilihat pemohon)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

"""Forms of the coverage pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ejamkesda.coverage.models import FollowUpStatus, PbiProposal, Sector, SectorList, SnapshotKind


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")  # what <input type=month> shows
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> dt.date | None:
        result = super().to_python(value)
        return result.replace(day=1) if result else None


class ComputeForm(forms.Form):
    month = MonthField(label=_("Bulan"))


class _FileUpload(forms.Form):
    """A dated file for the shared import jobs; the job checks the content itself."""

    as_of = forms.DateField(label=_("Tanggal data"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"})
    )
    dry_run = forms.BooleanField(label=_("Uji coba saja (periksa tanpa menyimpan)"), required=False)

    def clean_file(self) -> Any:
        """Size and content checks of the participant upload (one rule for every import)."""
        from ejamkesda.participants.views_import import ParticipantImportForm

        return ParticipantImportForm.clean_file(self)  # type: ignore[arg-type]


class UploadForm(_FileUpload):
    kind = forms.ChoiceField(
        label=_("Jenis data"),
        choices=[(k, label) for k, label in SnapshotKind.choices if k != SnapshotKind.SECTOR],
    )
    field_order = ["kind", "as_of", "file", "dry_run"]


SECTOR_COLUMNS_HELP = _(
    "Kolom: nik, nama, tgl_lahir, jenis_kelamin, tempat_lahir, unit, kode_desa. Baris tanpa NIK yang sah "
    "tetap diterima bila tgl_lahir diisi, lalu dipadankan dengan data kependudukan."
)


class SectorUploadForm(_FileUpload):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = SECTOR_COLUMNS_HELP


class SectorPickUploadForm(SectorUploadForm):
    sector_list: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Daftar sektor"), queryset=None)
    field_order = ["sector_list", "as_of", "file", "dry_run"]

    def __init__(self, *args: Any, lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector_list"].queryset = lists  # type: ignore[attr-defined]


class SectorListForm(forms.ModelForm):
    class Meta:
        model = SectorList
        fields = ["name", "sector", "instruction_point"]

    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status tindak lanjut"), choices=FollowUpStatus.choices)
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class PersonFilterForm(forms.Form):
    # This filter travels by GET, so it must never carry a NIK: digits are refused here
    # and by the browser (pattern), and the log filter masks any 16-digit run anyway.
    q = forms.RegexField(
        label=_("Nama"),
        required=False,
        max_length=100,
        regex=r"^[^0-9]*$",
        error_messages={"invalid": _("Isi nama saja, tanpa angka. NIK dicari lewat menu Peserta.")},
        widget=forms.TextInput(attrs={"pattern": "[^0-9]*", "autocomplete": "off"}),
    )
    rt = forms.CharField(label=_("RT"), required=False, max_length=3)
    rw = forms.CharField(label=_("RW"), required=False, max_length=3)
    status = forms.ChoiceField(
        label=_("Status JKN"),
        required=False,
        choices=[
            ("", _("Semua")),
            ("none", _("Belum terdaftar")),
            ("nonaktif", _("Tidak aktif")),
            ("menunggak", _("Menunggak")),
            ("ditangguhkan", _("Ditangguhkan")),
            ("berakhir", _("Berakhir")),
        ],
    )
    follow = forms.ChoiceField(
        label=_("Tindak lanjut"), required=False, choices=[("", _("Semua")), *FollowUpStatus.choices]
    )


class ProposalDecisionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Ubah menjadi"), choices=PbiProposal.Status.choices)
    reason = forms.CharField(label=_("Alasan"), max_length=300)


class BudgetForm(forms.Form):
    count_pbi = forms.IntegerField(
        label=_("Jiwa PBI JK (kontribusi Pemda, KEDUA 2a)"), min_value=0, required=False, initial=0
    )
    count_pemda = forms.IntegerField(label=_("Jiwa PBPU/BP Pemda kelas 3 (iuran penuh)"), min_value=0)
    count_pbpu = forms.IntegerField(label=_("Jiwa PBPU mandiri kelas 3 (bantuan iuran)"), min_value=0)
    count_bp = forms.IntegerField(label=_("Jiwa BP mandiri kelas 3 (bantuan iuran)"), min_value=0)
    start = MonthField(label=_("Mulai bulan"))
    months = forms.IntegerField(label=_("Jumlah bulan"), min_value=1, max_value=60, initial=12)


class SubsidyForm(forms.Form):
    effective_from = forms.DateField(label=_("Berlaku mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    premium_rupiah = forms.IntegerField(label=_("Iuran kelas 3 (Rp)"), min_value=0)
    participant_rupiah = forms.IntegerField(label=_("Dibayar peserta (Rp)"), min_value=0)
    central_rupiah = forms.IntegerField(label=_("Bantuan iuran Pemerintah Pusat (Rp)"), min_value=0)
    regional_rupiah = forms.IntegerField(label=_("Bantuan iuran Pemda (Rp)"), min_value=0)
    source = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)


class RateForm(forms.Form):
    effective_from = forms.DateField(label=_("Berlaku mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    monthly_rupiah = forms.IntegerField(label=_("Iuran per orang per bulan (Rp)"), min_value=0)
    source = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)


class BillForm(forms.Form):
    month = MonthField(label=_("Bulan tagihan"))
    segment = forms.ChoiceField(
        label=_("Segmen"),
        choices=[
            ("pbpu_bp_pemda", _("PBPU/BP Pemda kelas 3")),
            ("pbi_apbn", _("Kontribusi Pemda untuk iuran PBI JK")),
        ],
        initial="pbpu_bp_pemda",
        required=False,
    )
    billed_amount = forms.IntegerField(label=_("Jumlah tagihan (Rp)"), min_value=0)
    file = forms.FileField(label=_("Daftar peserta yang ditagih (CSV/XLSX, kolom no_kartu)"))
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Tanggal bayar"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("Jumlah (Rp)"), min_value=1)
    reference = forms.CharField(label=_("Nomor bukti/SP2D"), max_length=100, required=False)


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Capaian (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Uraian kemajuan"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Bukti (PDF/gambar)"), required=False)

    def clean_evidence(self) -> Any:
        """Only PDF and pictures, and not larger than ``COVERAGE_EVIDENCE_MAX_MB``: the file is
        kept on the regency's server and handed to other users."""
        from ejamkesda.coverage.conf import EVIDENCE_MAX_BYTES, EVIDENCE_SUFFIXES

        upload = self.cleaned_data.get("evidence")
        if not upload:
            return upload
        suffix = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
        if suffix not in EVIDENCE_SUFFIXES:
            raise forms.ValidationError(
                _("Bukti harus berkas %(kinds)s."), params={"kinds": ", ".join(sorted(EVIDENCE_SUFFIXES)).upper()}
            )
        if upload.size is not None and upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas bukti paling besar %(mb)d MB."), params={"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class TaskEditForm(forms.Form):
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("OPD penanggung jawab"), queryset=None, required=False
    )
    indicator = forms.CharField(label=_("Indikator"), max_length=300, required=False)
    text = forms.CharField(label=_("Tugas"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ejamkesda.accounts.models import Agency

        self.fields["agency"].queryset = Agency.objects.filter(active=True)  # type: ignore[attr-defined]

"""Web upload of a participant file by a UPT admin (docs/impor-data.md): the same importer as
``manage.py import_participants``, run as a background job with visible progress."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import _FOREIGN_SIGNATURES
from ejamkesda.jobs.services import job_create, job_enqueue
from ejamkesda.participants.importing import COLUMNS


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        help_text=_("Baris pertama berisi judul kolom. Kolom wajib: NIK dan NAMA."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )
    source = forms.CharField(
        label=_("Nama sumber data"),
        max_length=100,
        required=False,
        help_text=_("Mis. 'BPJS Desember 2025' atau 'Dukcapil Semester 2'. Dicatat di riwayat peserta."),
    )
    programme = forms.ChoiceField(
        label=_("Program bila kolom PROGRAM kosong"),
        choices=[("jkn", _("JKN")), ("jamkesda", _("Jamkesda"))],
        initial="jkn",
    )
    dry_run = forms.BooleanField(
        label=_("Uji coba saja (periksa tanpa menyimpan)"),
        required=False,
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size == 0:
            raise forms.ValidationError(_("Berkas kosong (0 byte)."))
        if upload.size > limit:
            raise forms.ValidationError(_("Berkas terlalu besar (batas %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
        head = upload.read(8)
        upload.seek(0)
        for signature, message in _FOREIGN_SIGNATURES.items():
            if head.startswith(signature):
                raise forms.ValidationError(message)
        return upload


@role_required(Role.UPT_ADMIN)
def participant_import_upload(request: HttpRequest) -> HttpResponse:
    form = ParticipantImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_create(
                kind="participants",
                upload=upload,
                original_name=upload.name,
                actor=request.user,
                source=form.cleaned_data["source"],
                dry_run=form.cleaned_data["dry_run"],
                options={"default_programme": form.cleaned_data["programme"]},
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            job_enqueue(job=job)
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "participants/import_upload.html", {"form": form, "columns": COLUMNS})

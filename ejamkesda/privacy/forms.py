from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ejamkesda.services.forms import NikField


class SubjectRequestForm(forms.Form):
    """The NIK travels in the POST body only (never in an address or a log line)."""

    nik = NikField(label=_("NIK subjek data"))
    reference = forms.CharField(
        label=_("Nomor surat permintaan"),
        max_length=100,
        help_text=_("Nomor surat atau register permintaan dari subjek data, dicatat di log audit."),
    )

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ejamkesda.complaints.models import ComplaintCategory
from ejamkesda.enrolment.uploads import DocumentField


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=_("Uraian pengaduan"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ceritakan apa yang terjadi, di mana, dan kapan. Jangan menulis NIK di sini."),
    )
    contact_name = forms.CharField(label=_("Nama (opsional)"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Surel (opsional, untuk pemberitahuan)"), required=False)
    contact_phone = forms.RegexField(
        label=_("Telepon/WhatsApp (opsional)"),
        regex=r"^\+?[0-9 -]{8,20}$",
        required=False,
        error_messages={"invalid": _("Nomor telepon tidak valid.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    attachment = DocumentField(label=_("Lampiran (opsional)"), required=False)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pelacakan"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Tugaskan kepada"),
        queryset=None,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from ejamkesda.complaints.selectors import assignable_users

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Jawaban (dilihat pelapor)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )

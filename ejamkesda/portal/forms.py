from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ejamkesda.providers.models import Provider
from ejamkesda.providers.selectors import regency_districts
from ejamkesda.rules.nik import InvalidNik, parse_nik


class AccessibleFormMixin:
    """Links each field to its help text and error messages (aria-describedby, aria-invalid).

    Templates render errors with id ``<field id>_error`` and help with ``<field id>_help``
    (``portal/_fields.html``), so a screen reader announces them with the field.
    """

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.describe_fields()

    def describe_fields(self) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        for name, field in form.fields.items():
            bound = form[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if form.is_bound and name in form.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class NikInput(forms.TextInput):
    """A text input that never writes the typed NIK back into the page."""

    def format_value(self, value: Any) -> str | None:
        return None


class MembershipCheckForm(AccessibleFormMixin, forms.Form):
    nik = forms.CharField(
        label=_("NIK (Nomor Induk Kependudukan)"),
        max_length=32,
        help_text=_("16 angka, tertera di KTP atau Kartu Keluarga."),
        widget=NikInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "16", "spellcheck": "false"}
        ),
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        help_text=_("Sesuai KTP, misalnya 17-08-1985."),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def clean_nik(self) -> str:
        raw = "".join((self.cleaned_data.get("nik") or "").split())
        try:
            return parse_nik(raw).nik
        except InvalidNik as error:
            raise forms.ValidationError(_("NIK tidak valid: %(reason)s."), params={"reason": str(error)}) from None

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal lahir tidak boleh di masa depan."))
        return value


class DirectoryFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Nama faskes"), max_length=100, required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis faskes"), choices=[("", _("Semua jenis")), *Provider.Kind.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("mis. Puskesmas Waru")
        self.fields["kecamatan"].choices = [  # type: ignore[attr-defined]
            ("", _("Semua kecamatan")),
            *((d.code, d.name) for d in regency_districts()),
        ]
        self.describe_fields()

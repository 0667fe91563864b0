from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ejamkesda.participants.models import Programme
from ejamkesda.regions.models import Region


class PersonSearchForm(forms.Form):
    """Sent by POST so that NIK and KK never appear in a URL or an access log."""

    nik = forms.RegexField(
        label=_("NIK"),
        regex=r"^\s*\d{16}\s*$",
        required=False,
        error_messages={"invalid": _("NIK harus 16 digit angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk_number = forms.RegexField(
        label=_("Nomor KK"),
        regex=r"^\s*\d{16}\s*$",
        required=False,
        error_messages={"invalid": _("Nomor KK harus 16 digit angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama (awalan)"), max_length=100, required=False)
    district = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Region.objects.none(), required=False)
    programme = forms.ChoiceField(label=_("Program"), choices=[("", _("Semua")), *Programme.choices], required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: object, regency_code: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        district_field = self.fields["district"]
        assert isinstance(district_field, forms.ModelChoiceField)
        district_field.queryset = Region.objects.filter(parent_id=regency_code, level=3).order_by("name")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not any(data.get(key) for key in ("nik", "kk_number", "name", "district", "programme")):
            raise forms.ValidationError(_("Isi NIK, nomor KK, nama, atau pilih kecamatan."))
        if data.get("name") and len(str(data["name"]).strip()) < 3 and not data.get("district"):
            self.add_error("name", _("Ketik minimal 3 huruf nama, atau pilih kecamatan."))
        return data

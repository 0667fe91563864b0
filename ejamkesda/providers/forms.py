from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ejamkesda.portal.forms import AccessibleFormMixin
from ejamkesda.providers.models import Provider
from ejamkesda.providers.selectors import regency_districts, regency_villages
from ejamkesda.regions.models import Region


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        district = obj.parent.name if obj.parent_id else ""
        return f"{obj.name} — {district}" if district else str(obj.name)


class ProviderForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(label=_("Kode PPK"), max_length=20, help_text=_("Kode faskes BPJS bila ada."))
    name = forms.CharField(label=_("Nama"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=Provider.Kind.choices)
    level = forms.ChoiceField(label=_("Tingkat"), choices=Provider.Level.choices)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    village = VillageChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Kecamatan diisi otomatis dari desa/kelurahan."),
    )
    district = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Isi bila desa/kelurahan tidak dipilih."),
    )
    phone = forms.CharField(label=_("Telepon"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    agreement_number = forms.CharField(label=_("Nomor perjanjian kerja sama"), max_length=100, required=False)
    agreement_from = forms.DateField(
        label=_("Perjanjian berlaku dari"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agreement_to = forms.DateField(
        label=_("Perjanjian berlaku sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A provider outside the regency (e.g. a referral hospital) keeps its own region selectable.
        village = getattr(self.initial.get("village"), "pk", self.initial.get("village"))
        district = getattr(self.initial.get("district"), "pk", self.initial.get("district"))
        villages = Region.objects.filter(
            Q(pk__in=regency_villages().values("pk")) | Q(pk=village or "")
        ).select_related("parent")
        self.fields["village"].queryset = villages.order_by("parent__name", "name")  # type: ignore[attr-defined]
        districts = Region.objects.filter(Q(pk__in=regency_districts().values("pk")) | Q(pk=district or ""))
        self.fields["district"].queryset = districts.order_by("name")  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.describe_fields()

    def clean(self) -> dict[str, Any]:
        """Show the domain rules (``provider_validate``) together with the field errors."""
        from ejamkesda.providers.services import provider_validate

        data = super().clean() or {}
        draft = Provider(**{name: data.get(name) for name in ("kind", "level", "agreement_number")})
        draft.agreement_from = data.get("agreement_from")
        draft.agreement_to = data.get("agreement_to")
        draft.village = data.get("village")
        draft.district = data.get("district")
        try:
            provider_validate(draft)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return data


class ProviderFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Cari nama, kode, alamat"), max_length=100, required=False)
    district = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kind = forms.ChoiceField(label=_("Jenis"), choices=[("", _("Semua jenis")), *Provider.Kind.choices], required=False)
    level = forms.ChoiceField(
        label=_("Tingkat"), choices=[("", _("Semua tingkat")), *Provider.Level.choices], required=False
    )
    active = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Semua")), ("1", _("Aktif")), ("0", _("Tidak aktif"))],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("Semua kecamatan")),
            *((d.code, d.name) for d in regency_districts()),
        ]
        self.describe_fields()

"""The project's form renderer: every field label starts with a capital letter.

Model verbose names are lower case by Django convention ("tanggal masuk"), and a form built
from them would show them so; the label is capitalised where it is shown, in both languages.
"""

from __future__ import annotations

from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.text import capfirst


class CapitalisedBoundField(BoundField):
    def __init__(self, form: Any, field: Any, name: str) -> None:
        super().__init__(form, field, name)
        self.label = capfirst(self.label)


class FormRenderer(DjangoTemplates):
    bound_field_class = CapitalisedBoundField

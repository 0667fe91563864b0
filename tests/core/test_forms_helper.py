from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ejamkesda.core.forms import form_add_errors


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_field_errors_go_to_their_field_others_to_the_top():
    form = _Form({"name": "x"})
    assert form.is_valid()
    form_add_errors(form, ValidationError({"name": ["nama salah"], "provider": ["PPK wajib"]}))
    assert form.errors["name"] == ["nama salah"]
    assert form.non_field_errors() == ["PPK wajib"]


def test_plain_error_goes_to_the_top():
    form = _Form({"name": "x"})
    assert form.is_valid()
    form_add_errors(form, ValidationError("tidak boleh"))
    assert form.non_field_errors() == ["tidak boleh"]

"""Data-subject export for UPT admins (UU 27/2022 Pasal 7), audited."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Person
from ejamkesda.privacy.forms import SubjectRequestForm
from ejamkesda.privacy.subject_access import person_export


@role_required(Role.UPT_ADMIN)
def subject_request(request: HttpRequest) -> HttpResponse:
    form = SubjectRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.filter(nik=form.cleaned_data["nik"]).first()
        if person is None:
            form.add_error("nik", _("Tidak ada data penduduk dengan NIK ini di register."))
        else:
            data = person_export(person=person)
            audit_record(
                action="export",
                obj=person,
                summary=f"ekspor data subjek (permintaan {form.cleaned_data['reference']})",
                changes={"tables": sorted(data["data_terkait"])},
            )
            body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            name = f"data-subjek-{person.pk}-{timezone.localdate():%Y%m%d}.json"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "privacy/subject_request.html", {"form": form})

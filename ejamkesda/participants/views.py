from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.core.policy import PERSON_READER_ROLES, PERSON_SEARCH_ROLES, can_search_persons
from ejamkesda.participants.forms import PersonSearchForm
from ejamkesda.participants.selectors import person_detail as select_person
from ejamkesda.participants.selectors import persons_search

PAGE_SIZE = 25


@role_required(*PERSON_SEARCH_ROLES)
def person_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.POST if request.method == "POST" else None, regency_code=settings.REGENCY_CODE)
    page = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = persons_search(
            user=request.user,
            nik=data["nik"] or "",
            kk_number=data["kk_number"] or "",
            name=data["name"],
            district_code=data["district"].code if data["district"] else "",
            programme=data["programme"],
        )
        # No COUNT(*) over millions of rows: fetch one page and one extra row to know if
        # there is a next page.
        number = data.get("page") or 1
        rows = list(people[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
        shown = rows[:PAGE_SIZE]
        page = {"rows": shown, "number": number, "has_next": len(rows) > PAGE_SIZE}
        # A result list shows people's names and birth dates: it is a view of personal data
        # (docs/arsitektur.md). The entry names the criteria used, never their values (no NIK/KK).
        criteria = [key for key in ("nik", "kk_number", "name", "district", "programme") if data.get(key)]
        audit_record(
            action="view",
            object_type="participants.Person",
            summary=f"pencarian peserta ({', '.join(criteria)}): {len(shown)} hasil, halaman {number}",
            changes={"ids": [person.pk for person in shown]},
        )
    is_htmx = bool(getattr(request, "htmx", False))
    template = "participants/_results.html" if is_htmx and request.method == "POST" else "participants/search.html"
    return render(request, template, {"form": form, "page": page})


@role_required(*PERSON_READER_ROLES)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """UPT: anyone; a PPK operator: the people tied to its provider (core.policy), else 404."""
    person = select_person(user=request.user, person_id=pk)
    audit_record(action="view", obj=person, summary="melihat data peserta")
    history = Paginator(person.history.select_related("actor").order_by("-at", "-id"), 20).get_page(
        request.GET.get("page")
    )
    context = {"person": person, "history": history, "can_search": can_search_persons(request.user)}
    return render(request, "participants/detail.html", context)

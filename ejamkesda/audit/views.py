from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.selectors import audit_entries
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role


@role_required(Role.UPT_ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    actor = request.GET.get("actor", "")[:150]
    entries = audit_entries(action=action, actor=actor)
    page = Paginator(entries.select_related(None), 50).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in (("action", action), ("actor", actor)) if value})
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "actions": AuditLog.Action.choices,
            "action": action,
            "actor": actor,
            "query_string": query,
        },
    )

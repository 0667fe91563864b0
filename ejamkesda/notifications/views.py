"""In-app inbox (kotak masuk) for every logged-in user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ejamkesda.notifications.selectors import notifications_for, unread_count
from ejamkesda.notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    queryset = notifications_for(request.user).only("id", "subject", "body", "link", "created_at", "read_at")
    if request.GET.get("belum") == "1":
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread": unread_count(request.user),
            "only_unread": request.GET.get("belum") == "1",
            "query_string": "belum=1" if request.GET.get("belum") == "1" else "",
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(notification=notification, user=request.user)
    if request.POST.get("buka") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.link or "notifications:inbox")
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def unread_badge(request: HttpRequest) -> HttpResponse:
    """A small fragment with the unread count (for htmx polling)."""
    return render(request, "notifications/_badge.html", {"unread": unread_count(request.user)})

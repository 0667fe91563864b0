"""Web helpers shared by the public forms of enrolment and complaints."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.utils.module_loading import import_string
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from ejamkesda.audit.services import audit_record
from ejamkesda.enrolment import conf


def form_rate(group: str, request: HttpRequest) -> str:
    return conf.form_rate()


def track_rate(group: str, request: HttpRequest) -> str:
    return conf.track_rate()


def nik_rate(group: str, request: HttpRequest) -> str:
    # Same limit as the portal's public membership check (docs/arsitektur.md).
    return str(getattr(settings, "PUBLIC_CHECK_RATE_PER_NIK", "5/h"))


def public_ratelimit(
    rate: Callable[[str, HttpRequest], str], *, per_nik: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit POSTs per client address (and, with ``per_nik``, per NIK posted in the ``nik``
    field, whatever the address: the cache key is a hash, never the NIK itself).
    Over the limit → the portal's 429 page (settings.RATELIMIT_VIEW)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        group = f"{view.__module__}.{view.__name__}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method == "POST":
                limited = is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)
                if not limited and per_nik and request.POST.get("nik"):
                    limited = is_ratelimited(
                        request, group=f"{group}.nik", key="post:nik", rate=nik_rate, method="POST", increment=True
                    )
                if limited:
                    return import_string(settings.RATELIMIT_VIEW)(request, Ratelimited())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def serve_private_file(request: HttpRequest, obj: Any, field_file: Any, content_type: str, name: str) -> Any:
    """Stream a private upload: audit-logged, sandboxed, never sniffed, never cached."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(action="view", obj=obj, summary=f"unduh berkas {name}")
    # Images are shown inline in a sandbox; PDFs are downloaded (browsers refuse to run their PDF
    # viewer inside a sandboxed document, and a downloaded file runs nothing in our origin).
    as_attachment = content_type == "application/pdf"
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=name)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

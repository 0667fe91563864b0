"""Documents held for the retry of the public application form.

When the form comes back with errors (a KTP that is too large, a wrong birth date…), the
documents that passed their checks are not dropped: browsers never refill a file input,
so each good upload is written to ``MEDIA_ROOT/tertahan/`` under a random name (mode
0600, directory 0700, like every private upload) and only the applicant's session knows
that name. The retry uses the held file unless a new one is chosen for that document.

A hold lasts ``ENROLMENT_HOLD_MINUTES`` (default 60). It is deleted when the application
is submitted (:func:`holds_release`), when it expires (read through :func:`holds_for`, or
swept from the folder by :func:`holds_purge_expired`, which every form submission runs),
and when a new file replaces it. Nothing of a hold is ever put in a URL.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from ejamkesda.enrolment import conf
from ejamkesda.enrolment.uploads import FileType, display_name

SESSION_KEY = "enrolment_held"
FOLDER = "tertahan"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_EXTENSIONS = {"pdf", "jpg", "png"}


@dataclass(frozen=True)
class HeldFile:
    field: str
    token: str
    name: str
    extension: str
    content_type: str
    size: int
    expires: float

    @property
    def path(self) -> Path:
        return _folder() / f"{self.token}.{self.extension}"

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.expires, tz=dt.UTC)

    def as_upload(self) -> UploadedFile:
        """The held file as an upload for ``application_submit`` (which checks it again)."""
        return SimpleUploadedFile(self.name, self.path.read_bytes(), content_type=self.content_type)


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def _delete(held: HeldFile) -> None:
    held.path.unlink(missing_ok=True)


def _load(raw: Any, field: str) -> HeldFile | None:
    try:
        held = HeldFile(field=field, **{key: raw[key] for key in HeldFile.__dataclass_fields__ if key != "field"})
    except (KeyError, TypeError):
        return None
    if not _TOKEN.match(str(held.token)) or held.extension not in _EXTENSIONS:
        return None
    return held


def holds_for(*, session: Any) -> dict[str, HeldFile]:
    """The holds of this session still in time and on disk, by form field; expired ones are deleted."""
    stored = session.get(SESSION_KEY) or {}
    now = time.time()
    kept: dict[str, HeldFile] = {}
    for field, raw in stored.items():
        held = _load(raw, field)
        if held is None:
            continue
        if held.expires <= now or not held.path.exists():
            _delete(held)
            continue
        kept[field] = held
    if len(kept) != len(stored):
        _save(session, kept)
    return kept


def _save(session: Any, holds: dict[str, HeldFile]) -> None:
    if holds:
        session[SESSION_KEY] = {
            field: {k: v for k, v in asdict(h).items() if k != "field"} for field, h in holds.items()
        }
    else:
        session.pop(SESSION_KEY, None)


def hold_upload(*, session: Any, field: str, upload: UploadedFile, file_type: FileType) -> HeldFile:
    """Keep one checked upload for the retry (replacing this field's earlier hold)."""
    folder = _folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    held = HeldFile(
        field=field,
        token=secrets.token_hex(16),
        name=display_name(upload),
        extension=file_type.extension,
        content_type=file_type.content_type,
        size=upload.size or 0,
        expires=time.time() + conf.hold_minutes() * 60,
    )
    handle = os.open(held.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        upload.seek(0)
        for chunk in upload.chunks():
            out.write(chunk)
    upload.seek(0)
    holds = holds_for(session=session)
    previous = holds.get(field)
    if previous is not None:
        _delete(previous)
    holds[field] = held
    _save(session, holds)
    return held


def holds_release(*, session: Any) -> None:
    """Delete every hold of this session (the application was submitted, or is not needed)."""
    for held in holds_for(session=session).values():
        _delete(held)
    session.pop(SESSION_KEY, None)


def holds_purge_expired(*, now: float | None = None) -> int:
    """Delete held files older than the hold time, whoever's session they were in."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - conf.hold_minutes() * 60
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed

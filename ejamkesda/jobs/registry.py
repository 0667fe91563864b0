"""Kinds of import the job machinery can run.

Each domain registers its importer once (from its ``AppConfig.ready``)::

    from ejamkesda.jobs.registry import ImportKind, register_import_kind

    register_import_kind(ImportKind(
        key="bpjs_members",
        label=_("Daftar peserta BPJS"),
        factory="ejamkesda.coverage.importing.BpjsImporter",  # dotted path, imported lazily
        roles=frozenset({Role.UPT_ADMIN}),
        upload_url_name="coverage:import_bpjs",  # optional: linked from the job list
    ))

``factory`` is called as ``factory(source=..., actor=..., **job.options)`` and must
return an object following ``ejamkesda.jobs.importing.runner.Importer``. When the job fails
(a bad file or a system error) after the importer was made, the job runner calls the
importer's optional ``abort(message=...)``, so that anything the importer opened can say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: Any  # lazy translation
    factory: str | Callable[..., Any]
    roles: frozenset[str]
    help_text: Any = ""
    upload_url_name: str = ""  # the domain's upload page, linked from the job list

    def make_importer(self, **kwargs: Any) -> Any:
        factory = import_string(self.factory) if isinstance(self.factory, str) else self.factory
        return factory(**kwargs)


_KINDS: dict[str, ImportKind] = {}


def register_import_kind(kind: ImportKind) -> None:
    _KINDS[kind.key] = kind


def get_import_kind(key: str) -> ImportKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"jenis impor tidak dikenal: {key}") from None


def import_kinds() -> list[ImportKind]:
    return list(_KINDS.values())

"""Restore drill: backup → restore into an empty database → the same row counts and checksums.

Runs on the database the suite runs on (SQLite in ``make test``, PostgreSQL in CI's second pass).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pyrage
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ejamkesda.privacy.backup import (
    BackupError,
    create_backup,
    live_checksums,
    restore_backup,
    table_checksums,
)
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def keys(tmp_path):
    identity = pyrage.x25519.Identity.generate()
    identity_file = tmp_path / "kunci.txt"
    identity_file.write_text(f"# uji\n{identity}\n")
    return str(identity.to_public()), identity_file


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    (root / "enrolment" / "2026" / "12").mkdir(parents=True)
    (root / "enrolment" / "2026" / "12" / "ktp.jpg").write_bytes(b"\xff\xd8 bukan foto sungguhan" * 100)
    (root / "catatan.txt").write_text("berkas kedua")
    settings.MEDIA_ROOT = root
    return root


@contextlib.contextmanager
def _empty_target(tmp_path: Path):
    """An empty database of the same vendor, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield tmp_path / "pulih.sqlite3"
        return
    import psycopg

    source = connection.settings_dict
    name = f"{source['NAME']}_pulih"
    params = {
        "host": source.get("HOST") or None,
        "port": source.get("PORT") or None,
        "user": source.get("USER") or None,
        "password": source.get("PASSWORD") or None,
    }
    admin = psycopg.conninfo.make_conninfo(dbname="postgres", **{k: v for k, v in params.items() if v})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**params, "dbname": name}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _target_checksums(target) -> dict[str, str]:
    if isinstance(target, Path):
        with contextlib.closing(sqlite3.connect(target)) as conn:
            return table_checksums(conn.cursor(), "sqlite")
    import psycopg

    conninfo = psycopg.conninfo.make_conninfo(**{k: v for k, v in target.items() if v})
    with psycopg.connect(conninfo) as conn, conn.cursor() as cursor:
        return table_checksums(cursor, "postgresql")


def test_restore_drill_same_rows_checksums_and_files(tmp_path, keys, media):
    recipient, identity_file = keys
    for serial in range(5):
        MembershipFactory(person=PersonFactory(name=f"Warga Uji {serial}"))
    before = live_checksums()

    result = create_backup(out_dir=tmp_path / "cadangan", recipients=[recipient], checksums=True)

    assert result.path.exists() and result.path.stat().st_mode & 0o777 == 0o600
    raw = result.path.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1")
    assert b"Warga Uji" not in raw and b"bukan foto" not in raw  # nothing readable without the key
    assert result.manifest["tables"]["participants_person"] == 5
    assert result.manifest["checksums"] == before

    restored_media = tmp_path / "media-pulih"
    with _empty_target(tmp_path) as target:
        restored = restore_backup(
            archive=result.path, identity_file=identity_file, database=target, media_root=restored_media
        )
        assert restored.tables == result.manifest["tables"]
        assert _target_checksums(target) == before
    assert restored.media_files == 2
    assert (restored_media / "catatan.txt").read_text() == "berkas kedua"
    assert (restored_media / "enrolment/2026/12/ktp.jpg").read_bytes() == (
        media / "enrolment/2026/12/ktp.jpg"
    ).read_bytes()


def test_damaged_archive_is_refused_before_anything_is_written(tmp_path, keys, media):
    recipient, identity_file = keys
    result = create_backup(out_dir=tmp_path / "cadangan", recipients=[recipient])
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    result.path.write_bytes(bytes(data))
    target_media = tmp_path / "media-pulih"
    with _empty_target(tmp_path) as target, pytest.raises(BackupError, match="checksum"):
        restore_backup(archive=result.path, identity_file=identity_file, database=target, media_root=target_media)
    assert not target_media.exists()


def test_wrong_key_cannot_restore(tmp_path, keys, media):
    recipient, _ = keys
    result = create_backup(out_dir=tmp_path / "cadangan", recipients=[recipient], include_media=False)
    other = tmp_path / "kunci-lain.txt"
    other.write_text(str(pyrage.x25519.Identity.generate()))
    with _empty_target(tmp_path) as target, pytest.raises(BackupError, match="kunci privat salah"):
        restore_backup(archive=result.path, identity_file=other, database=target, media_root=None)


def test_restore_refuses_a_database_that_holds_data(tmp_path, keys, media):
    recipient, identity_file = keys
    result = create_backup(out_dir=tmp_path / "cadangan", recipients=[recipient], include_media=False)
    with _empty_target(tmp_path) as target:
        restore_backup(archive=result.path, identity_file=identity_file, database=target, media_root=None)
        with pytest.raises(BackupError, match=r"kosong|sudah berisi"):
            restore_backup(archive=result.path, identity_file=identity_file, database=target, media_root=None)


def test_no_backup_without_a_public_key(tmp_path, settings):
    settings.BACKUP_AGE_RECIPIENTS = []
    with pytest.raises(CommandError, match="kunci publik"):
        call_command("backup_create", "--out", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_commands_round_trip(tmp_path, keys, media, settings, capsys):
    identity_file = tmp_path / "offline" / "kunci.age"
    identity_file.parent.mkdir()
    call_command("backup_keygen", str(identity_file))
    assert identity_file.stat().st_mode & 0o777 == 0o600
    recipient = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    settings.BACKUP_AGE_RECIPIENTS = [recipient]
    PersonFactory()
    call_command("backup_create", "--out", str(tmp_path / "cadangan"))
    archive = next((tmp_path / "cadangan").glob("*.tar.age"))
    with _empty_target(tmp_path) as target:
        if isinstance(target, Path):
            call_command(
                "backup_restore",
                str(archive),
                "--identity",
                str(identity_file),
                "--sqlite-target",
                str(target),
                "--media-root",
                str(tmp_path / "m2"),
            )
        else:
            call_command(
                "backup_restore",
                str(archive),
                "--identity",
                str(identity_file),
                "--dbname",
                target["dbname"],
                "--media-root",
                str(tmp_path / "m2"),
            )
    assert "sama dengan manifes" in capsys.readouterr().out

"""Encrypted, checksummed backups of the database and the uploads, and their restore.

The register holds NIK, KK, health and poverty status: specific personal data (UU 27/2022
tentang Pelindungan Data Pribadi Pasal 4 ayat 2). A backup that leaves the server must be
unreadable without a key that never lives on the server, so the archive is encrypted with age
(X25519, through pyrage) to the public keys in ``BACKUP_AGE_RECIPIENTS``; the matching private
key stays on the data officer's offline machine and is given only to ``backup_restore``.

Archive layout: ``age( tar( manifest.json, database.dump | database.sqlite3, media/… ) )`` and a
``.sha256`` file beside it, so a copy damaged in transit is refused before anything is touched.

- PostgreSQL: ``pg_dump -Fc`` runs on a snapshot exported by this process, and the row counts in
  the manifest are read from that same snapshot, so they match the dump exactly even while the
  system is in use. Restore uses ``pg_restore`` into an empty database.
- SQLite: the sqlite3 online-backup API copies a consistent database file.

Nothing in plain text is left behind: the dump is written to a private (0700) temporary folder
that is removed at the end, and the tar is streamed straight into the encryption.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
from django.conf import settings
from django.db import connection, transaction

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Bahasa Indonesia)."""


@dataclasses.dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    manifest: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: dict[str, int]
    media_files: int


# --------------------------------------------------------------------------- fingerprints


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def list_tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def table_counts(cursor: Any, vendor: str) -> dict[str, int]:
    counts = {}
    for table in list_tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def table_checksums(cursor: Any, vendor: str) -> dict[str, str]:
    """A checksum of every table's rows, independent of the row order and of the database driver
    (PostgreSQL hashes each row's text form on the server; SQLite needs a plain ``sqlite3``
    connection, without Django's type converters). Two databases of the same vendor holding the
    same rows give the same checksums: the restore drill compares them."""
    sums = {}
    for table in list_tables(cursor, vendor):
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) FROM {_quote(table)} t"  # noqa: S608
            )
            sums[table] = cursor.fetchone()[0] or ""
            continue
        digest = hashlib.sha256()
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        for line in sorted(hashlib.sha256(repr(tuple(row)).encode()).hexdigest() for row in cursor.fetchall()):
            digest.update(line.encode())
        sums[table] = digest.hexdigest()
    return sums


def live_checksums() -> dict[str, str]:
    """``table_checksums`` of the default database as it is now."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            return table_checksums(cursor, connection.vendor)
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(":memory:")) as copy:
        connection.connection.backup(copy)
        return table_checksums(copy.cursor(), "sqlite")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


# --------------------------------------------------------------------------- PostgreSQL tools


@contextlib.contextmanager
def _pg_environment(params: dict[str, Any]) -> Iterator[dict[str, str]]:
    """The environment for pg_dump/pg_restore: the password goes through a 0600 PGPASSFILE, never
    on the command line (where ``ps`` would show it)."""
    env = {"PATH": settings.BACKUP_TOOL_PATH, "PGCONNECT_TIMEOUT": "10"}
    with tempfile.TemporaryDirectory(prefix="ejk-pg-") as folder:
        if params.get("password"):
            passfile = Path(folder) / "pgpass"
            fields = [params.get("host") or "*", str(params.get("port") or "*"), "*", params.get("user") or "*"]
            escaped = [value.replace("\\", "\\\\").replace(":", "\\:") for value in fields]
            password = str(params["password"]).replace("\\", "\\\\").replace(":", "\\:")
            passfile.write_text(":".join([*escaped, password]) + "\n")
            passfile.chmod(0o600)
            env["PGPASSFILE"] = str(passfile)
        yield env


def _pg_args(params: dict[str, Any]) -> list[str]:
    args = []
    if params.get("host"):
        args += ["--host", str(params["host"])]
    if params.get("port"):
        args += ["--port", str(params["port"])]
    if params.get("user"):
        args += ["--username", str(params["user"])]
    return [*args, "--no-password"]


def _run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool
    if completed.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} gagal: {completed.stderr.strip()[-2000:]}")


def connection_params(alias_settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "host": alias_settings.get("HOST"),
        "port": alias_settings.get("PORT"),
        "user": alias_settings.get("USER"),
        "password": alias_settings.get("PASSWORD"),
        "dbname": alias_settings.get("NAME"),
    }


# --------------------------------------------------------------------------- backup


def _dump_database(folder: Path, *, checksums: bool) -> tuple[str, dict[str, Any]]:
    """Dump the default database into ``folder``; returns the file name and the manifest part."""
    vendor = connection.vendor
    if vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)
            return target.name, _manifest_part(copy.cursor(), vendor, checksums=checksums)
    if vendor != "postgresql":
        raise BackupError(f"basis data {vendor} tidak didukung")
    target = folder / "database.dump"
    params = connection_params(connection.settings_dict)
    # One snapshot for the dump and the counts: exported by this transaction and held open
    # until pg_dump has finished reading it.
    with transaction.atomic(), connection.cursor() as pg_cursor:
        pg_cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        pg_cursor.execute("SELECT pg_export_snapshot()")
        snapshot = pg_cursor.fetchone()[0]
        with _pg_environment(params) as env:
            command = [settings.BACKUP_PG_DUMP, *_pg_args(params), "--format=custom", "--no-owner"]
            _run([*command, "--no-privileges", f"--snapshot={snapshot}", f"--file={target}", params["dbname"]], env)
        return target.name, _manifest_part(pg_cursor, vendor, checksums=checksums)


def _manifest_part(cursor: Any, vendor: str, *, checksums: bool) -> dict[str, Any]:
    part: dict[str, Any] = {"tables": table_counts(cursor, vendor)}
    if checksums:
        part["checksums"] = table_checksums(cursor, vendor)
    return part


def _write_tar(writer: io.BufferedWriter, members: list[tuple[Path, str]]) -> None:
    with tarfile.open(fileobj=writer, mode="w|") as archive:
        for path, name in members:
            archive.add(path, arcname=name, recursive=False)


def _encrypt_stream(out: Path, recipients: list[Any], produce: Any) -> None:
    """Run ``produce(writer)`` in a thread, piping what it writes straight into age."""
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def _producer() -> None:
        with os.fdopen(write_fd, "wb") as writer:
            try:
                produce(writer)
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

    thread = threading.Thread(target=_producer, name="backup-tar", daemon=True)
    thread.start()
    try:
        with os.fdopen(read_fd, "rb") as reader, out.open("wb") as sink:
            pyrage.encrypt_io(reader, sink, recipients)
    finally:
        thread.join()
    if failure:
        raise failure[0]


def parse_recipients(values: list[str]) -> list[Any]:
    recipients = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            recipients.append(pyrage.x25519.Recipient.from_str(value))
        except pyrage.RecipientError as exc:
            raise BackupError(f"kunci publik age tidak sah: {value[:12]}…") from exc
    if not recipients:
        raise BackupError("Tidak ada kunci publik penerima (BACKUP_AGE_RECIPIENTS): cadangan tidak dibuat.")
    return recipients


def create_backup(
    *, out_dir: Path, recipients: list[str], include_media: bool = True, checksums: bool = False
) -> BackupResult:
    """Write ``ejamkesda-<time>.tar.age`` and its ``.sha256`` into ``out_dir``."""
    keys = parse_recipients(recipients)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"ejamkesda-{stamp}.tar.age"
    partial = out.with_suffix(".age.partial")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ejk-backup-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o700)
        db_name, db_part = _dump_database(folder, checksums=checksums)
        media = {}
        members = [(folder / db_name, db_name)]
        if include_media:
            for path in media_files(media_root):
                relative = path.relative_to(media_root).as_posix()
                media[relative] = _file_sha256(path)
                members.append((path, f"media/{relative}"))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "vendor": connection.vendor,
            "database_file": db_name,
            "database_sha256": _file_sha256(folder / db_name),
            **db_part,
            "media": media,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        members.insert(0, (folder / MANIFEST, MANIFEST))
        try:
            _encrypt_stream(partial, keys, lambda writer: _write_tar(writer, members))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.chmod(0o600)
    partial.replace(out)
    digest = _file_sha256(out)
    checksum_file = out.with_name(out.name + ".sha256")
    checksum_file.write_text(f"{digest}  {out.name}\n")
    checksum_file.chmod(0o600)
    return BackupResult(path=out, sha256=digest, manifest=manifest)


# --------------------------------------------------------------------------- restore


def read_identities(path: Path) -> list[Any]:
    identities = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line))
            except pyrage.IdentityError as exc:
                raise BackupError(f"berkas kunci privat {path.name} tidak sah") from exc
    if not identities:
        raise BackupError(f"berkas kunci privat {path.name} kosong")
    return identities


def verify_checksum(archive: Path) -> None:
    checksum_file = archive.with_name(archive.name + ".sha256")
    if not checksum_file.exists():
        raise BackupError(f"berkas checksum {checksum_file.name} tidak ditemukan")
    expected = checksum_file.read_text().split()[0]
    if _file_sha256(archive) != expected:
        raise BackupError(f"checksum {archive.name} tidak cocok: berkas rusak atau diubah")


def _decrypt_to_folder(archive: Path, identities: list[Any], folder: Path) -> None:
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def _decrypt() -> None:
        with os.fdopen(write_fd, "wb") as writer, archive.open("rb") as source:
            try:
                pyrage.decrypt_io(source, writer, identities)
            except BaseException as exc:
                failure.append(exc)

    thread = threading.Thread(target=_decrypt, name="backup-decrypt", daemon=True)
    thread.start()
    try:
        with os.fdopen(read_fd, "rb") as reader, tarfile.open(fileobj=reader, mode="r|") as tar:
            tar.extractall(folder, filter="data")  # no absolute paths, no links outside, no devices
    except tarfile.TarError as exc:
        thread.join()
        raise BackupError("arsip tidak dapat dibuka: kunci privat salah atau berkas rusak") from (failure or [exc])[0]
    thread.join()
    if failure:
        raise BackupError("arsip tidak dapat didekripsi: kunci privat salah atau berkas rusak") from failure[0]


def _restore_sqlite(source: Path, target: Path) -> dict[str, int]:
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"{target} sudah berisi data: pulihkan ke berkas basis data yang kosong")
    shutil.copyfile(source, target)
    with contextlib.closing(sqlite3.connect(target)) as restored:
        return table_counts(restored.cursor(), "sqlite")


def _restore_postgresql(source: Path, target: dict[str, Any]) -> dict[str, int]:
    import psycopg

    conninfo = psycopg.conninfo.make_conninfo(**{key: value for key, value in target.items() if value})
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
        if list_tables(cursor, "postgresql"):
            raise BackupError(f"basis data {target['dbname']} sudah berisi tabel: pulihkan ke basis data kosong")
    with _pg_environment(target) as env:
        command = [settings.BACKUP_PG_RESTORE, *_pg_args(target), "--no-owner", "--no-privileges"]
        _run([*command, "--exit-on-error", f"--dbname={target['dbname']}", str(source)], env)
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
        return table_counts(cursor, "postgresql")


def restore_backup(
    *,
    archive: Path,
    identity_file: Path,
    database: dict[str, Any] | Path,
    media_root: Path | None,
) -> RestoreResult:
    """Restore ``archive`` into an EMPTY database (a PostgreSQL connection dict with host, port,
    user, password, dbname; or a SQLite file path) and an empty media folder, then check the
    row counts and file checksums against the manifest. Refuses to overwrite anything."""
    verify_checksum(archive)
    identities = read_identities(identity_file)
    if media_root is not None and media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"folder unggahan {media_root} tidak kosong")
    with tempfile.TemporaryDirectory(prefix="ejk-restore-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o700)
        _decrypt_to_folder(archive, identities, folder)
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"format cadangan {manifest.get('format')} tidak dikenal")
        db_file = folder / manifest["database_file"]
        if _file_sha256(db_file) != manifest["database_sha256"]:
            raise BackupError("checksum basis data di dalam arsip tidak cocok")
        if manifest["vendor"] == "sqlite":
            if not isinstance(database, Path):
                raise BackupError("cadangan SQLite hanya dapat dipulihkan ke berkas SQLite")
            tables = _restore_sqlite(db_file, database)
        else:
            if isinstance(database, Path):
                raise BackupError("cadangan PostgreSQL hanya dapat dipulihkan ke PostgreSQL")
            tables = _restore_postgresql(db_file, database)
        if tables != manifest["tables"]:
            expected = manifest["tables"]
            different = sorted(name for name in set(tables) | set(expected) if tables.get(name) != expected.get(name))
            raise BackupError(f"jumlah baris setelah pemulihan berbeda pada tabel: {', '.join(different[:10])}")
        restored_files = 0
        if media_root is not None:
            source_root = folder / "media"
            for relative, expected in manifest["media"].items():
                source = source_root / relative
                if _file_sha256(source) != expected:
                    raise BackupError(f"checksum berkas unggahan {relative} tidak cocok")
                destination = media_root / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
                destination.chmod(0o600)
                restored_files += 1
    return RestoreResult(manifest=manifest, tables=tables, media_files=restored_files)

"""Open an uploaded table safely and stream its rows: the one reader of CSV/XLSX files.

Every CSV or XLSX the system accepts is read here (the import jobs, bulk claims, tariff
tables, attendance, rosters, coverage lists). Limits (``Limits``: bytes, rows, columns,
decompressed size) are checked before parsing: the file size first, then for an XLSX the
zip directory (decompressed size, compression ratio) and the sheet's declared dimension,
so a small XLSX declaring 200,000 rows is refused without reading a row. Rows are
streamed; the row limit is enforced again while reading (a sheet may omit its dimension).

The type is decided by the content, never by the file name: a ``.xlsx`` that is really
a CSV is read as CSV, and a PDF renamed ``.csv`` is refused. Every refusal is an
``ImportFileError`` with a message in Bahasa Indonesia, never a traceback.

Uploads handled inside a web request use ``upload_limits()`` (small); the task worker's
import jobs use ``job_limits()``. See docs/desain-teknis.md, "Pembaca berkas tabel".
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ejamkesda.jobs import conf
from ejamkesda.jobs.importing.base import ImportFileError

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?\"")
_FOREIGN_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "Berkas Excel lama (.xls) tidak didukung. Simpan ulang sebagai .xlsx atau .csv.",
    b"%PDF": "Berkas PDF tidak bisa diimpor. Unggah berkas .csv atau .xlsx.",
    b"\x1f\x8b": "Berkas terkompresi (gzip) tidak didukung. Unggah berkas .csv atau .xlsx.",
    b"Rar!": "Berkas RAR tidak didukung. Unggah berkas .csv atau .xlsx.",
    b"7z\xbc\xaf": "Berkas 7z tidak didukung. Unggah berkas .csv atau .xlsx.",
    b"\x89PNG": "Berkas gambar tidak bisa diimpor. Unggah berkas .csv atau .xlsx.",
    b"\xff\xd8\xff": "Berkas gambar tidak bisa diimpor. Unggah berkas .csv atau .xlsx.",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may hold; checked before parsing (and rows again while streaming)."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_uncompressed: int  # XLSX: bytes of all parts once decompressed
    max_ratio: int  # XLSX: highest compression ratio of one part (zip bombs)


def job_limits() -> Limits:
    """Limits for files read by the task worker (import jobs, commands)."""
    return Limits(
        max_bytes=conf.max_bytes(),
        max_rows=conf.max_rows(),
        max_columns=conf.max_columns(),
        max_uncompressed=conf.xlsx_max_uncompressed(),
        max_ratio=conf.xlsx_max_ratio(),
    )


def upload_limits() -> Limits:
    """Limits for files parsed inside a web request (bulk claims, tariffs, attendance, rosters)."""
    return Limits(
        max_bytes=conf.upload_max_bytes(),
        max_rows=conf.upload_max_rows(),
        max_columns=conf.max_columns(),
        max_uncompressed=conf.upload_max_uncompressed(),
        max_ratio=conf.xlsx_max_ratio(),
    )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@dataclass
class Table:
    """A header and a stream of ``(row_number, cells)``; row numbers as a spreadsheet shows them."""

    kind: str  # "csv" | "xlsx"
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    delimiter: str = ""
    size: int = 0
    expected_rows: int | None = None  # from the XLSX dimension, when declared
    _position: Any = field(default=None, repr=False)  # callable → bytes read so far (CSV)

    def fraction_done(self, rows_read: int) -> float:
        """Best estimate of progress between 0 and 1."""
        if self._position is not None and self.size:
            try:
                return min(1.0, self._position() / self.size)
            except (OSError, ValueError):
                return 0.0
        if self.expected_rows:
            return min(1.0, rows_read / self.expected_rows)
        return 0.0


def detect_kind(path: str | Path) -> str:
    """``"csv"`` or ``"xlsx"`` from the first bytes; anything else is refused."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise ImportFileError("Berkas kosong (0 byte).")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PK"):
        raise ImportFileError("Berkas ZIP ini bukan XLSX yang dapat dibaca.")
    for signature, message in _FOREIGN_SIGNATURES.items():
        if head.startswith(signature):
            raise ImportFileError(message)
    return "csv"


def detect_encoding(path: str | Path) -> str:
    """UTF-8 (with or without BOM) when the whole file is valid UTF-8, else cp1252, else latin-1.

    UTF-16 is accepted only with its BOM. NUL bytes elsewhere mean a binary file.
    """
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        candidates = ["utf-8", "cp1252"]
        decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                raise ImportFileError(
                    "Berkas berisi data biner atau encoding yang tidak dikenali (mis. UTF-16 tanpa BOM). "
                    "Simpan ulang sebagai CSV UTF-8 atau XLSX."
                )
            for name in list(candidates):
                try:
                    decoders[name].decode(chunk)
                except UnicodeDecodeError:
                    candidates.remove(name)
        for name in list(candidates):
            try:
                decoders[name].decode(b"", final=True)
            except UnicodeDecodeError:
                candidates.remove(name)
    return candidates[0] if candidates else "latin-1"


def sniff_delimiter(first_line: str) -> str:
    """The delimiter among ``,`` ``;`` tab ``|`` that occurs most in the header line (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _open_csv(path: Path, limits: Limits) -> Table:
    encoding = detect_encoding(path)
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by the generator
    first_line = handle.readline()
    handle.seek(0)
    delimiter = sniff_delimiter(first_line)
    csv.field_size_limit(1 << 20)
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        handle.close()
        raise ImportFileError(f"Baris judul CSV tidak dapat dibaca: {exc}") from None
    if header is None or _is_blank(header):
        handle.close()
        raise ImportFileError("Berkas tidak berisi baris judul kolom (berkas kosong).")
    if len(header) > limits.max_columns:
        handle.close()
        raise ImportFileError(f"Berkas memiliki {len(header)} kolom; paling banyak {limits.max_columns}.")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if number - 1 > limits.max_rows:
                    raise ImportFileError(f"Berkas melebihi batas {_thousands(limits.max_rows)} baris data.")
                if len(cells) > limits.max_columns:
                    raise ImportFileError(
                        f"Baris {number} memiliki {len(cells)} kolom; paling banyak {limits.max_columns}."
                    )
                if not cells or _is_blank(cells):
                    continue
                yield number, cells
        except csv.Error as exc:
            raise ImportFileError(f"Baris {number + 1} tidak dapat dibaca sebagai CSV: {exc}") from None
        except UnicodeDecodeError:
            raise ImportFileError(f"Encoding teks rusak di sekitar baris {number + 1}.") from None
        finally:
            handle.close()

    buffer: Any = handle.buffer
    return Table(
        kind="csv",
        header=[str(cell) for cell in header],
        rows=rows(),
        encoding=encoding,
        delimiter=delimiter,
        size=path.stat().st_size,
        _position=buffer.tell,
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode():
        number = number * 26 + (ord(char) - 64)
    return number


def check_xlsx(path: str | Path, limits: Limits | None = None) -> int | None:
    """Refuse zip bombs, non-XLSX zips and sheets declaring huge dimensions, before any parsing.

    Returns the declared number of rows of the first sheet when known.
    """
    limits = limits or job_limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError("Berkas XLSX rusak atau bukan XLSX.") from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ImportFileError("Berkas ZIP ini bukan XLSX (tidak ada xl/workbook.xml).")
        if any(info.flag_bits & 0x1 for info in infos):
            raise ImportFileError("Berkas XLSX terenkripsi/berkata sandi. Buka kuncinya lalu simpan ulang.")
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
                raise ImportFileError(
                    "Berkas XLSX ditolak: isinya mengembang tidak wajar saat dibuka (kemungkinan 'zip bomb')."
                )
        if total > limits.max_uncompressed:
            raise ImportFileError(
                f"Berkas XLSX terlalu besar setelah dibuka ({total // (1024 * 1024)} MB; "
                f"batas {limits.max_uncompressed // (1024 * 1024)} MB). Gunakan CSV untuk data sebesar ini."
            )
        sheets = sorted(name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml"))
        if not sheets:
            raise ImportFileError("Berkas XLSX tidak memiliki lembar kerja.")
        expected: int | None = None
        for name in sheets:
            with archive.open(name) as member:
                head = member.read(4096)
            match = _DIMENSION.search(head)
            if not match:
                continue
            last_col, last_row = match.group(3) or match.group(1), match.group(4) or match.group(2)
            columns, rows = _column_number(last_col), int(last_row)
            if columns > limits.max_columns:
                raise ImportFileError(
                    f"Lembar kerja menyatakan {columns} kolom (paling banyak {limits.max_columns}). "
                    "Hapus kolom kosong di kanan atau simpan sebagai CSV."
                )
            if rows > limits.max_rows + 1:
                raise ImportFileError(
                    f"Lembar kerja menyatakan {rows} baris (paling banyak {limits.max_rows}). "
                    "Hapus baris kosong di bawah atau pecah berkasnya."
                )
            if name == sheets[0]:
                expected = rows - 1
    return expected


def _open_xlsx(path: Path, limits: Limits) -> Table:
    expected = check_xlsx(path, limits)
    import openpyxl  # a heavy import, only when needed

    # A file object, not the path: openpyxl judges a path by its extension, we judge by content.
    handle = open(path, "rb")  # noqa: SIM115 - closed with the workbook
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken files
        handle.close()
        raise ImportFileError("Berkas XLSX rusak atau tidak dapat dibaca.") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)

    def close() -> None:
        workbook.close()
        handle.close()

    try:
        header_row = next(iterator, None)
    except Exception:
        close()
        raise ImportFileError("Berkas XLSX rusak atau tidak dapat dibaca.") from None
    header = ["" if cell is None else str(cell) for cell in (header_row or ())]
    while header and not header[-1].strip():
        header.pop()
    if not header:
        close()
        raise ImportFileError("Lembar kerja pertama kosong: tidak ada baris judul kolom.")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 1
        try:
            for values in iterator:
                number += 1
                if number - 1 > limits.max_rows:
                    raise ImportFileError(f"Berkas melebihi batas {_thousands(limits.max_rows)} baris data.")
                cells = list(values[: limits.max_columns])
                if _is_blank(cells):
                    continue
                yield number, cells
        except ImportFileError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
            raise ImportFileError(f"Berkas XLSX rusak di sekitar baris {number}: {type(exc).__name__}.") from None
        finally:
            close()

    return Table(kind="xlsx", header=header, rows=rows(), size=path.stat().st_size, expected_rows=expected)


def open_table(path: str | Path, limits: Limits | None = None) -> Table:
    """Open a CSV or XLSX file (decided by content) for streaming, within ``limits``
    (the task worker's ``job_limits()`` by default)."""
    path = Path(path)
    limits = limits or job_limits()
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ImportFileError(
            f"Berkas terlalu besar ({_thousands(size // 1024)} KB; batas {_thousands(limits.max_bytes // 1024)} KB)."
        )
    kind = detect_kind(path)
    if kind == "xlsx":
        return _open_xlsx(path, limits)
    return _open_csv(path, limits)


@contextmanager
def open_upload(upload: IO[bytes] | Any, limits: Limits | None = None) -> Iterator[Table]:
    """An uploaded file (a Django ``UploadedFile`` or any binary file object) as a ``Table``.

    Within ``upload_limits()`` by default: the size is checked before anything is copied,
    the file is kept on disk only while the ``with`` block runs.
    """
    limits = limits or upload_limits()
    size = getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        raise ImportFileError(
            f"Berkas terlalu besar ({_thousands(size // 1024)} KB; batas {_thousands(limits.max_bytes // 1024)} KB "
            "untuk unggahan langsung). Pecah berkasnya."
        )
    path_of = getattr(upload, "temporary_file_path", None)
    if path_of is not None:
        table = open_table(path_of(), limits)
        try:
            yield table
        finally:
            _close(table)
        return
    with tempfile.NamedTemporaryFile(prefix="unggah-", suffix=".dat") as copy:
        upload.seek(0)
        written = 0
        while chunk := upload.read(CHUNK):
            written += len(chunk)
            if written > limits.max_bytes:
                raise ImportFileError(
                    f"Berkas terlalu besar (batas {_thousands(limits.max_bytes // 1024)} KB untuk unggahan langsung)."
                )
            copy.write(chunk)
        copy.flush()
        table = open_table(copy.name, limits)
        try:
            yield table
        finally:
            _close(table)


def _close(table: Table) -> None:
    close = getattr(table.rows, "close", None)
    if close is not None:
        close()


def lists(table: Table) -> Iterator[list[Any]]:
    """The header, then each non-blank data row, as lists of cells."""
    yield list(table.header)
    for _number, cells in table.rows:
        yield cells


def records(table: Table, normalise: Any = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row_number, {column: value})`` per non-blank data row; ``normalise`` maps header names."""
    header = [normalise(name) if normalise else name for name in table.header]
    for number, cells in table.rows:
        yield number, dict(zip(header, cells, strict=False))


def table_rows(upload: IO[bytes] | Any, limits: Limits | None = None) -> Iterator[list[Any]]:
    """The header, then each non-blank data row, of an uploaded file (``open_upload``).

    A generator: the file is opened, checked and parsed only as the caller consumes it, and
    any refusal (``ImportFileError``) is raised there.
    """
    with open_upload(upload, limits) as table:
        yield from lists(table)

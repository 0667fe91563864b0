"""Slip PDFs (one page per person) and the recap PDF of a run, drawn with reportlab.

Bahasa Indonesia, with the breakdown of every variable, the amount in words (lokal
``terbilang``) and signature blocks (head and treasurer).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lokal.terbilang import terbilang
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from ejamkesda.rules.jaspel import StaffResult, points_repr
from ejamkesda.rules.profile import Profile

VARIABLE_LABELS = {
    "jenis": "Jenis ketenagaan",
    "rangkap": "Rangkap tugas administratif",
    "kehadiran": "Kehadiran",
    "status": "Status kepegawaian",
    "masa_kerja": "Masa kerja",
    "kinerja": "Kinerja (SKP)",
    "program_jkn": "Pemegang program JKN",
}


def rp(value: int) -> str:
    return "Rp " + f"{value:,}".replace(",", ".")


def words(value: int) -> str:
    return terbilang(value, currency=True, case="sentence")


@dataclass
class SlipData:
    provider: str
    period: str
    profile_title: str
    formula: str
    name: str
    employee_no: str
    points: str
    total_points: str
    pool: int
    share: int
    tax: int
    tax_rate: str
    net: int
    variables: dict[str, int] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    formula_needs_check: bool = False
    # Month by month for a run over several months; a draft (not approved) run is watermarked.
    months: list[dict[str, Any]] = field(default_factory=list)
    draft: bool = False

    @classmethod
    def from_result(cls, row: StaffResult, *, provider: str, period: str, profile: Profile, pool: int = 0) -> SlipData:
        return cls(
            provider=provider,
            period=period,
            profile_title=profile.title,
            formula=profile.formula.text,
            name=row.staff.nama,
            employee_no=row.staff.id,
            points=str(points_repr(row.points)),
            total_points="",
            pool=pool,
            share=row.share,
            tax=row.tax,
            tax_rate=str(row.tax_rate),
            net=row.net,
            variables=row.variables,
            explanations=row.explanations,
            formula_needs_check=profile.formula_needs_check,
        )


DRAFT_NOTE = "DRAF — belum disetujui, bukan dasar pembayaran"
MONTH_COLUMNS = (
    ("Bulan", "bulan"),
    ("Jenis", "jenis"),
    ("Rangkap", "rangkap"),
    ("Kehadiran", "kehadiran"),
    ("Status", "status"),
    ("Masa kerja", "masa_kerja"),
    ("Kinerja", "kinerja"),
    ("JKN", "program_jkn"),
    ("Poin", "points"),
)


def watermark(canvas: Canvas, width: float, height: float) -> None:
    """A large grey "DRAF" across the page: a run that is not approved is not for payment."""
    canvas.saveState()
    canvas.setFillGray(0.85)
    canvas.setFont("Helvetica-Bold", 110)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, -40, "DRAF")
    canvas.restoreState()


class _Writer:
    """Lines down an A4 page, wrapped to the width, onto a new page (watermarked when a
    draft) when the page is full: nothing on a slip is ever cut."""

    def __init__(self, canvas: Canvas, draft: bool):
        self.canvas, self.draft = canvas, draft
        self.width, self.height = A4
        self.x = 20 * mm
        self.y = 0.0
        self.new_page(first=True)

    def new_page(self, first: bool = False) -> None:
        if not first:
            self.canvas.showPage()
        if self.draft:
            watermark(self.canvas, self.width, self.height)
            self.canvas.setFont("Helvetica-Bold", 9)
            self.canvas.drawString(self.x, self.height - 12 * mm, DRAFT_NOTE)
        self.y = self.height - 20 * mm

    def room(self, needed: float) -> None:
        if self.y - needed < 20 * mm:
            self.new_page()

    def text(
        self, value: str, *, font: str = "Helvetica", size: float = 9, indent: float = 0, width: float = 170 * mm
    ) -> None:
        for line in simpleSplit(value, font, size, width - indent) or [""]:
            self.room(size * 0.5 * mm)
            self.canvas.setFont(font, size)
            self.canvas.drawString(self.x + indent, self.y, line)
            self.y -= (size * 0.45 + 1) * mm

    def gap(self, millimetres: float) -> None:
        self.y -= millimetres * mm


def _variables(out: _Writer, slip: SlipData) -> None:
    out.text("Rincian poin", font="Helvetica-Bold", size=10)
    for key, label in VARIABLE_LABELS.items():
        out.room(5 * mm)
        out.canvas.setFont("Helvetica", 9)
        out.canvas.drawString(out.x, out.y, label)
        out.canvas.drawRightString(out.x + 58 * mm, out.y, str(slip.variables.get(key, 0)))
        # The explanation is wrapped, never cut.
        out.text(str(slip.explanations.get(key, "")), indent=62 * mm)


def _month_table(out: _Writer, slip: SlipData) -> None:
    out.text("Rincian poin bulan per bulan (dihitung tiap bulan, lalu dijumlahkan)", font="Helvetica-Bold", size=10)
    steps = [0, 22, 40, 60, 82, 100, 122, 140, 158]

    def row(values: list[str], font: str) -> None:
        out.room(5 * mm)
        out.canvas.setFont(font, 8)
        for step, value in zip(steps, values, strict=True):
            out.canvas.drawString(out.x + step * mm, out.y, value)
        out.y -= 4.5 * mm

    row([name for name, _key in MONTH_COLUMNS], "Helvetica-Bold")
    for month in slip.months:
        if not month.get("bekerja", True):
            row([month["bulan"], "tidak bekerja", "", "", "", "", "", "", "0"], "Helvetica")
            continue
        values = month.get("variables", {})
        row(
            [month["bulan"], *[str(values.get(key, 0)) for _name, key in MONTH_COLUMNS[1:-1]], month["points"]],
            "Helvetica",
        )
    row(["Jumlah", "", "", "", "", "", "", "", slip.points], "Helvetica-Bold")
    out.gap(2)
    out.text("Kehadiran tiap bulan:", size=8)
    for month in slip.months:
        if month.get("bekerja", True):
            out.text(f"{month['bulan']}: {month.get('explanations', {}).get('kehadiran', '')}", size=8, indent=4 * mm)


def _slip_page(canvas: Canvas, slip: SlipData) -> None:
    out = _Writer(canvas, slip.draft)
    out.text("SLIP JASA PELAYANAN", font="Helvetica-Bold", size=13)
    out.text(f"{slip.provider} — periode {slip.period}", size=10)
    out.text(f"Dasar: {slip.profile_title}", size=10)
    out.gap(3)
    for label, value in (("Nama", slip.name), ("ID/NIP", slip.employee_no)):
        out.canvas.setFont("Helvetica", 10)
        out.canvas.drawString(out.x, out.y, label)
        out.text(f": {value}", size=10, indent=35 * mm)
    out.gap(3)
    if slip.months:
        _month_table(out, slip)
    else:
        _variables(out, slip)
    out.gap(2)
    out.text(f"Rumus: {slip.formula}")
    if slip.formula_needs_check:
        out.text("(rumus profil daerah: harus dicek dengan peraturan yang ditandatangani)")
    total = f" dari {slip.total_points} poin" if slip.total_points else ""
    out.text(f"Poin Anda: {slip.points}{total}" + (f"; dana {rp(slip.pool)}" if slip.pool else ""))
    out.gap(4)
    for label, value in (
        ("Jasa pelayanan", rp(slip.share)),
        (f"PPh 21 ({slip.tax_rate}%)", "- " + rp(slip.tax)),
        ("Diterima bersih", rp(slip.net)),
    ):
        out.room(6 * mm)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(out.x, out.y, label)
        canvas.drawRightString(out.x + 120 * mm, out.y, value)
        out.gap(6)
    out.text(f"Terbilang: {words(slip.net)}", font="Helvetica-Oblique")
    out.room(45 * mm)
    out.gap(12)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(out.x, out.y, "Bendahara,")
    canvas.drawString(out.x + 100 * mm, out.y, "Penerima,")
    out.gap(20)
    canvas.drawString(out.x, out.y, "(.................................)")
    canvas.drawString(out.x + 100 * mm, out.y, f"({slip.name})")
    canvas.setFont("Helvetica", 7)
    canvas.drawString(
        out.x, 12 * mm, "Pajak mengikuti profil regulasi dan harus dikonfirmasi dengan bagian keuangan daerah."
    )


def render_slips(slips: Iterable[SlipData]) -> bytes:
    """One PDF, one page per slip."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle("Slip jasa pelayanan")
    for slip in slips:
        _slip_page(canvas, slip)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_recap(
    *, title: str, subtitle: list[str], rows: list[dict[str, Any]], totals: dict[str, int], draft: bool = False
) -> bytes:
    """Recap of a run (landscape A4) with signature blocks for the head and the treasurer;
    every page of a draft carries the DRAF mark."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), pageCompression=0)
    canvas.setTitle(title)
    width, height = landscape(A4)
    columns = [
        ("No", 12, "l"),
        ("Nama", 62, "l"),
        ("ID/NIP", 35, "l"),
        ("Poin", 22, "r"),
        ("Jasa pelayanan", 35, "r"),
        ("PPh 21", 28, "r"),
        ("Bersih", 35, "r"),
        ("Rekening", 48, "l"),
    ]

    def header() -> float:
        y = height - 15 * mm
        if draft:
            watermark(canvas, width, height)
            canvas.setFont("Helvetica-Bold", 9)
            canvas.drawString(15 * mm, height - 9 * mm, DRAFT_NOTE)
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(15 * mm, y, title)
        canvas.setFont("Helvetica", 9)
        for line in subtitle:
            y -= 5 * mm
            for part in simpleSplit(line, "Helvetica", 9, width - 30 * mm):
                canvas.drawString(15 * mm, y, part)
                y -= 5 * mm
            y += 5 * mm
        y -= 8 * mm
        canvas.setFont("Helvetica-Bold", 8)
        _row(y, [name for name, _w, _a in columns])
        canvas.setFont("Helvetica", 8)
        return y - 5 * mm

    def _row(y: float, values: list[str]) -> None:
        x = 15 * mm
        for (_name, col_width, align), value in zip(columns, values, strict=True):
            if align == "r":
                canvas.drawRightString(x + col_width * mm - 2 * mm, y, value)
            else:
                canvas.drawString(x, y, value[: int(col_width / 1.8)])
            x += col_width * mm

    y = header()
    for number, row in enumerate(rows, start=1):
        if y < 45 * mm:
            canvas.showPage()
            y = header()
        _row(
            y,
            [
                str(number),
                row["name"],
                row["employee_no"],
                row["points"],
                rp(row["share"]),
                rp(row["tax"]),
                rp(row["net"]),
                f"{row['bank_name']} {row['bank_account']}".strip(),
            ],
        )
        y -= 4.5 * mm
    canvas.setFont("Helvetica-Bold", 8)
    _row(y, ["", "Jumlah", "", "", rp(totals["share"]), rp(totals["tax"]), rp(totals["net"]), ""])
    y -= 6 * mm
    canvas.setFont("Helvetica-Oblique", 8)
    for part in simpleSplit(
        f"Terbilang (jasa pelayanan): {words(totals['share'])}", "Helvetica-Oblique", 8, width - 30 * mm
    ):
        canvas.drawString(15 * mm, y, part)
        y -= 4 * mm
    y -= 12 * mm
    if y < 40 * mm:
        canvas.showPage()
        y = header()
    canvas.setFont("Helvetica", 9)
    canvas.drawString(20 * mm, y, "Mengetahui, Kepala/Direktur")
    canvas.drawString(180 * mm, y, "Bendahara")
    y -= 20 * mm
    canvas.drawString(20 * mm, y, "(.................................)")
    canvas.drawString(180 * mm, y, "(.................................)")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

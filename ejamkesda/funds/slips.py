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
from reportlab.pdfgen.canvas import Canvas

from ejamkesda.core.numbers import rupiah
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
    return rupiah(value, language="id")  # the slip is in Bahasa Indonesia


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


def _slip_page(canvas: Canvas, slip: SlipData) -> None:
    _width, height = A4
    x = 20 * mm
    y = height - 20 * mm
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawString(x, y, "SLIP JASA PELAYANAN")
    canvas.setFont("Helvetica", 10)
    y -= 6 * mm
    canvas.drawString(x, y, f"{slip.provider} — periode {slip.period}")
    y -= 5 * mm
    canvas.drawString(x, y, f"Dasar: {slip.profile_title}"[:110])
    y -= 9 * mm
    for label, value in (("Nama", slip.name), ("ID/NIP", slip.employee_no)):
        canvas.drawString(x, y, label)
        canvas.drawString(x + 35 * mm, y, f": {value}")
        y -= 5 * mm
    y -= 4 * mm
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(x, y, "Rincian poin")
    y -= 6 * mm
    canvas.setFont("Helvetica", 9)
    for key, label in VARIABLE_LABELS.items():
        canvas.drawString(x, y, label)
        canvas.drawRightString(x + 80 * mm, y, str(slip.variables.get(key, 0)))
        canvas.drawString(x + 84 * mm, y, str(slip.explanations.get(key, ""))[:70])
        y -= 5 * mm
    y -= 2 * mm
    canvas.drawString(x, y, f"Rumus: {slip.formula}")
    if slip.formula_needs_check:
        y -= 5 * mm
        canvas.drawString(x, y, "(rumus profil daerah: harus dicek dengan peraturan yang ditandatangani)")
    y -= 5 * mm
    total = f" dari {slip.total_points} poin" if slip.total_points else ""
    canvas.drawString(x, y, f"Poin Anda: {slip.points}{total}" + (f"; dana {rp(slip.pool)}" if slip.pool else ""))
    y -= 10 * mm
    canvas.setFont("Helvetica", 10)
    for label, value in (
        ("Jasa pelayanan", rp(slip.share)),
        (f"PPh 21 ({slip.tax_rate}%)", "- " + rp(slip.tax)),
        ("Diterima bersih", rp(slip.net)),
    ):
        canvas.drawString(x, y, label)
        canvas.drawRightString(x + 120 * mm, y, value)
        y -= 6 * mm
    canvas.setFont("Helvetica-Oblique", 9)
    canvas.drawString(x, y, f"Terbilang: {words(slip.net)}"[:120])
    y -= 18 * mm
    canvas.setFont("Helvetica", 9)
    canvas.drawString(x, y, "Bendahara,")
    canvas.drawString(x + 100 * mm, y, "Penerima,")
    y -= 20 * mm
    canvas.drawString(x, y, "(.................................)")
    canvas.drawString(x + 100 * mm, y, f"({slip.name})"[:45])
    canvas.setFont("Helvetica", 7)
    canvas.drawString(
        x, 12 * mm, "Pajak mengikuti profil regulasi dan harus dikonfirmasi dengan bagian keuangan daerah."
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


def render_recap(*, title: str, subtitle: list[str], rows: list[dict[str, Any]], totals: dict[str, int]) -> bytes:
    """Recap of a run (landscape A4) with signature blocks for the head and the treasurer."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4))
    canvas.setTitle(title)
    _width, height = landscape(A4)
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
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(15 * mm, y, title)
        canvas.setFont("Helvetica", 9)
        for line in subtitle:
            y -= 5 * mm
            canvas.drawString(15 * mm, y, line[:160])
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
    canvas.drawString(15 * mm, y, f"Terbilang (jasa pelayanan): {words(totals['share'])}"[:170])
    y -= 12 * mm
    canvas.setFont("Helvetica", 9)
    canvas.drawString(20 * mm, y, "Mengetahui, Kepala/Direktur")
    canvas.drawString(180 * mm, y, "Bendahara")
    y -= 20 * mm
    canvas.drawString(20 * mm, y, "(.................................)")
    canvas.drawString(180 * mm, y, "(.................................)")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

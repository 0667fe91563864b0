"""PDF documents: the SJP letter with its verification QR code, and report tables."""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.paragraph import Paragraph

from ejamkesda.core.numbers import angka
from ejamkesda.services import icd
from ejamkesda.services.models import Sjp


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code from segno's module matrix as vector squares (no image library needed)."""
    qr = segno.make(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    count = len(matrix) + 8  # 4-module quiet zone on each side
    module = size / count
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (col_index + 4) * module,
                    y + size - (row_index + 5) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def sjp_letter_pdf(sjp: Sjp, *, verify_url: str) -> bytes:
    """The SJP letter; an official letter, so always in Bahasa Indonesia (UU 24/2009 Pasal 27)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"SJP {sjp.number}")
    width, height = A4
    top = height - 25 * mm
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(20 * mm, top, "SURAT JAMINAN PELAYANAN (SJP)")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(20 * mm, top - 6 * mm, "e-Jamkesda — UPT Jaminan Kesehatan Daerah")
    period = f"{sjp.service_from:%d-%m-%Y}" + (f" s.d. {sjp.service_to:%d-%m-%Y}" if sjp.service_to else "")
    rows = [
        ("Nomor", sjp.number or "-"),
        ("Pasien", sjp.person.name),
        ("Nomor kartu/NIK", "(lihat data kepesertaan di PPK)"),
        ("PPK", f"{sjp.provider.name} ({sjp.provider.code})"),
        ("Jenis pelayanan", sjp.get_service_kind_display()),
        ("Diagnosis", f"{sjp.diagnosis_code} {icd.describe(sjp.diagnosis_code)}"[:90]),
        ("PPK perujuk", sjp.referring_provider.name if sjp.referring_provider else "-"),
        ("Tanggal pelayanan", period),
        ("Berlaku sampai", f"{sjp.valid_until:%d-%m-%Y}" if sjp.valid_until else "-"),
        ("Disetujui", f"{sjp.decided_at:%d-%m-%Y %H:%M}" if sjp.decided_at else "-"),
    ]
    y = top - 18 * mm
    for label, value in rows:
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(20 * mm, y, label)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(65 * mm, y, str(value))
        y -= 7 * mm
    qr_size = 40 * mm
    _draw_qr(canvas, verify_url, width - 20 * mm - qr_size, top - 10 * mm - qr_size, qr_size)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(width - 20 * mm - qr_size, top - 14 * mm - qr_size, "Pindai untuk memeriksa keabsahan")
    canvas.drawString(20 * mm, 20 * mm, f"Verifikasi: {verify_url}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def table_pdf(title: str, sections: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """A landscape A4 report: one titled table per section (header row + rows)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, leftMargin=15 * mm, rightMargin=15 * mm)
    styles = getSampleStyleSheet()
    story: list[object] = [Paragraph(title, styles["Title"])]
    for heading, header, rows in sections:
        story.append(Paragraph(heading, styles["Heading2"]))
        data = [list(header)] + [[_cell(value) for value in row] for row in rows]
        if not rows:
            data.append([_("(tidak ada data)")] + [""] * (len(header) - 1))
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                    ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6f8")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
    document.build(story)  # type: ignore[arg-type]
    return buffer.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return angka(value)
    return str(value)

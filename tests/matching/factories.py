"""Small contract frames for matching tests."""

from __future__ import annotations

import random

import polars as pl

from ejamkesda.matching.io import COLUMNS


def person(id: str, **kw: str) -> dict[str, str]:
    base = {
        "id": id,
        "nik": "",
        "nama": "Budi Santoso",
        "jenis_kelamin": "L",
        "tgl_lahir": "1980-03-02",
        "tempat_lahir": "Tegal",
        "alamat": "Jl. Mawar No. 3",
        "rt": "1",
        "rw": "2",
        "kode_desa": "33.28.01.2001",
    }
    base.update(kw)
    return base


def frame(rows: list[dict[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String))


FIRST = ["Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lestari"]
LAST = ["Santoso", "Wibowo", "Rahayu", "Susanti", "Pratama", "Saputra", "Hidayat", "Nugroho", "Wulandari", "Kurniawan"]


def population(n: int = 240, *, prefix: str = "A") -> list[dict[str, str]]:
    """n distinct people (deterministic), each with a valid NIK of Kabupaten Tegal."""
    rows = []
    for i in range(n):
        female = i % 2 == 1
        day, month, year = 1 + i % 28, 1 + (i // 28) % 12, 1950 + i % 60
        district = 1 + i % 18
        nik = f"3328{district:02d}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{1 + i // 500:04d}"
        rows.append(
            person(
                f"{prefix}{i}",
                nik=nik,
                nama=f"{FIRST[i % len(FIRST)]} {FIRST[(i // 7) % len(FIRST)]} {LAST[(i // 3) % len(LAST)]}",
                jenis_kelamin="P" if female else "L",
                tgl_lahir=f"{year}-{month:02d}-{day:02d}",
                alamat=f"Jl. Melati No. {i}",
                rt=str(1 + i % 9),
                rw=str(1 + i % 5),
                kode_desa=f"33.28.{district:02d}.{2001 + i % 7}",
            )
        )
    return rows


def corrupted(rows: list[dict[str, str]], *, seed: int = 0, prefix: str = "B") -> list[dict[str, str]]:
    """A membership-like copy of ``rows`` with the errors the engine must survive: NIKs missing
    or mistyped, titles and old spellings, day and month swapped, moved, a few strangers."""
    rng = random.Random(seed)
    out = []
    for i, row in enumerate(rows):
        r = dict(row, id=f"{prefix}{i}")
        x = rng.random()
        if x < 0.15:
            r["nik"] = ""
        elif x < 0.25:
            k = rng.randrange(12)
            r["nik"] = r["nik"][:k] + str((int(r["nik"][k]) + 1) % 10) + r["nik"][k + 1 :]
        if rng.random() < 0.3:
            title, degree = rng.choice(["H. ", "Hj. ", "Dr. ", ""]), rng.choice(["", ", S.Pd"])
            r["nama"] = title + r["nama"].replace("u", "oe", 1) + degree
        y, m, d = r["tgl_lahir"].split("-")
        if rng.random() < 0.1 and int(d) <= 12 and d != m:
            r["tgl_lahir"] = f"{y}-{d}-{m}"
        if rng.random() < 0.1:
            r.update(kode_desa="33.28.09.2009", alamat=f"Jl. Baru {rng.randrange(99)}", rt="", rw="")
        if rng.random() < 0.05:  # someone else: not in the register
            r.update(nik="", nama=rng.choice(["Yohanes Situmorang", "Wayan Sudarma"]), tgl_lahir="1999-09-09")
        out.append(r)
    return out

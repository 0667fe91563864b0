"""Benchmark of the matching engine (pemadanan, docs/pemadanan.md).

Builds a synthetic population register (left) and a corrupted membership list (right) from
faker ``id_ID`` vocabularies, runs the engine in a child process (so its time and peak memory
are its own), and reports precision, recall and F1 against the truth, next to the exact-NIK
join as a baseline.

    .venv/bin/python benchmarks/matching.py                 # 100,000 × 100,000
    .venv/bin/python benchmarks/matching.py --n 1000000     # 1,000,000 × 1,000,000
    .venv/bin/python benchmarks/matching.py --n 20000 --keep /tmp/bench   # keep the CSVs
    .venv/bin/python benchmarks/matching.py --data /tmp/bench             # rerun on the kept CSVs

Peak memory is the engine's own (Linux VmHWM of the child process, see ``_memory_mb``); each
progress line on stderr shows the resident memory and CPU time at the end of that stage.

The corruption of the membership list (rates per right record, independent):

* not in the register: 8 % of the list are other people (also 0.5 % duplicated rows);
* NIK: missing 5 %, one digit mistyped 3 %, two neighbouring digits swapped 1 %, serial
  mistyped 0.5 %, the NIK of another member of the household 0.3 %;
* name: 35 % spelled differently — titles and degrees added or dropped, Muhammad spellings,
  old spelling (oe/dj/tj/ch), doubled letters, words joined or split, a middle name
  shortened to its initial, the last word dropped, a typing error (6 %);
* birth date: day and month swapped 2.5 %, one part wrong 1.5 %, missing 1 %;
* sex missing 2 %, wrong 0.5 %; birth place missing 10 %, misspelled 5 %;
* moved (another village, address, RT/RW) 10 %, address missing 5 %.

The register has households (shared address and often a family name) and twins (same birth
date and household, NIKs differing only in the serial) — the hard cases.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REGENCY = "33.28"  # Kabupaten Tegal (Instruksi Bupati Tegal 379/2022)
DISTRICTS = 18


def _vocab() -> dict[str, np.ndarray]:
    from faker.providers.address.id_ID import Provider as Address
    from faker.providers.person.id_ID import Provider as Person

    return {
        "male": np.array(sorted(set(Person.first_names_male))),
        "female": np.array(sorted(set(Person.first_names_female))),
        "last": np.array(sorted(set(Person.last_names))),
        "streets": np.array(sorted(set(Address.streets))),
        "cities": np.array(sorted(set(Address.cities))),
        "prefixes": np.array(["Dr.", "H.", "Hj.", "Ir.", "Drs."]),
        "degrees": np.array(["S.Pd", "S.Kom", "S.E.", "A.Md.Kep", "S.H.", "M.Si", "S.Sos", "S.T."]),
    }


def _villages(rng: np.random.Generator) -> np.ndarray:
    codes = []
    for d in range(1, DISTRICTS + 1):
        for v in range(1, int(rng.integers(14, 26)) + 1):
            codes.append(f"{REGENCY}.{d:02d}.{2000 + v}")
    return np.array(codes)


def make_people(n: int, rng: np.random.Generator, vocab: dict[str, np.ndarray], villages: np.ndarray) -> pl.DataFrame:
    """n people in households; returns the true attributes (no corruption)."""
    sizes = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.12, 0.2, 0.25, 0.25, 0.12, 0.06])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    hh = np.repeat(np.arange(len(sizes)), sizes)[:n]
    n_hh = len(sizes)
    hh_village = rng.choice(villages, n_hh)
    hh_street = rng.choice(vocab["streets"], n_hh)
    hh_no = rng.integers(1, 200, n_hh)
    hh_rt = rng.integers(1, 16, n_hh)
    hh_rw = rng.integers(1, 9, n_hh)
    hh_family = np.where(rng.random(n_hh) < 0.5, rng.choice(vocab["last"], n_hh), "")

    female = rng.random(n) < 0.5
    first = np.where(female, rng.choice(vocab["female"], n), rng.choice(vocab["male"], n))
    middle_pool = np.where(female, rng.choice(vocab["female"], n), rng.choice(vocab["male"], n))
    shape = rng.random(n)
    middle = np.where(shape < 0.35, middle_pool, "")
    last = np.where(shape < 0.75, np.where(hh_family[hh] != "", hh_family[hh], rng.choice(vocab["last"], n)), "")
    religious = rng.random(n)
    lead = np.where(~female & (religious < 0.12), "Muhammad", np.where(female & (religious < 0.1), "Siti", ""))
    name = (
        pl.DataFrame({"a": lead, "b": first, "c": middle, "d": last})
        .select(pl.concat_str([pl.col(c).replace("", None) for c in "abcd"], separator=" ", ignore_nulls=True))
        .to_series()
    )

    age_days = rng.integers(0, 90 * 365, n)
    dob = (np.datetime64("2025-06-30") - age_days.astype("timedelta64[D]")).astype("datetime64[D]")
    # twins: 1.5 % of people share birth date with the previous member of their household
    twin = np.zeros(n, dtype=bool)
    twin[1:] = (rng.random(n - 1) < 0.015) & (hh[1:] == hh[:-1])
    for i in np.flatnonzero(twin):
        dob[i] = dob[i - 1]
    place = np.where(rng.random(n) < 0.7, "Tegal", rng.choice(vocab["cities"], n))

    frame = pl.DataFrame(
        {
            "hh": hh,
            "female": female,
            "nama": name,
            "dob": dob,
            "tempat_lahir": place,
            "kode_desa": hh_village[hh],
            "alamat": pl.Series([f"Jl. {s} No. {k}" for s, k in zip(hh_street, hh_no, strict=True)])[hh],
            "rt": hh_rt[hh],
            "rw": hh_rw[hh],
        }
    )
    # NIK: district of the household, DDMMYY (+40 for women), serial per district and birth date
    day = pl.col("dob").dt.day() + pl.when(pl.col("female")).then(40).otherwise(0)
    frame = frame.with_columns(
        district=pl.col("kode_desa").str.slice(0, 8).str.replace_all(".", "", literal=True),
        dd=day.cast(pl.String).str.zfill(2),
        mmyy=pl.col("dob").dt.strftime("%m%y"),
    )
    frame = frame.with_columns(
        serial=(pl.int_range(pl.len()).over(["district", "dd", "mmyy"]) + 1).cast(pl.String).str.zfill(4)
    )
    return frame.with_columns(
        nik=pl.concat_str("district", "dd", "mmyy", "serial"),
        jenis_kelamin=pl.when(pl.col("female")).then(pl.lit("P")).otherwise(pl.lit("L")),
        tgl_lahir=pl.col("dob").dt.strftime("%Y-%m-%d"),
    ).drop("district", "dd", "mmyy", "serial", "female")


_OLD = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("Kh", "Ch"), ("kh", "ch"), ("y", "j"))
_MUHAMMAD = ("M.", "Moh.", "Muhamad", "Mohammad", "Mochamad", "Muh.", "Mhd.")


def _vary_name(name: str, rng: np.random.Generator, vocab: dict[str, np.ndarray]) -> str:
    kind = int(rng.integers(0, 10))
    words = name.split()
    if kind == 0:
        return f"{rng.choice(vocab['prefixes'])} {name}"
    if kind == 1:
        return f"{name}, {rng.choice(vocab['degrees'])}"
    if kind == 2 and words[0] == "Muhammad":
        return " ".join([str(rng.choice(_MUHAMMAD)), *words[1:]])
    if kind == 2 or kind == 3:
        for old_, new_ in _OLD:
            if old_ in name:
                return name.replace(old_, new_, 1)
    if kind == 4:
        vowels = [i for i, ch in enumerate(name) if ch in "aiueo"]
        if vowels:
            i = int(rng.choice(vowels))
            return name[:i] + name[i] + name[i:]
    if kind == 5 and len(words) >= 2:
        i = int(rng.integers(0, len(words) - 1))
        return " ".join([*words[:i], words[i] + words[i + 1].lower(), *words[i + 2 :]])
    if kind == 6 and len(words) >= 3:
        return " ".join([words[0], words[1][0] + ".", *words[2:]])
    if kind == 7 and len(words) >= 3:
        return " ".join(words[:-1])
    if kind >= 8 and len(name) > 4:  # a typing error: substitution, deletion or insertion
        i = int(rng.integers(1, len(name) - 1))
        letter = chr(int(rng.integers(97, 123)))
        op = int(rng.integers(0, 3))
        if op == 0:
            return name[:i] + letter + name[i + 1 :]
        if op == 1:
            return name[:i] + name[i + 1 :]
        return name[:i] + letter + name[i:]
    return name.upper() if kind % 2 else name.lower()


def _typo_digit(nik: str, rng: np.random.Generator, *, serial: bool = False) -> str:
    i = int(rng.integers(12, 16)) if serial else int(rng.integers(0, 12))
    digit = str((int(nik[i]) + int(rng.integers(1, 10))) % 10)
    return nik[:i] + digit + nik[i + 1 :]


def _transpose(nik: str, rng: np.random.Generator) -> str:
    for _ in range(5):
        i = int(rng.integers(0, 11))
        if nik[i] != nik[i + 1]:
            return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    return _typo_digit(nik, rng)


def corrupt(people: pl.DataFrame, rng: np.random.Generator, vocab, villages) -> pl.DataFrame:
    rows = people.to_dicts()
    hh_first_nik: dict[int, str] = {}
    for r in rows:
        hh_first_nik.setdefault(r["hh"], r["nik"])
    out = []
    for r in rows:
        r = dict(r)
        x = rng.random(12)
        nik = r["nik"]
        if x[0] < 0.05:
            nik = ""
        elif x[0] < 0.08:
            nik = _typo_digit(nik, rng)
        elif x[0] < 0.09:
            nik = _transpose(nik, rng)
        elif x[0] < 0.095:
            nik = _typo_digit(nik, rng, serial=True)
        elif x[0] < 0.098 and hh_first_nik[r["hh"]] != nik:
            nik = hh_first_nik[r["hh"]]
        r["nik"] = nik
        if x[1] < 0.35:
            r["nama"] = _vary_name(r["nama"], rng, vocab)
            if x[2] < 0.1:
                r["nama"] = _vary_name(r["nama"], rng, vocab)
        y, m, d = r["tgl_lahir"].split("-")
        if x[3] < 0.025 and int(d) <= 12 and d != m:
            r["tgl_lahir"] = f"{y}-{d}-{m}"
        elif x[3] < 0.04:
            part = int(rng.integers(0, 3))
            if part == 0:
                y = str(int(y) + int(rng.choice([-1, 1])))
            elif part == 1:
                m = f"{(int(m) % 12) + 1:02d}"
            else:
                d = f"{max(1, (int(d) + int(rng.choice([-1, 1]))) % 29):02d}"
            r["tgl_lahir"] = f"{y}-{m}-{d}"
        elif x[3] < 0.05:
            r["tgl_lahir"] = ""
        if x[4] < 0.02:
            r["jenis_kelamin"] = ""
        elif x[4] < 0.025:
            r["jenis_kelamin"] = "L" if r["jenis_kelamin"] == "P" else "P"
        if x[5] < 0.10:
            r["tempat_lahir"] = ""
        elif x[5] < 0.15:
            r["tempat_lahir"] = r["tempat_lahir"].upper().replace("E", "I", 1)
        if x[6] < 0.10:
            r["kode_desa"] = str(rng.choice(villages))
            r["alamat"] = f"Jl. {rng.choice(vocab['streets'])} No. {int(rng.integers(1, 200))}"
            r["rt"], r["rw"] = int(rng.integers(1, 16)), int(rng.integers(1, 9))
        elif x[6] < 0.15:
            r["alamat"] = ""
        if x[7] < 0.3:
            r["rt"] = f"{int(r['rt']):03d}"
        out.append(r)
    return pl.DataFrame(out, schema=people.schema)


def build(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(left, right, truth) with truth columns right_id, left_id (null: not in the register)."""
    rng = np.random.default_rng(seed)
    vocab = _vocab()
    villages = _villages(rng)
    n_outside = int(n * 0.08)
    people = make_people(n + n_outside, rng, vocab, villages)
    # people not in the register are drawn from the same households (newborns, newcomers):
    # their relatives are in the register — the hard case for precision
    outside = rng.permutation(n + n_outside)[:n_outside]
    people = people.with_columns(outside=pl.int_range(pl.len()).is_in(pl.Series(outside).implode()))
    people = people.sort("outside").with_columns(pid=pl.int_range(pl.len()))
    in_register = people.head(n)
    left = in_register.with_columns(id=pl.format("A{}", pl.col("pid")))
    # the membership list: people of the register (92 %), others, and a few duplicated rows
    members = in_register.sample(fraction=0.92, seed=seed)
    outsiders = people.tail(n_outside)
    listed = pl.concat([members, outsiders])
    listed = pl.concat([listed, listed.sample(fraction=0.005, seed=seed + 1)])
    listed = listed.sample(fraction=1.0, shuffle=True, seed=seed + 2)
    right = corrupt(listed, rng, vocab, villages).with_columns(id=pl.format("B{}", pl.int_range(pl.len())))
    truth = right.select(
        pl.col("id").alias("right_id"),
        pl.when(pl.col("pid") < n).then(pl.format("A{}", pl.col("pid"))).otherwise(None).alias("left_id"),
    )
    cols = ["id", "nik", "nama", "jenis_kelamin", "tgl_lahir", "tempat_lahir", "alamat", "rt", "rw", "kode_desa"]
    return left.select(cols), right.select(cols), truth


def evaluate(predicted: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Precision, recall, F1 of the right_id → left_id links."""
    joined = truth.join(predicted.select("right_id", pl.col("left_id").alias("pred")), on="right_id", how="left")
    tp = joined.filter(pl.col("pred").is_not_null() & (pl.col("pred") == pl.col("left_id"))).height
    fp = joined.filter(
        pl.col("pred").is_not_null() & ((pl.col("pred") != pl.col("left_id")) | pl.col("left_id").is_null())
    ).height
    fn = joined.filter(
        pl.col("left_id").is_not_null() & (pl.col("pred").is_null() | (pl.col("pred") != pl.col("left_id")))
    ).height
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def _memory_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB.

    The peak is Linux's VmHWM, the high-water mark of this process's own address space. Not
    ``getrusage().ru_maxrss``: Linux carries the parent's peak over a fork + exec into the
    child's ru_maxrss, so a child started by this script after it built a million-row data
    set (≈ 2.4 GB) reported the parent's peak, not its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):  # not Linux: ru_maxrss (KB on Linux, bytes on macOS)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_mb = peak / 1024 / (1024 if sys.platform == "darwin" else 1)
        return peak_mb, peak_mb


def _stage(line: str) -> None:
    rss, peak = _memory_mb()
    print(f"[RSS {rss:,.0f} MB, peak {peak:,.0f} MB, CPU {time.process_time():.1f} s] {line}", file=sys.stderr)


def _child(left: str, right: str, out: str, threshold: float) -> None:
    """Runs in the child process: read, match, write; print time and peak memory as JSON."""
    from ejamkesda.matching import read_contract_csv, run_matching, write_matches_csv

    t0 = time.perf_counter()
    # the raw frames are passed without keeping a reference, so the engine can free them
    result = run_matching(read_contract_csv(left), read_contract_csv(right), threshold=threshold, progress=_stage)
    t2 = time.perf_counter()
    write_matches_csv(result.matches.filter(pl.col("score") >= threshold), out)
    t3 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = _memory_mb()[1]
    cpu_s = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {
                "match_s": t2 - t0,
                "write_s": t3 - t2,
                "total_s": t3 - t0,
                "peak_mb": peak_mb,
                "cpu_s": cpu_s,
            }
        )
    )
    print("\n".join(result.model.describe()), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="records in the register (default 100,000)")
    parser.add_argument("--million", action="store_true", help="shortcut for --n 1000000")
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--keep", type=Path, help="directory to keep left.csv, right.csv, truth.csv, out.csv")
    parser.add_argument("--data", type=Path, help="reuse left.csv, right.csv, truth.csv kept by an earlier --keep")
    parser.add_argument("--child", nargs=4, metavar=("LEFT", "RIGHT", "OUT", "T"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.child[2], float(args.child[3]))
        return
    from ejamkesda.matching import DEFAULT_THRESHOLD

    n = 1_000_000 if args.million else args.n
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    workdir = args.data or args.keep or Path(tempfile.mkdtemp(prefix="ejk-match-"))
    workdir.mkdir(parents=True, exist_ok=True)
    paths = {k: workdir / f"{k}.csv" for k in ("left", "right", "truth", "out")}
    t = time.perf_counter()
    if args.data:
        right, truth = (pl.read_csv(paths[k], infer_schema=False) for k in ("right", "truth"))
        print(f"data: {right.height:,} rows on the right, reused from {workdir}")
    else:
        left, right, truth = build(n, args.seed)
        left.write_csv(paths["left"])
        right.write_csv(paths["right"])
        truth.write_csv(paths["truth"])
        print(f"data: {left.height:,} × {right.height:,} rows built in {time.perf_counter() - t:.1f} s → {workdir}")
        del left

    baseline = right.filter(pl.col("nik").is_not_null()).join(
        pl.read_csv(paths["left"], infer_schema=False).select(pl.col("id").alias("left_id"), "nik"), on="nik"
    )
    base = evaluate(baseline.select(pl.col("id").alias("right_id"), "left_id").unique("right_id"), truth)
    cmd = [
        sys.executable,
        __file__,
        "--child",
        str(paths["left"]),
        str(paths["right"]),
        str(paths["out"]),
        str(threshold),
    ]
    load_before = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    sys.stderr.write(proc.stderr)
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    predicted = pl.read_csv(paths["out"], infer_schema=False)
    quality = evaluate(predicted, truth)
    print(f"exact NIK join  : precision {base['precision']:.4f} recall {base['recall']:.4f} F1 {base['f1']:.4f}")
    print(
        f"engine (T={threshold}): precision {quality['precision']:.4f} recall {quality['recall']:.4f} "
        f"F1 {quality['f1']:.4f} (tp {quality['tp']:,}, fp {quality['fp']:,}, fn {quality['fn']:,})"
    )
    print(
        f"time: read + match {run['match_s']:.1f} s + write {run['write_s']:.1f} s "
        f"= {run['total_s']:.1f} s; CPU time {run['cpu_s']:.1f} s; peak memory (VmHWM) {run['peak_mb']:.0f} MB; "
        f"cores {os.cpu_count()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    if not (args.keep or args.data):
        for p in paths.values():
            p.unlink(missing_ok=True)
        workdir.rmdir()


if __name__ == "__main__":
    main()

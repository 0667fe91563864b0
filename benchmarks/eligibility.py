"""Benchmark of ``POST /api/v1/eligibility`` and the public membership check (docs/integrasi-api.md).

1. Loads N people (default 2,000,000; ``--people``) into PostgreSQL with ``COPY`` through
   psycopg, plus memberships (about 85% JKN, 5% Jamkesda, the rest none) generated in SQL.
   A database that already holds N people is reused (``--reload`` forces a fresh load).
2. Serves the app with the production server, granian (``--server gunicorn`` for the old
   one), 2 workers, production settings (EJAMKESDA_ENV=production with the variables
   production requires), on 127.0.0.1.
3. Drives the endpoint with ``wrk`` (``apt-get install -y wrk``) and a Lua script that
   sends a different real NIK on every request; falls back to a small Python thread client
   when wrk is missing. Authentication (Bearer token) is included in every request.
4. Prints requests/s, p50, p99 and errors; then the same for the public check page
   (``POST /cek-kepesertaan/`` with NIK + birth date and CSRF token; rate limits off).
   Each line also gives the CPU time spent per request by the server processes, the
   PostgreSQL backends and wrk, and the load average: on a busy machine the requests/s
   are noisy, the CPU per request much less (2 cores ÷ CPU per request ≈ the ceiling).
5. Checks the audit log: every eligibility answer has its entry (the server is stopped
   first, so the entries still queued in its processes are written, as at any restart).

    .venv/bin/python benchmarks/eligibility.py                        # 2,000,000 people
    .venv/bin/python benchmarks/eligibility.py --people 200000 --duration 10

Target on the 2-core reference machine: ≥ 2,000 requests/s, p99 ≤ 25 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from loadgen import (  # benchmarks/loadgen.py, next to this script
    cpu_seconds,
    database_backends,
    machine_busy_seconds,
    process_tree,
    public_page_session,
    run_threads,
    run_wrk,
)

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ejk_api_bench"
FIRST_NAMES = ("SITI", "AHMAD", "BUDI", "DEWI", "RINA", "AGUS", "SRI", "HENDRA", "NUR", "YUSUF", "PUTRI", "RUDI")
LAST_NAMES = ("AMINAH", "SANTOSO", "WIJAYA", "LESTARI", "HIDAYAT", "SAPUTRA", "RAHAYU", "KURNIAWAN", "SARI")


def log(message: str) -> None:
    print(message, flush=True)


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"database {name} created")


def nik_for(i: int) -> tuple[str, dt.date, str]:
    """A valid, unique NIK for person number i (district 64.09.01–04)."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=i % 20000)
    serial = i // 20000 + 1
    sex = "P" if i % 2 else "L"
    day = birth.day + (40 if sex == "P" else 0)
    district = f"6409{(i % 4) + 1:02d}"
    return f"{district}{day:02d}{birth:%m%y}{serial:04d}", birth, sex


def load_people(url: str, n: int, reload: bool) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        count = conn.execute("SELECT count(*) FROM participants_person").fetchone()[0]
        if count == n and not reload:
            log(f"reusing {count:,} people already loaded")
            return
        log(f"loading {n:,} people with COPY …")
        started = time.monotonic()
        conn.execute("TRUNCATE participants_person, participants_membership, participants_participanthistory CASCADE")
        now = dt.datetime.now(dt.UTC).isoformat()
        rng = random.Random(42)
        columns = (
            "nik, kk_number, name, name_key, sex, birth_place, birth_date, address, rt, rw, phone, deceased, "
            "created_at, updated_at"
        )
        with conn.cursor() as cur, cur.copy(f"COPY participants_person ({columns}) FROM STDIN") as copy:
            chunk: list[str] = []
            for i in range(n):
                nik, birth, sex = nik_for(i)
                name = f"{FIRST_NAMES[rng.randrange(12)]} {LAST_NAMES[rng.randrange(9)]}"
                chunk.append(
                    f"{nik}\t{nik[:10]}{i % 1_000_000:06d}\t{name}\t{name}\t{sex}\tPenajam\t{birth}\t"
                    f"Jl. Uji {i % 500}\t001\t002\t\tf\t{now}\t{now}\n"
                )
                if len(chunk) == 20_000:
                    copy.write("".join(chunk))
                    chunk.clear()
            if chunk:
                copy.write("".join(chunk))
        log(f"  people: {time.monotonic() - started:.1f}s")
        conn.execute(
            """
            INSERT INTO participants_membership (person_id, programme, segment, card_number, care_class, status,
                valid_from, valid_to, first_level_provider_code, source, source_date, created_at, updated_at)
            SELECT id,
                   CASE WHEN id % 20 = 0 THEN 'jamkesda' ELSE 'jkn' END,
                   CASE WHEN id % 20 = 0 THEN ''
                        ELSE (ARRAY['pbi_apbn','pbpu_bp_pemda','ppu','pbpu','bp'])[id % 5 + 1] END,
                   lpad(id::text, 13, '0'), id % 3 + 1,
                   CASE WHEN id % 10 = 7 THEN 'nonaktif' ELSE 'aktif' END,
                   DATE '2020-01-01', NULL, '', 'benchmark', DATE '2025-01-01', now(), now()
            FROM participants_person WHERE id % 100 < 90
            """
        )
        conn.execute("ANALYZE participants_person")
        conn.execute("ANALYZE participants_membership")
        conn.commit()
        log(f"  people + memberships: {time.monotonic() - started:.1f}s")


def sample_people(url: str, k: int) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT nik, birth_date FROM participants_person TABLESAMPLE SYSTEM (1) LIMIT %s", (k,)
        ).fetchall()
        if len(rows) < k:
            rows = conn.execute(
                "SELECT nik, birth_date FROM participants_person ORDER BY random() LIMIT %s", (k,)
            ).fetchall()
    return [(nik, birth.isoformat()) for nik, birth in rows]


def server_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        EJAMKESDA_ENV="production",
        SECRET_KEY="benchmark-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=url,
        DB_CONN_MAX_AGE="600",
        RATELIMIT_ENABLE="0",
        AXES_ENABLED="0",
        LOG_LEVEL="WARNING",
        EJAMKESDA_VAR_DIR=str(Path(tempfile.gettempdir()) / "ejk_api_bench_var"),
        API_TOKEN_CACHE_SECONDS="30",  # noqa: S106 - seconds, not a secret
        # The per-token limiter runs, with a limit the load generator never reaches.
        API_RATE_ELIGIBILITY="1000000/s",
    )
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else ""


def make_token(env: dict[str, str]) -> str:
    code = (
        "from ejamkesda.accounts.models import User\n"
        "from ejamkesda.providers.models import Provider\n"
        "p, _ = Provider.objects.get_or_create(code='BENCH01', defaults={'name': 'RS Benchmark', "
        "'kind': 'rumah_sakit', 'level': 'FKRTL'})\n"
        "u, _ = User.objects.get_or_create(username='bench_simrs', defaults={'role': 'ppk_operator', 'provider': p})\n"
    )
    manage(env, "shell", "-c", code)
    return manage(env, "api_token_create", "--user", "bench_simrs", "--name", "benchmark", capture=True).strip()


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited (port in use?)")
        try:
            urllib.request.urlopen(f"{base}/fhir/metadata", timeout=1).read()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit("server did not start")


def measured(run: Any, server_pid: int, url: str) -> dict[str, float]:
    """Run one scenario; add the CPU per request of the server, PostgreSQL and the client.

    Also how many cores the rest of the machine kept busy meanwhile: the figures of a run
    with ``other cores`` well above 0 are not those of a quiet machine.
    """
    servers, backends = process_tree(server_pid), database_backends(url)
    load = os.getloadavg()[0]
    server_before, db_before = cpu_seconds(servers), cpu_seconds(backends)
    busy_before, wall_before = machine_busy_seconds()
    result = run()
    busy_after, wall_after = machine_busy_seconds()
    requests = max(1, int(result["requests"]))
    server, db = cpu_seconds(servers) - server_before, cpu_seconds(backends) - db_before
    ours = server + db + result.get("client_cpu", 0.0)
    result["load"] = load
    result["others_cores"] = max(0.0, (busy_after - busy_before) - ours) / (wall_after - wall_before)
    result["server_us"] = server / requests * 1e6
    result["db_us"] = db / requests * 1e6
    result["client_us"] = result.get("client_cpu", 0.0) / requests * 1e6
    return result


def report(label: str, result: dict[str, float]) -> None:
    log(
        f"{label}: {result['rps']:,.0f} requests/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"errors {int(result['errors'])} of {int(result['requests']):,}"
    )
    if "server_us" in result:
        total = result["server_us"] + result["db_us"] + result["client_us"]
        log(
            f"  CPU per request: server {result['server_us']:.0f} µs, PostgreSQL {result['db_us']:.0f} µs, "
            f"load generator {result['client_us']:.0f} µs = {total:.0f} µs "
            f"(2 cores ÷ that ≈ {2e6 / total:,.0f} requests/s); load average at start {result['load']:.2f}, "
            f"other processes kept {result['others_cores']:.2f} cores busy"
        )


def audit_entries(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM audit_auditlog WHERE actor_label = 'bench_simrs' AND action = 'view' "
            "AND object_type = 'participants.Person'"
        ).fetchone()
    return int(row[0]) if row else 0


def server_command(args: argparse.Namespace) -> list[str]:
    bind = ["--host", "127.0.0.1", "--port", str(args.port)]
    if args.server == "granian":
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            str(args.workers),
            "--blocking-threads",
            str(args.server_threads),
            "--http",
            "1",
            "--no-ws",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            *bind,
            "ejamkesda.wsgi:application",
        ]
    return [
        str(BIN / "gunicorn"),
        "ejamkesda.wsgi",
        "--workers",
        str(args.workers),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--server-threads", type=int, default=2, help="granian threads per worker")
    parser.add_argument("--port", type=int, default=0, help="0 = a free port")
    parser.add_argument("--reload", action="store_true", help="reload the people even if present")
    parser.add_argument("--skip-public", action="store_true")
    args = parser.parse_args()

    ensure_database(args.database_url)
    env = server_env(args.database_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    load_people(args.database_url, args.people, args.reload)
    token = make_token(env)
    people = sample_people(args.database_url, 20_000)
    today = dt.date.today().isoformat()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as api_bodies:
        for nik, _birth in people:
            api_bodies.write(json.dumps({"nik": nik, "date": today}) + "\n")
    log(f"{len(people):,} distinct NIKs in the request mix")

    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{args.port}"
    audit_before = audit_entries(args.database_url)
    answered = 0
    server = subprocess.Popen(server_command(args), cwd=ROOT, env=env)
    try:
        wait_ready(base, server)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        use_wrk = shutil.which("wrk") is not None
        log(
            f"load generator: {'wrk' if use_wrk else 'python threads'}, {args.connections} connections, "
            f"{args.duration}s, {args.server} {args.workers} workers"
            + (f" × {args.server_threads} threads" if args.server == "granian" else "")
        )
        # Warm-up: connections, token cache, prepared statements.
        warm = argparse.Namespace(**{**vars(args), "duration": 3})
        if use_wrk:
            warmed = run_wrk(base, "/api/v1/eligibility", api_bodies.name, headers, warm, "/api/v1/eligibility")
            answered += int(warmed["requests"] - warmed["errors"])
            result = measured(
                lambda: run_wrk(base, "/api/v1/eligibility", api_bodies.name, headers, args, "/api/v1/eligibility"),
                server.pid,
                args.database_url,
            )
        else:
            bodies = Path(api_bodies.name).read_text().splitlines()
            result = measured(
                lambda: run_threads(base, "/api/v1/eligibility", bodies, headers, args), server.pid, args.database_url
            )
        answered += int(result["requests"] - result["errors"])
        report(f"POST /api/v1/eligibility ({args.people:,} people)", result)

        if not args.skip_public:
            page_path = "/cek-kepesertaan/"
            cookie, csrf = public_page_session(base)
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as page_bodies:
                for nik, birth in people:
                    page_bodies.write(f"csrfmiddlewaretoken={csrf}&nik={nik}&birth_date={birth}\n")
            page_headers = {
                "Cookie": f"csrftoken={cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{base}{page_path}",
            }
            if use_wrk:
                run_wrk(base, page_path, page_bodies.name, page_headers, warm, page_path)
                page = measured(
                    lambda: run_wrk(base, page_path, page_bodies.name, page_headers, args, page_path),
                    server.pid,
                    args.database_url,
                )
            else:
                bodies = Path(page_bodies.name).read_text().splitlines()
                page = measured(
                    lambda: run_threads(base, page_path, bodies, page_headers, args), server.pid, args.database_url
                )
            report(f"POST {page_path} (public page)", page)
    finally:
        server.terminate()
        server.wait(timeout=30)
    written = audit_entries(args.database_url) - audit_before
    verdict = "every answer audited" if written >= answered else f"MISSING {answered - written:,}"
    log(f"audit log: {written:,} eligibility entries for {answered:,} answered API requests ({verdict})")
    if written < answered:
        raise SystemExit(1)


if __name__ == "__main__":
    sys.exit(main())

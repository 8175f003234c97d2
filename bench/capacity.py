"""Capacity: how many citizens an hour one server holds on a Monday morning (bench/monday.py).

    .venv/bin/python bench/capacity.py                       # this tree, label "current"
    .venv/bin/python bench/capacity.py --checkout /tmp/before --label before
    .venv/bin/python bench/capacity.py --postgres --instances 2   # a city (docs/scaling.md)

Serves the tree (this one, or --checkout DIR) as `make run` does: gunicorn, 2 workers, the
same flags, on 127.0.0.1, with SQLite in a throwaway instance folder (TTHC_INSTANCE_PATH)
filled by `flask db upgrade`, `flask demo load` and `flask demo rush --tickets 0` (reception
accounts for the bench officers), TTHC_DEMO=1. Then it runs the Monday scenario headless with
locust at a changing arrival rate of citizens, each step on the same server: the rate is held
when, after the warm-up, p95 of all requests is ≤ 300 ms and nothing failed. It steps by
--factor (up while steps hold, down while they fail) until the verdict changes, then bisects
while the time budget allows, and stops by itself (--budget-minutes, 8 by default, the whole
search). Locust shares the machine's CPU with the server: the result is a lower bound.
The scenario is always this tree's bench/monday.py, so that two commits are measured alike.

--postgres serves from a throwaway PostgreSQL cluster (or --database-url, an empty database)
instead of SQLite; --instances N starts N such gunicorns on one shared instance folder (the
shared uploads of a city), with Redis for Flask-Limiter's counts and nginx spreading the
requests over them round robin on one address (bench/city.py).

It writes the result under its label into docs/benchmarks.json ("capacity") and the
Capacity section of docs/benchmarks.md of THIS tree (--no-write: print only).
The exit status is 1 when nothing could be measured (the server did not start…), else 0.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import city

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "bench" / "monday.py"
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent  # the virtualenv's bin/
HOST = "127.0.0.1"  # the only host this ever sends traffic to
P95_BUDGET_MS = 300
GOAL_WARDS = 126  # every ward and commune service point of Hà Nội (domain.md)
WARD_PEAK_PER_HOUR = 60  # keep equal to bench/monday.py (read from there at run time too)
BENCH_OFFICERS = 12  # reception accounts demo-quay-01…12 for the bench officers
# Limits meant for one address per phone or kiosk: on loopback every bench citizen is the
# same address, so they are raised for the run (documented in bench/README.md).
RAISED_LIMITS = {
    "TTHC_DRAFT_RATE_LIMIT": "1000000 per hour",
    "TTHC_TICKET_RATE_LIMIT": "1000000 per minute",
    "TTHC_LOGIN_RATE_LIMIT": "1000000 per minute",
    "TTHC_LOOKUP_RATE_LIMIT": "1000000 per minute",
    # One phone per bench citizen would take one number a day; on loopback they share one
    # session per locust user, and the bench runs at any hour, office open or not.
    "TTHC_TICKETS_PER_PHONE_PER_DAY": "0",
    "TTHC_QUEUE_OPENING_HOURS": "0",
}
# As `make run` serves it (Makefile: run).
GUNICORN_FLAGS = ["--workers", "2", "--access-logfile", "-", "--access-logformat",
                  '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms']


class CannotMeasure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(args, env, cwd, what):
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CannotMeasure(f"{what} failed ({' '.join(map(str, args))}):\n"
                            f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return proc.stdout


def prepare_tree(tree: Path, env) -> None:
    """What `make setup` generates and git does not keep: compiled catalogues, .br/.gz."""
    if not list(tree.glob("tthc/translations/*/LC_MESSAGES/messages.mo")):
        run([BIN / "pybabel", "compile", "-d", "tthc/translations"], env, tree,
            "compiling the translations")
    if not list(tree.glob("static/**/*.br")):
        run([BIN / "python", "-m", "whitenoise.compress", "-q", "static"], env, tree,
            "compressing the static files")


def app_env(tree: Path, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith(("TTHC_", "MONDAY_"))}
    env.update(RAISED_LIMITS)
    env.update(PYTHONPATH=str(tree), FLASK_APP="wsgi", TTHC_DEMO="1", TTHC_PLAIN_HTTP="1",
               TTHC_INSTANCE_PATH=str(instance), SECRET_KEY="capacity-bench-only")
    return env


def healthy(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def serve(tree: Path, env, log_path: Path, extra=()):
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([BIN / "gunicorn", *GUNICORN_FLAGS, *extra,
                                 "--bind", f"{HOST}:{port}", "wsgi:app"], cwd=tree, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if healthy(port):
            return proc, port
        time.sleep(0.3)
    stop(proc)
    raise CannotMeasure(f"gunicorn did not answer /healthz:\n{log_path.read_text()[-3000:]}")


def stop(proc) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass


def step(rate: float, port: int, officers: list[str], tmp: Path, args) -> dict:
    """One locust run at *rate* citizens an hour: the scenario's summary and a verdict."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TTHC_", "MONDAY_"))}
    result = tmp / f"step-{int(rate)}.json"
    env.update(MONDAY_RATE=str(rate), MONDAY_OFFICERS=",".join(officers),
               MONDAY_SCREEN_ACCOUNT="tiepnhan", MONDAY_RESULT=str(result),
               MONDAY_WARMUP_SECONDS=str(args.warmup))
    users = int(run([BIN / "python", SCENARIO], env, tmp, "counting the bench users").strip())
    seconds = args.warmup + args.measure
    cmd = [BIN / "locust", "-f", SCENARIO, "--headless", "--host", f"http://{HOST}:{port}",
           "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{int(round(seconds))}s",
           "--stop-timeout", "3", "--only-summary", "--loglevel", "ERROR",
           "--exit-code-on-error", "0"]
    print(f"  {rate:>7,.0f} citizens/h: {users} bench users, {seconds:g} s …", end="",
          flush=True)
    proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True,
                          timeout=seconds + 120)
    if not result.exists():
        raise CannotMeasure(f"locust wrote no summary (exit {proc.returncode}):\n"
                            f"{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    summary = json.loads(result.read_text())
    problems = []
    if not summary["requests"]:
        problems.append("no requests after the warm-up")
    if summary["failures"] or summary["errors"] or summary["exceptions"]:
        problems.append(f"{summary['failures']} failed requests"
                        + (f", {len(summary['exceptions'])} kinds of exceptions"
                           if summary["exceptions"] else ""))
    if summary["p95_ms"] is not None and summary["p95_ms"] > P95_BUDGET_MS:
        problems.append(f"p95 {summary['p95_ms']:.0f} ms > {P95_BUDGET_MS} ms")
    summary["problems"] = problems
    summary["held"] = not problems
    print(f" {summary['requests_per_s']:,.0f} req/s, p95 {summary['p95_ms'] or 0:.0f} ms, "
          f"{summary['failures']} failures: {'held' if not problems else '; '.join(problems)}",
          flush=True)
    for line in (summary["errors"] + summary["exceptions"])[:5]:
        print(f"      {line[:200]}", flush=True)
    return summary


def search(port, officers, tmp, args) -> list[dict]:
    """From --start, step the rate up by --factor while steps hold (down while they fail),
    then bisect between the highest held and the lowest failed; all within the budget."""
    started = time.monotonic()
    step_cost = args.warmup + args.measure + 10
    budget = args.budget_minutes * 60

    def time_left():
        return budget - (time.monotonic() - started) >= step_cost

    steps = []
    if args.rates:
        for rate in (float(r) for r in args.rates.split(",")):
            if not time_left():
                break
            steps.append(step(rate, port, officers, tmp, args))
        return steps
    rate = args.start
    while time_left():
        steps.append(step(rate, port, officers, tmp, args))
        held = steps[-1]["held"]
        if held != steps[0]["held"] or (not held and rate <= args.floor):
            break  # the first change of verdict brackets the capacity
        rate = rate * args.factor if held else rate / args.factor
    for _ in range(args.bisect):
        held = [s["rate_per_hour"] for s in steps if s["held"]]
        failed = [s["rate_per_hour"] for s in steps if not s["held"]]
        if not held or not failed or not time_left():
            break
        low, high = max(held), min(failed)
        if high / low < 1.08:
            break
        steps.append(step((low * high) ** 0.5, port, officers, tmp, args))
    return steps


def measure(tree: Path, label: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="tthc-capacity-"))
    instance = tmp / "instance"  # one for all instances: the shared uploads of a city
    instance.mkdir()
    stoppers = []  # what was started, stopped in reverse order
    try:
        env = app_env(tree, instance)
        prepare_tree(tree, env)
        database = "SQLite (WAL)"
        if args.postgres or args.database_url:
            url = args.database_url
            if not url:
                url, stop_db = city.start_postgres()
                stoppers.append(stop_db)
            env["DATABASE_URL"] = url
            database = "PostgreSQL" + ("" if args.database_url else " (throwaway cluster, "
                                        "fsync off)")
        if args.instances > 1:  # counts shared by every instance, as a city must
            redis_url, stop_redis = city.start_redis(tmp)
            stoppers.append(stop_redis)
            env["TTHC_RATELIMIT_STORAGE_URI"] = redis_url
        flask = BIN / "flask"
        print(f"Preparing {tree} ({label}): db upgrade, demo load, demo rush …", flush=True)
        run([flask, "db", "upgrade"], env, tree, "flask db upgrade")
        run([flask, "demo", "load"], env, tree, "flask demo load")
        try:
            run([flask, "demo", "rush", "--officers", str(BENCH_OFFICERS), "--tickets", "0"],
                env, tree, "flask demo rush")
            officers = [f"demo-quay-{n:02d}" for n in range(1, BENCH_OFFICERS + 1)]
        except CannotMeasure as exc:  # a tree without `demo rush`: one officer
            print(f"  (no demo rush: one bench officer, tiepnhan) {exc}".splitlines()[0])
            officers = ["tiepnhan"]
        commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "?"
        logs = [tmp / (f"gunicorn-{n}.log" if args.instances > 1 else "gunicorn.log")
                for n in range(1, args.instances + 1)]
        ports = []
        for log_path in logs:
            # gunicorn's control socket is one path per user by default: one each.
            extra = ("--control-socket", str(log_path.with_suffix(".ctl")))
            server, server_port = serve(tree, env, log_path,
                                        extra if args.instances > 1 else ())
            stoppers.append(lambda server=server: stop(server))
            ports.append(server_port)
        port = ports[0]
        if args.instances > 1:
            port, stop_balancer = city.start_balancer(tmp / "nginx", ports)
            stoppers.append(stop_balancer)
        load_avg = os.getloadavg()[0]
        print(f"{describe(args, database)} on {HOST}:{port}, commit {commit}; "
              f"load average {load_avg:.2f}", flush=True)
        steps = search(port, officers, tmp, args)
        server_errors = 0
        for log_path in logs:
            log = log_path.read_text(errors="replace")
            server_errors += log.count("Traceback") + log.count('" 500 ')
    except city.Missing as exc:
        raise CannotMeasure(str(exc)) from None
    finally:
        for stop_one in reversed(stoppers):
            stop_one()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"Kept {tmp}")
    held = [s for s in steps if s["held"]]
    best = max(held, key=lambda s: s["rate_per_hour"], default=None)
    rate = best["rate_per_hour"] if best else 0.0
    return {
        "label": label, "tree": str(tree), "commit": commit,
        "date_utc": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M:%S UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   f"load average {load_avg:.2f} at start",
        "server": describe(args, database) + ", 127.0.0.1; locust on the same machine",
        "budget": f"p95 ≤ {P95_BUDGET_MS} ms, no failed request",
        "warmup_s": args.warmup, "measure_s": args.measure,
        "ward_peak_per_hour": WARD_PEAK_PER_HOUR,
        "highest_rate_held_per_hour": rate,
        "wards_at_peak": rate / WARD_PEAK_PER_HOUR,
        "goal_wards": GOAL_WARDS,
        "goal_met": rate / WARD_PEAK_PER_HOUR >= GOAL_WARDS,
        "server_errors_in_log": server_errors,
        "steps": steps,
    }


def describe(args, database: str) -> str:
    if args.instances == 1:
        return f"gunicorn --workers 2 (as make run), {database}"
    return (f"{args.instances} gunicorn instances of 2 workers behind nginx (round robin), "
            f"{database}, Redis for the rate-limit counts")


# --- report ------------------------------------------------------------------------------

MARK_BEGIN, MARK_END = "<!-- capacity: bench/capacity.py -->", "<!-- /capacity -->"


def render(capacity: dict) -> str:
    """The Capacity section of docs/benchmarks.md, from benchmarks.json's "capacity"."""
    lines = [MARK_BEGIN, "## Capacity: a Monday morning (locust, `bench/monday.py`)", "",
             f"Citizens an hour one server holds with p95 ≤ {P95_BUDGET_MS} ms and no failed "
             f"request, and the wards that makes at {WARD_PEAK_PER_HOUR} citizens an hour each "
             f"(the assumed Monday peak of a ward; goal: all {GOAL_WARDS} wards of Hà Nội). "
             "Each step sends a ward's whole load per "
             f"{WARD_PEAK_PER_HOUR} citizens an hour: citizens (catalogue, a pre-filed draft "
             "with its live checks, a ticket polled until called), officers (call next, open, "
             "check, receive) and screens (boards, counter panels). Assumptions: the top of "
             "`bench/monday.py`.", ""]
    if not capacity:
        lines += ["Not measured yet: `make bench`, or `bench/capacity.py`.", "", MARK_END]
        return "\n".join(lines)
    lines += ["| Run | Commit | Date | Highest rate held | Wards at peak | Goal "
              f"({GOAL_WARDS}) | Machine |", "|---|---|---|---:|---:|---|---|"]
    for label, r in capacity.items():
        lines.append(f"| {label} | `{r['commit']}` | {r['date_utc']} "
                     f"| {r['highest_rate_held_per_hour']:,.0f} /h "
                     f"| {r['wards_at_peak']:.0f} | {'met' if r['goal_met'] else 'not met'} "
                     f"| {r['machine']} |")
    for label, r in capacity.items():
        lines += ["", f"Steps of **{label}** (warm-up {r['warmup_s']:g} s, then "
                  f"{r['measure_s']:g} s measured):", "",
                  "| Citizens/h | Wards | Bench users (citizens, officers, screens) | req/s "
                  "| Median | p95 | Failed | Result |",
                  "|---:|---:|---|---:|---:|---:|---:|---|"]
        for s in r["steps"]:
            u = s["users"]
            lines.append(
                f"| {s['rate_per_hour']:,.0f} | {s['wards']:.1f} "
                f"| {u['citizens']}, {u['officers']}, {u['screens']} "
                f"| {s['requests_per_s']:,.0f} | {s['median_ms'] or 0:.0f} ms "
                f"| {s['p95_ms'] or 0:.0f} ms | {s['failures']} "
                f"| {'held' if s['held'] else '; '.join(s['problems'])} |")
        checks = {d: n for s in r["steps"] for d, n in s.get("live_checks_per_citizen",
                                                               {}).items()}
        if checks:
            lines += ["", "Live checks per citizen, from the debounce its draft page says: "
                      + ", ".join(f"{n} at {d} ms" for d, n in checks.items()) + "."]
        slowest = sorted((e for e in r["steps"][-1]["endpoints"] if e["p95_ms"]),
                         key=lambda e: -e["p95_ms"])[:5]
        if slowest:
            lines += ["", "Slowest requests in the last step (p95): " + ", ".join(
                f"`{e['name']}` {e['p95_ms']:.0f} ms" for e in slowest) + "."]
    lines += ["", MARK_END]
    return "\n".join(lines)


def write(result: dict) -> None:
    path_json, path_md = DOCS / "benchmarks.json", DOCS / "benchmarks.md"
    data = json.loads(path_json.read_text()) if path_json.exists() else {}
    data.setdefault("capacity", {})[result["label"]] = result
    path_json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    text = path_md.read_text() if path_md.exists() else "# Benchmarks\n"
    section = render(data["capacity"])
    if MARK_BEGIN in text and MARK_END in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + section + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path_md.write_text(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="the tree to serve (default: this one)")
    parser.add_argument("--label", help="name of the run in the report (default: 'current', "
                        "or the checkout's folder name)")
    parser.add_argument("--start", type=float, default=1200, help="first rate, citizens/h")
    parser.add_argument("--factor", type=float, default=1.5, help="step factor, up or down")
    parser.add_argument("--floor", type=float, default=120,
                        help="lowest rate tried when steps fail")
    parser.add_argument("--bisect", type=int, default=2, help="bisections after a failed step")
    parser.add_argument("--rates", help="comma-separated rates to run instead of searching")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before statistics")
    parser.add_argument("--measure", type=float, default=35, help="seconds measured per step")
    parser.add_argument("--budget-minutes", type=float, default=8, help="the whole search")
    parser.add_argument("--postgres", action="store_true",
                        help="serve from a throwaway PostgreSQL cluster instead of SQLite")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use instead "
                        "(postgresql+psycopg://…; it is migrated and filled)")
    parser.add_argument("--instances", type=int, default=1,
                        help="gunicorn instances behind nginx on one address (with more than "
                        "one: Redis for the rate-limit counts; use it with --postgres)")
    parser.add_argument("--no-write", action="store_true", help="print only, no docs/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    tree = args.checkout.resolve()
    label = args.label or ("current" if tree == ROOT else tree.name)
    if args.instances < 1:
        parser.error("--instances must be 1 or more")
    if args.instances > 1 and not (args.postgres or args.database_url):
        parser.error("several instances need a shared database: add --postgres")
    if not args.label and (args.postgres or args.database_url):
        label += f"-postgres-x{args.instances}"
    if not (tree / "wsgi.py").exists():
        print(f"{tree} is not a tthc tree (no wsgi.py)", file=sys.stderr)
        return 1
    # make / CI stop us with SIGTERM: turn it into an exception so `finally` stops the server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        result = measure(tree, label, args)
    except CannotMeasure as exc:
        print(f"\ncapacity: could not measure: {exc}", file=sys.stderr)
        return 1
    print(f"\n{label}: highest rate held {result['highest_rate_held_per_hour']:,.0f} citizens/h"
          f" = {result['wards_at_peak']:.1f} wards at {WARD_PEAK_PER_HOUR}/h "
          f"(goal {GOAL_WARDS}: {'met' if result['goal_met'] else 'not met'})"
          + (f"; {result['server_errors_in_log']} server errors in the log"
             if result["server_errors_in_log"] else ""))
    if not args.no_write:
        write(result)
        print(f"Wrote the capacity of '{label}' into {DOCS}/benchmarks.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The city set-up for bench/capacity.py --postgres / --instances N: a throwaway PostgreSQL
cluster, a Redis for Flask-Limiter's counts, and nginx spreading requests over N gunicorn
instances behind one address (docs/scaling.md).

Everything listens on 127.0.0.1 only and lives in the run's temporary folder; each start
returns what stops it. The binaries are Debian's (postgresql, redis-server, nginx): a
missing one is reported, never silently replaced by another set-up.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"


class Missing(Exception):
    """A program the city set-up needs is not installed, or did not start."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen | None, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.1)
    return False


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise Missing(f"PostgreSQL's {name} is not installed (apt-get install -y postgresql)")
    return path


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root: the cluster then runs as the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def start_postgres(max_connections: int = 100):
    """A throwaway cluster (fsync off: a bench, not a store) with an empty database `tthc`,
    in a folder of its own (the postgres user must reach it when we run as root):
    (its SQLAlchemy URL, a function that stops it and removes the folder)."""
    folder = Path(tempfile.mkdtemp(prefix="tthc-bench-pg-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
    data, port = folder / "data", free_port()
    run = _checked
    run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8"]))
    options = (f"-p {port} -k {folder} -c listen_addresses={HOST} -c fsync=off "
               f"-c max_connections={max_connections}")
    run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "postgres.log"),
                      "-w", "-o", options, "start"]))
    run(_as_postgres([_pg_bin("createdb"), "-h", HOST, "-p", str(port), "-U", "postgres",
                      "tthc"]))

    def stop():
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                     "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg://postgres@{HOST}:{port}/tthc", stop


def _checked(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise Missing(f"{' '.join(args)} failed:\n{done.stdout[-1000:]}{done.stderr[-1000:]}")


def start_redis(folder: Path):
    """A Redis without persistence: (its URL, a function that stops it)."""
    server = shutil.which("redis-server", path="/usr/bin:/usr/local/bin:" + os.defpath)
    if server is None:
        raise Missing("redis-server is not installed (apt-get install -y redis-server)")
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", HOST, "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not _wait_port(port, proc):
        proc.kill()
        raise Missing("redis-server did not start")
    return f"redis://{HOST}:{port}/0", lambda: _stop(proc)


def start_balancer(folder: Path, upstream_ports: list[int]):
    """nginx on one port, round robin over the instances (plain HTTP, keep-alive to the
    upstreams, no access log: gunicorn keeps one): (its port, a function that stops it)."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if nginx is None:
        raise Missing("nginx is not installed (apt-get install -y nginx)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    temp = "".join(f"  {kind}_temp_path {folder / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    servers = "".join(f"    server {HOST}:{p};\n" for p in upstream_ports)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"pid {folder / 'nginx.pid'};\nworker_processes 1;\nevents {{ worker_connections 4096; }}\n"
        f"http {{\n{temp}  access_log off;\n  client_max_body_size 32m;\n"
        f"  upstream tthc_app {{\n{servers}    keepalive 64;\n  }}\n"
        f"  server {{\n    listen {HOST}:{port};\n    location / {{\n"
        "      proxy_pass http://tthc_app;\n      proxy_http_version 1.1;\n"
        '      proxy_set_header Connection "";\n      proxy_set_header Host $host;\n'
        "    }\n  }\n}\n")
    proc = subprocess.Popen([nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c",
                             str(conf), "-g", "daemon off; master_process off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    if not _wait_port(port, proc):
        _stop(proc)
        raise Missing(f"nginx did not start: {(folder / 'error.log').read_text()[-2000:]}")
    return port, lambda: _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

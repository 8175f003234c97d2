"""The sample configurations in deploy/ are valid and agree with the app (docs/deploy.md).

nginx checks deploy/nginx.conf with `nginx -t` inside a minimal main configuration (a temp
prefix, free ports, a throwaway certificate: it runs without root); systemd checks
deploy/tthc.service with `systemd-analyze verify`. `make test` installs nginx
(scripts/system-deps.sh); a missing nginx fails the test.
"""

from __future__ import annotations

import http.client
import http.server
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

from tthc.config import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TLS_DIR = "/etc/letsencrypt/live/tthc.example.gov.vn"
# The log format and map deploy/nginx-tokens.conf defines, for a tree that does not have it
# yet (it comes with the token-masking work); the real file is used whenever it is there.
TOKENS_STAND_IN = """
map $uri $tthc_masked_uri { default $uri; }
map $http_referer $tthc_masked_referer { default $http_referer; }
log_format tthc_masked '$remote_addr "$request_method $tthc_masked_uri" $status';
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nginx() -> str:
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not path:
        pytest.fail("nginx is not installed: run scripts/system-deps.sh "
                    "(apt-get install nginx)", pytrace=False)
    return path


def nginx_config(tmp_path: Path, server_block: str, upstream: int | None = None):
    """A main configuration like Debian's around *server_block*: (its path, http, https)."""
    (tmp_path / "log").mkdir(exist_ok=True)
    tls = tmp_path / "tls"
    tls.mkdir(exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=tthc.example.gov.vn", "-keyout", str(tls / "privkey.pem"),
                    "-out", str(tls / "fullchain.pem")], check=True, capture_output=True)
    http, https = _free_port(), _free_port()
    block = (server_block.replace(TLS_DIR, str(tls))
             .replace("/var/log/nginx", str(tmp_path / "log")))
    # nginx binds the ports it listens on (even for -t): free high ports, so no root is needed.
    block = re.sub(r"listen (\[::\]:)?80;", lambda m: f"listen 127.0.0.1:{http};"
                   if not m.group(1) else "", block)
    block = re.sub(r"listen (\[::\]:)?443 ", lambda m: f"listen 127.0.0.1:{https} "
                   if not m.group(1) else "# ", block)
    if upstream:
        block = block.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    (tmp_path / "tthc.conf").write_text(block)
    tokens = DEPLOY / "nginx-tokens.conf"
    if not tokens.exists():
        warnings.warn("deploy/nginx-tokens.conf is missing: nginx ran with a stand-in map")
        tokens = tmp_path / "tokens.conf"
        tokens.write_text(TOKENS_STAND_IN)
    temp = "".join(f"    {kind}_temp_path {tmp_path / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n{temp}"
                    f"    include {tokens};\n    include {tmp_path / 'tthc.conf'};\n}}\n")
    return main, http, https


def start_nginx(tmp_path: Path, main: Path, port: int) -> subprocess.Popen:
    """Run nginx in the foreground on the configuration *main*, once *port* answers."""
    server = subprocess.Popen([_nginx(), "-p", str(tmp_path), "-e",
                               str(tmp_path / "log" / "error.log"), "-c", str(main),
                               "-g", "daemon off; master_process off;"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return server


def nginx_test(tmp_path: Path, server_block: str) -> subprocess.CompletedProcess:
    """Run `nginx -t` on *server_block* inside a main configuration like Debian's."""
    main, _, _ = nginx_config(tmp_path, server_block)
    return subprocess.run([_nginx(), "-t", "-p", str(tmp_path), "-e",
                           str(tmp_path / "log" / "error.log"), "-c", str(main)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_nginx_accepts_the_server_blocks(tmp_path):
    result = nginx_test(tmp_path, (DEPLOY / "nginx.conf").read_text())
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_check_would_catch_a_broken_block(tmp_path):
    broken = (DEPLOY / "nginx.conf").read_text().replace("proxy_pass http://tthc_app;",
                                                         "proxy_pass http://tthc_app")
    result = nginx_test(tmp_path, broken)
    assert result.returncode != 0
    assert "emerg" in result.stderr


def test_nginx_agrees_with_the_app():
    conf = (DEPLOY / "nginx.conf").read_text()
    # The body limit matches the app's MAX_CONTENT_LENGTH (in MiB).
    limit = re.search(r"^\s*client_max_body_size (\d+)m;", conf, re.M)
    assert limit and int(limit.group(1)) * 1024 * 1024 == DEFAULTS["MAX_CONTENT_LENGTH"]
    # Every access log masks link tokens.
    logs = re.findall(r"^\s*access_log ([^;]*);", conf, re.M)
    assert logs and all(line.split()[-1] == "tthc_masked" for line in logs)
    # nginx proxies to the address gunicorn binds in the systemd unit.
    upstream = re.search(r"upstream tthc_app \{\s*server ([\d.:]+);", conf)
    bind = re.search(r"--bind ([\d.:]+)", (DEPLOY / "tthc.service").read_text())
    assert upstream and bind and upstream.group(1) == bind.group(1)


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers every request with the headers it received."""

    def do_GET(self):  # noqa: N802 (the handler's method name)
        body = json.dumps({"path": self.path, **{k.lower(): v for k, v in
                                                  self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_nginx_serves_the_app_through_the_blocks(tmp_path):
    """nginx run with the blocks: HTTP goes to HTTPS, the proxy passes the real address and
    scheme, a body over the app's limit gets 413, and the access log masks link tokens."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    main, port, tls_port = nginx_config(tmp_path, (DEPLOY / "nginx.conf").read_text(),
                                        upstream.server_address[1])
    server = start_nginx(tmp_path, main, tls_port)
    try:
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        plain.request("GET", "/tra-cuu", headers={"Host": "tthc.example.gov.vn"})
        answer = plain.getresponse()
        assert answer.status == 301
        assert answer.getheader("Location") == "https://tthc.example.gov.vn/tra-cuu"

        # The test's throwaway certificate, for tthc.example.gov.vn, reached by address.
        context = ssl.create_default_context(cafile=str(tmp_path / "tls" / "fullchain.pem"))
        context.check_hostname = False
        secure = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10,
                                             context=context)
        token = "Zq7Lk2mWcX9vB4nR8tYp3sDf6gHj1aEu"
        secure.request("GET", f"/ho-so/{token}/kiem-tra?q=x",
                       headers={"Host": "tthc.example.gov.vn", "X-Forwarded-For": "6.6.6.6"})
        seen = json.loads(secure.getresponse().read())
        assert seen["path"] == f"/ho-so/{token}/kiem-tra?q=x"
        assert seen["x-forwarded-for"] == "127.0.0.1"  # set, not appended: no forged hop
        assert seen["x-forwarded-proto"] == "https"

        secure.request("POST", "/ho-so/x/tai-len", headers={
            "Host": "tthc.example.gov.vn",
            "Content-Length": str(DEFAULTS["MAX_CONTENT_LENGTH"] + 1)})
        assert secure.getresponse().status == 413
    finally:
        server.terminate()
        server.wait(timeout=10)
        upstream.shutdown()
    log = (tmp_path / "log" / "tthc.access.log").read_text()
    assert "kiem-tra" in log
    if (DEPLOY / "nginx-tokens.conf").exists():
        assert token not in log and "/ho-so/***/kiem-tra" in log, log
    else:
        warnings.warn("deploy/nginx-tokens.conf is missing: the log's masking is not checked")


UNITS = ("tthc.service", "tthc@.service")


def _unit_for_this_tree(tmp_path: Path, name: str = "tthc.service") -> Path:
    # The unit names /srv/tthc; here the tree and the running environment stand in for it.
    unit = (DEPLOY / name).read_text()
    unit = unit.replace("/srv/tthc/.venv", str(Path(sys.executable).parent.parent))
    unit = unit.replace("/srv/tthc", str(ROOT))
    path = tmp_path / name
    path.write_text(unit)
    return path


def _parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        assert current is not None, line
        current.setdefault(key, []).append(value)
    return sections


@pytest.mark.parametrize("name", UNITS)
def test_systemd_unit(tmp_path, name):
    unit = _unit_for_this_tree(tmp_path, name)
    analyze = shutil.which("systemd-analyze")
    if analyze:
        result = subprocess.run([analyze, "verify", "--man=no", str(unit)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        # Unknown keys and bad values are only warnings to systemd: none allowed here.
        assert "ignoring" not in result.stderr.lower(), result.stderr
    sections = _parse_unit(unit.read_text())
    service = sections["Service"]
    assert set(sections) == {"Unit", "Service", "Install"}
    start = service["ExecStart"][0].split()
    assert Path(start[0]).name == "gunicorn" and Path(start[0]).is_file()
    config = Path(start[start.index("--config") + 1])
    assert config.relative_to(ROOT) == Path("deploy/gunicorn.conf.py")
    assert start[-1] == "wsgi:app"
    assert "TZ=Asia/Ho_Chi_Minh" in service["Environment"]
    assert service["UMask"] == ["0077"] and service["User"] == ["tthc"]
    # Its own gunicorn control socket, in its own run folder (gunicorn 27's default,
    # ~/.gunicorn/gunicorn.ctl, is one for every instance of the tthc user).
    (run_dir,) = service["RuntimeDirectory"]
    assert service["RuntimeDirectoryMode"] == ["0700"]
    socket_path = Path(start[start.index("--control-socket") + 1])
    assert socket_path.parent == Path("/run") / run_dir
    if name.endswith("@.service"):
        assert "%i" in run_dir  # one per instance


def test_the_ward_template_is_the_unit_but_for_its_own_lines():
    """tthc@.service differs from tthc.service only in the ward's office, port, control
    socket, run folder and logs: a setting changed in one and not the other fails here."""
    one = _parse_unit((DEPLOY / "tthc.service").read_text())
    ward = _parse_unit((DEPLOY / "tthc@.service").read_text())
    own = {"Description", "EnvironmentFile", "RuntimeDirectory", "ExecStart"}
    for section in one:
        assert {k: v for k, v in one[section].items() if k not in own} == \
            {k: v for k, v in ward[section].items() if k not in own}, section
    assert ward["Service"]["EnvironmentFile"] == one["Service"]["EnvironmentFile"] + [
        "/etc/tthc/ward-%i.env"]  # read last: its TTHC_OFFICE wins over tthc.env's
    start = ward["Service"]["ExecStart"][0].split()
    assert "127.0.0.1:${WARD_PORT}" in start
    assert start[start.index("--control-socket") + 1] == "/run/tthc-%i/gunicorn.ctl"
    ward_start = [a for a in start if "%i" not in a and "WARD_PORT" not in a]
    one_start = one["Service"]["ExecStart"][0].split()
    assert ward_start == [a for a in one_start if a not in (
        "127.0.0.1:8000", "/run/tthc/gunicorn.ctl", "/var/log/tthc/access.log",
        "/var/log/tthc/error.log")]


def test_logrotate_rotates_the_logs_gunicorn_writes(tmp_path):
    rotate = (DEPLOY / "logrotate").read_text()
    pattern = re.search(r"^(/\S+) \{", rotate, re.M)
    assert pattern
    for name in UNITS:
        unit = (DEPLOY / name).read_text()
        logs = re.findall(r"--(?:access|error)-logfile (\S+)", unit)
        assert len(logs) == 2
        for log in logs:
            assert Path(log).match(pattern.group(1)), log
        # USR1 to every unit that writes them: each gunicorn reopens its files.
        assert re.search(rf"--signal=USR1 .*'?{re.escape(name.replace('@', '@*'))}'?",
                         rotate), name
    assert re.search(r"^\s*rotate (\d+)", rotate, re.M)
    if shutil.which("logrotate"):
        config = tmp_path / "tthc"
        config.write_text(rotate.replace("/var/log/tthc", str(tmp_path)))
        result = subprocess.run(["logrotate", "-d", "-s", str(tmp_path / "state"),
                                 str(config)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "error" not in result.stderr.lower(), result.stderr

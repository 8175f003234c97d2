"""nginx's error log for tthc keeps no link token when the app is down (docs/deploy.md, 5).

nginx's error-log format cannot be changed, and on an upstream failure (gunicorn
restarting, a worker timing out) it writes `request: "POST /ho-so/<token>/luu …"` at level
"error". deploy/nginx.conf logs this server's errors from "crit" up: the test runs nginx
with the sample blocks in front of a closed port, sends a request with a token, and reads
the log; the same blocks at "error" show that nginx does write the token there.
"""

from __future__ import annotations

import http.client
import ssl
import time
from pathlib import Path

from tests.test_deploy_configs import DEPLOY, _free_port, nginx_config, start_nginx

TOKEN = "Zq7Lk2mWcX9vB4nR8tYp3sDf6gHj1aEu"


def error_log_after_a_failed_upstream(tmp_path: Path, server_block: str) -> str:
    """Serve *server_block* with nothing at its upstream, POST a link; the error log."""
    main, _, tls_port = nginx_config(tmp_path, server_block, _free_port())  # nobody there
    server = start_nginx(tmp_path, main, tls_port)
    try:
        context = ssl.create_default_context(cafile=str(tmp_path / "tls" / "fullchain.pem"))
        context.check_hostname = False
        secure = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10,
                                             context=context)
        secure.request("POST", f"/ho-so/{TOKEN}/luu", body=b"ho_ten=x",
                       headers={"Host": "tthc.example.gov.vn",
                                "Content-Type": "application/x-www-form-urlencoded"})
        response = secure.getresponse()
        response.read()
        secure.close()
        assert response.status == 502
        # nginx writes the access line after the response has gone out: wait for it, as a
        # fast shutdown (SIGTERM) right away could end nginx before it is written.
        access_log = tmp_path / "log" / "tthc.access.log"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (
                access_log.exists() and access_log.read_text().endswith("\n")):
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=10)
    access = (tmp_path / "log" / "tthc.access.log").read_text()
    assert "/ho-so/***/luu" in access and " 502 " in access and TOKEN not in access
    return (tmp_path / "log" / "tthc.error.log").read_text()


def test_an_upstream_failure_leaves_no_token_in_the_error_log(tmp_path):
    block = (DEPLOY / "nginx.conf").read_text()
    assert "error_log /var/log/nginx/tthc.error.log crit;" in block
    assert TOKEN not in error_log_after_a_failed_upstream(tmp_path, block)


def test_at_level_error_nginx_would_log_the_token(tmp_path):
    block = (DEPLOY / "nginx.conf").read_text().replace("tthc.error.log crit;",
                                                        "tthc.error.log error;")
    log = error_log_after_a_failed_upstream(tmp_path, block)
    assert "connect() failed" in log and f"/ho-so/{TOKEN}/luu" in log

"""SIGKILL faults, a longer run than the test's, with a report (issue 13).

    PYTHONPATH=$PWD .venv/bin/python scripts/sigkill-faults.py [--seconds 120]
        [--kill-every 3] [--database-url postgresql+psycopg://…/empty_db]

Serves the app with gunicorn (2 sync workers, a loopback port) on a new SQLite file (or on
the empty PostgreSQL database given, migrated and seeded here), drives citizens, a desk, a
kiosk and two counters over HTTP while killing a worker or the master with SIGKILL every few
seconds, then checks the database (tests/concurrency/faults.py says what) and prints what was
done and every broken promise. Exit status 1 when anything broke.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.concurrency.faults import Scenario, Server  # noqa: E402
from tests.conftest import make_app, migrate_and_seed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--kill-every", type=float, default=3.0)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tthc-faults-"))
    url = args.database_url or f"sqlite:///{folder / 'faults.sqlite'}"
    app = make_app(url, folder)
    migrate_and_seed(app)
    server = Server(url, folder, folder / "gunicorn.log")
    scenario = Scenario(app, server)
    server.start()
    try:
        scenario.run(args.seconds, args.kill_every)
    finally:
        server.stop()
    problems = scenario.check()
    print(f"{url.split(':')[0]}, {args.seconds:.0f} s: {scenario.summary()}")
    print("\n".join(problems) if problems else "no dossier half-written, nothing lost or "
          "given twice")
    print(f"gunicorn's log: {folder / 'gunicorn.log'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Folders and files that hold personal data are the app's user's alone (Decree 13/2023).

The database file and the instance and uploads folders are made 0600 / 0700 when created,
and tightened when found wider. An explicit chmod, not ``os.umask`` at start-up: the umask is
process-wide and would silently change every other file the process (or a library) makes.
Stdlib only: tthc/__init__.py and tthc/intake/uploads.py both call it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600

log = logging.getLogger(__name__)


def private_dir(path: str | os.PathLike) -> Path:
    """Create *path* (and missing parents) readable by this user only; return it."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: str | os.PathLike) -> None:
    """Make an existing file readable and writable by this user only (absent: nothing)."""
    _tighten(Path(path), FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """chmod *path* to *mode* when it allows more; a file owned by another user (a root
    shell reading the app's database) is left as it is, with a warning."""
    try:
        current = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return
    if current & ~mode:
        try:
            os.chmod(path, mode)
        except PermissionError:
            log.warning("could not restrict %s to mode %o (owned by another user)", path, mode)

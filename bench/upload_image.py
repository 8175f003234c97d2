"""Time and peak memory of storing one big image upload (issue 13): not a test, a measure.

    PYTHONPATH=$PWD .venv/bin/python bench/upload_image.py            # RGB, RGBA, palette
    PYTHONPATH=$PWD .venv/bin/python bench/upload_image.py --one RGBA

Each kind of 5000×5000 PNG (a drawing, so that it stays under the 10 MB upload limit) is
written to a temporary folder, then ``tthc.intake.uploads.prepare`` runs on it in a fresh
process (each step in its own); the peak resident memory is read from ``getrusage`` before and after. Compare two
commits by running this file from each tree.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("RGB", "RGBA", "P")


def make(kind: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB" if kind == "P" else kind, (5000, 5000), "white")
    draw = ImageDraw.Draw(image)
    for i in range(0, 5000, 40):
        draw.line((0, i, 5000, 5000 - i), fill=(0, 0, 0), width=3)
        draw.text((i, i), "Giay to", fill=(20, 40, 200))
    if kind == "P":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def measure(path: Path) -> str:
    from tthc import create_app
    from tthc.intake import uploads

    data = path.read_bytes()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        out, _, _ = uploads.prepare(data)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (f"{path.stem}: PNG {len(data) / 1e6:.1f} MB -> JPEG {len(out) / 1e3:.0f} kB in "
            f"{seconds:.2f} s; peak RSS {after / 1024:.0f} MB, +{(after - before) / 1024:.0f} MB "
            f"over the loaded app")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", choices=KINDS)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        args.make.write_bytes(make(args.make.stem))
    elif args.file:
        print(measure(args.file))
    else:
        # Each step in its own process: a child inherits its parent's peak memory.
        with tempfile.TemporaryDirectory() as folder:
            for kind in [args.one] if args.one else KINDS:
                path = Path(folder) / f"{kind}.png"
                for step in ("--make", "--file"):
                    subprocess.run([sys.executable, __file__, step, str(path)], check=True)


if __name__ == "__main__":
    main()

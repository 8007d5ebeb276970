"""Screenshot of a results folder's HTML report, rendered by headless Chromium.

    python scripts/html_report_screenshot.py [FOLDER] [--png PATH] [--height PX]

Defaults: FOLDER ``results/example``, PATH ``FOLDER/report-html.png``. The page
is made by ``optibench report FOLDER --format html`` into a temporary file
(the folder gets no ``report.html``), opened from disk by Chromium (the
Debian package ``chromium``: ``apt-get install -y chromium``) in a window
1440 px wide, and the top ``--height`` pixels are saved as PNG. The page
loads nothing from the network, so the screenshot shows all of it that fits.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTH_PX = 1440
"""Window width (px)."""
HEIGHT_PX = 7600
"""Default window height (px): the whole example report, tables, ERT tables and figures."""
TIMEOUT_S = 120
"""Longest wait for Chromium (s)."""


def chromium() -> str:
    """Path of the Chromium executable; exits with a message naming the package when it is missing."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("html_report_screenshot: chromium not found; install it with `apt-get install -y chromium`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default="results/example", help="results folder (default: results/example)")
    parser.add_argument("--png", help="screenshot file (default: FOLDER/report-html.png)")
    parser.add_argument("--height", type=int, default=HEIGHT_PX, help=f"window height in px (default: {HEIGHT_PX})")
    args = parser.parse_args()
    browser = chromium()
    png = Path(args.png or Path(args.folder) / "report-html.png").resolve()
    with tempfile.TemporaryDirectory(prefix="optibench-html-") as tmp:
        page = Path(tmp) / "report.html"
        subprocess.run(["optibench", "report", args.folder, "--format", "html", "-o", str(page)], check=True)
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # root in a container has no user namespace for the sandbox
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--window-size={WIDTH_PX},{args.height}",
            f"--screenshot={png}",
            page.as_uri(),
        ]
        subprocess.run(command, check=True, timeout=TIMEOUT_S, capture_output=True)
    print(png)


if __name__ == "__main__":
    main()

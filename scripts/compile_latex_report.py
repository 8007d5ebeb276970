"""Compile a results folder's LaTeX report with pdflatex and check that every table fits the page.

    python scripts/compile_latex_report.py [FOLDER] [--png-dir DIR]

The report (``optibench report FOLDER --format latex``, long and paper
layouts) is put in an A4 article with the default margins and compiled;
any overfull box (a table wider than the text) or float taller than the page is an error (exit 1). The
first page of each layout is written as a PNG, by default
``FOLDER/report-latex.png`` and ``FOLDER/report-latex-paper.png``
(``results/example`` by default). Needs ``pdflatex`` with booktabs and
graphicx (Debian: texlive-latex-base, texlive-latex-recommended) and
``pdftoppm`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from optibench.cli.report import folder_report
from optibench.formatting import LATEX_PREAMBLE
from optibench.store import ResultStore

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = "\\documentclass[a4paper]{{article}}\n{preamble}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"
RESOLUTION_DPI = 100
"""Resolution of the PNG of a page: a whole A4 page at 827 x 1170 pixels."""


def compile_report(folder: Path, layout: str, workdir: Path) -> tuple[Path, list[str]]:
    """Compile the LaTeX report of ``folder`` in ``layout``; returns (the PDF, the log's overfull-box and float-too-large lines).

    Raises RuntimeError with the end of pdflatex's log when it fails.
    """
    body = folder_report(ResultStore(folder), "latex", layout)
    tex = workdir / f"report-{layout}.tex"
    tex.write_text(DOCUMENT.format(preamble="\n".join(LATEX_PREAMBLE), body=body), encoding="utf-8")
    command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"pdflatex failed on {tex.name}:\n{log[-3000:]}")
    return tex.with_suffix(".pdf"), re.findall(r"^(?:Overfull \\[hv]box|.*Float too large).*$", log, flags=re.MULTILINE)


def first_page_png(pdf: Path, png: Path) -> None:
    """Write the first page of ``pdf`` as the PNG file ``png`` (:data:`RESOLUTION_DPI`)."""
    stem = png.with_suffix("")
    command = ["pdftoppm", "-png", "-r", str(RESOLUTION_DPI), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)]
    subprocess.run(command, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="results/example", help="results folder (default results/example)")
    parser.add_argument("--png-dir", help="where the PNG pages go (default: the folder)")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("pdflatex", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"compile_latex_report: {', '.join(missing)} not found (Debian: texlive-latex-recommended, poppler-utils)")
        return 2
    folder = Path(args.folder)
    png_dir = Path(args.png_dir) if args.png_dir else folder
    overfull = []
    with tempfile.TemporaryDirectory() as tmp:
        for layout, name in (("long", "report-latex.png"), ("paper", "report-latex-paper.png")):
            pdf, boxes = compile_report(folder, layout, Path(tmp))
            overfull += [f"{layout}: {line}" for line in boxes]
            first_page_png(pdf, png_dir / name)
            print(f"{png_dir / name}: first page of the {layout} layout")
    for line in overfull:
        print(line, file=sys.stderr)
    return 1 if overfull else 0


if __name__ == "__main__":
    sys.exit(main())

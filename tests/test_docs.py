"""The documentation's examples run: every block a page marks runnable is executed.

In a page under ``docs/``, a fenced block preceded by ``<!-- runnable -->``
is run (```python blocks in one namespace per page, ```bash blocks with
``bash -e``), and one preceded by ``<!-- file: PATH -->`` is written to PATH;
each page runs in order in its own temporary folder, with its own optibench
cache, on the small budgets the pages use.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"<!-- (runnable|file: (?P<path>[^ ]+)) -->\n```(?P<lang>\w+)\n(?P<code>.*?)\n```", re.S)
TUTORIALS = sorted((DOCS / "tutorials").glob("*.md"))
PAGES = [DOCS / "getting-started.md", *TUTORIALS]


def blocks(page: Path) -> list[tuple[str, str | None, str]]:
    """(language, file path or None, code) of each marked block of ``page``, in order."""
    return [(m["lang"], m["path"], m["code"]) for m in BLOCK.finditer(page.read_text())]


def test_every_tutorial_has_runnable_blocks():
    assert {p.name for p in TUTORIALS} == {"table2.md", "plugin.md", "own-feeder.md", "dask.md", "pandas.md"}
    for page in PAGES:
        assert any(path is None for _, path, _ in blocks(page)), f"{page.name}: no runnable block"


def test_only_marked_blocks_are_taken(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- file: a/b.toml -->\n```toml\nx = 1\n```\n\n<!-- runnable -->\n```bash\necho hi\n```\n```python\nnot run\n```\n"
    )
    assert blocks(page) == [("toml", "a/b.toml", "x = 1"), ("bash", None, "echo hi")]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    namespace = {"__name__": f"docs_{page.stem}"}
    for lang, path, code in blocks(page):
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(code + "\n")
        elif lang == "python":
            exec(compile(code, f"{page.name} block", "exec"), namespace)
        elif lang == "bash":
            bin_dir = str(Path(sys.executable).parent)
            env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
            done = subprocess.run(["bash", "-e", "-c", code], capture_output=True, text=True, env=env, timeout=120)
            assert done.returncode == 0, f"{page.name}: {code}\n{done.stdout}\n{done.stderr}"
        else:
            raise AssertionError(f"{page.name}: runnable block in unknown language {lang!r}")


def test_site_builds_without_warnings(tmp_path):
    """``mkdocs build --strict``: a broken link, a missing page or a docstring the API reference cannot read fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=DOCS.parent,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "index.html").is_file()

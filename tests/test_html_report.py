"""``optibench report --format html``: one page whose tables parse and whose images decode, with nothing fetched."""

import base64
from html.parser import HTMLParser

import pytest

from optibench.cli import main

EXPERIMENT = """
[experiment]
name = "tiny"
runs = 3
seed = 7
pop_size = 10
iterations = 10

[[problems]]
name = "sphere"
instances = [{dim = 2, label = "sphere 2-D"}, {dim = 3}]

[[problems]]
name = "evcs-placement"
instances = [{case = 1}]

[[algorithms]]
name = "random-search"

[[algorithms]]
name = "eo"
label = "EO"

[[algorithms]]
name = "pso"
label = "PSO"
"""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """Tables (lists of rows of cell texts), image sources, every URL-bearing attribute and the headings of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self.images, self.links, self.headings = [], [], [], []
        self._cell = self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.links += [value for name, value in attrs.items() if name in ("src", "href", "action", "data") and value]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "img":
            self.images.append(attrs["src"])
        elif tag in ("h1", "h2", "h3"):
            self._heading = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None
        elif tag in ("h1", "h2", "h3"):
            self.headings.append(self._heading.strip())
            self._heading = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._heading is not None:
            self._heading += data


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    (tmp / "tiny.toml").write_text(EXPERIMENT, encoding="utf-8")
    assert main(["run", str(tmp / "tiny.toml"), "--out", str(tmp / "out")]) == 0
    return tmp / "out"


def test_html_page_tables_parse_images_decode_and_nothing_is_fetched(folder, capsys):
    assert main(["report", str(folder), "--format", "html"]) == 0
    path = folder / "report.html"
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    assert text.startswith("<!DOCTYPE html>") and "<script" not in text and "<link" not in text
    assert "http://" not in text and "https://" not in text and "url(" not in text
    assert all(link.startswith("data:image/png;base64,") for link in page.links)
    # convergence, final values, ECDF, CD diagram (3 instances, 3 algorithms), voltage profiles (evcs-placement)
    assert len(page.images) == 5
    for src in page.images:
        assert base64.b64decode(src.split(",", 1)[1], validate=True).startswith(PNG_SIGNATURE)
    for table in page.tables:
        assert len(table) >= 2 and len({len(row) for row in table}) == 1  # a header, rows, the same width throughout
    summary = next(t for t in page.tables if t[0][:2] == ["case", "algorithm"] and "feasible" in t[0])
    assert {row[0] for row in summary[1:]} == {"sphere 2-D", "sphere dim=3", "evcs-placement"}  # the instance label is used
    assert {row[1] for row in summary[1:]} == {"random-search", "EO", "PSO"}
    ert = [t for t in page.tables if t[0][0] == "algorithm" and t[0][1].startswith("f ≤")]
    assert len(ert) == 3 and all(len(t) == 4 for t in ert)  # one ERT table per instance, a row per algorithm
    assert all(cell.endswith("/3)") for t in ert for row in t[1:] for cell in row[1:])  # successes of 3 runs
    provenance = next(t for t in page.tables if t[0][0] == "command")
    assert provenance[1][0].startswith("optibench run ") and "git_commit" in provenance[0]
    assert {"Expected running time (evaluations) to reach each target", "Figures", "Provenance"} <= set(page.headings)


def test_html_report_of_a_folder_without_runs_is_an_error(tmp_path, capsys):
    assert main(["report", str(tmp_path), "--format", "html"]) == 2
    assert "holds no stored runs" in capsys.readouterr().err

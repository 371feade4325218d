"""The book's structure: the table of contents, the notebooks' anatomy, the configuration."""
import base64
import json
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REPO = CONFIG["repository"]["url"]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
BADGE_B64 = base64.b64encode((ROOT / "book" / "images" / "colab-badge.png").read_bytes()).decode()


def toc_files(node):
    """Every `file:` entry of the toc, depth first."""
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        if "root" in node:
            yield node["root"]
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                yield from toc_files(child)


ENTRIES = list(toc_files(TOC))


def resolve(entry):
    for suffix in (".ipynb", ".md"):
        p = ROOT / (entry + suffix)
        if p.exists():
            return p
    return None


def load(nb_path):
    return json.loads(nb_path.read_text(encoding="utf-8"))


def source(cell):
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook under notebooks/"


def test_toc_entries_exist_and_are_unique():
    missing = [e for e in ENTRIES if resolve(e) is None]
    assert not missing, f"toc entries without a file: {missing}"
    assert len(ENTRIES) == len(set(ENTRIES)), "a page is listed twice in _toc.yml"


def test_every_notebook_is_in_the_toc():
    listed = {resolve(e) for e in ENTRIES}
    orphans = [str(p.relative_to(ROOT)) for p in NOTEBOOKS if p not in listed]
    assert not orphans, f"notebooks missing from _toc.yml: {orphans}"


def test_every_chapter_page_is_in_the_toc():
    listed = {resolve(e) for e in ENTRIES}
    pages = sorted((ROOT / "chapters").glob("*.md")) + sorted((ROOT / "book").glob("*.md"))
    orphans = [str(p.relative_to(ROOT)) for p in pages if p not in listed]
    assert not orphans, f"pages missing from _toc.yml: {orphans}"


def test_config_essentials():
    assert CONFIG["only_build_toc_files"] is True
    assert any(".venv" in p for p in CONFIG["exclude_patterns"])
    assert any("_build" in p for p in CONFIG["exclude_patterns"])
    assert CONFIG["repository"]["branch"] == "main"
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert CONFIG["execute"]["raise_on_error"] is True
    exts = CONFIG["sphinx"]["extra_extensions"]
    assert {"sphinx_proof", "sphinx_exercise", "sphinx-mathjax-offline"} <= set(exts)
    assert CONFIG["sphinx"]["config"]["nb_ipywidgets_js"] == {}, "widget JS would load from a CDN"
    assert "colab_url" in CONFIG["launch_buttons"] and "binderhub_url" in CONFIG["launch_buttons"]


def test_repository_constant_matches_config():
    import mlnotes

    assert mlnotes.REPOSITORY == REPO


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
class TestNotebookAnatomy:
    def test_valid_nbformat(self, nb_path):
        # e.g. cell ids need nbformat 4.5: the build's cache rejects a 4.4 notebook that has them
        import nbformat

        nbformat.validate(nbformat.reads(nb_path.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT))

    def test_kernelspec_and_no_outputs(self, nb_path):
        nb = load(nb_path)
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"cell {i} has stored outputs"
                assert cell.get("execution_count") is None, f"cell {i} has an execution count"

    def test_title_badge_and_goals(self, nb_path):
        first = source(load(nb_path)["cells"][0])
        assert first.startswith("# "), "the first cell must start with the title"
        rel = nb_path.relative_to(ROOT).as_posix()
        url = f"https://colab.research.google.com/github/{REPO.split('github.com/')[1]}/blob/main/{rel}"
        assert f"]({url})" in first, f"Colab badge must link to {url}"
        assert f"![Open in Colab](data:image/png;base64,{BADGE_B64})" in first, \
            "the badge image must be book/images/colab-badge.png inlined as a data URI"
        assert "learning goals" in first.lower()

    def test_setup_cell(self, nb_path):
        cell = load(nb_path)["cells"][1]
        src = source(cell)
        assert cell["cell_type"] == "code"
        assert "hide-input" in cell["metadata"].get("tags", [])
        assert 'if "google.colab" in sys.modules:' in src
        assert f"mlnotes @ git+{REPO}@main" in src and '"POT"' in src
        assert "mlnotes.setup(seed=0)" in src

    def test_has_check_cells(self, nb_path):
        code = [source(c) for c in load(nb_path)["cells"] if c["cell_type"] == "code"]
        assert sum(bool(re.search(r"^\s*assert\b", s, re.M)) for s in code) >= 3, "at least three check cells"

    def test_has_proof_directives_exercises_and_summary(self, nb_path):
        md = "\n".join(source(c) for c in load(nb_path)["cells"] if c["cell_type"] == "markdown")
        assert re.search(r"\{prf:(definition|theorem|lemma|proposition|remark|example)\}", md)
        assert "{exercise}" in md and "{solution}" in md
        assert re.search(r"^## Summary", md, re.M)

    def test_widget_cells_are_hidden_in_the_book(self, nb_path):
        for cell in load(nb_path)["cells"]:
            if cell["cell_type"] == "code" and re.search(r"\.widget\(", source(cell)):
                assert "remove-output" in cell["metadata"].get("tags", []), \
                    "a live widget cell must be tagged remove-output (the book shows the player)"

    def test_no_magics_or_pyplot_show(self, nb_path):
        for cell in load(nb_path)["cells"]:
            if cell["cell_type"] == "code":
                src = source(cell)
                assert "plt.show()" not in src and not re.search(r"^%matplotlib", src, re.M)


# --- Anatomy v2 (BOOK.md "Anatomy of a notebook", STYLE.md (c)) -------------------------
# Teaching cells are short and visible; verification cells carry the asserts and are
# folded (`hide-input`); the setup cell (index 1) is exempt from the length rules.
MAX_CELL_LINES = 30          # any code cell
MAX_VISIBLE_LINES = 20       # a code cell the reader sees unfolded
MAX_VISIBLE_MEDIAN = 10      # median of the visible code cells of a notebook
MAX_LINE_CHARS = 80          # the HTML code block shows about 80 characters
ASSERT = re.compile(r"^\s*assert\b", re.M)
PRIVATE = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.\w+)*\._[A-Za-z0-9]\w*")


def code_lines(src):
    return [line for line in src.splitlines() if line.strip()]


def tags(cell):
    return cell["metadata"].get("tags", [])


def is_hidden(cell):
    return bool({"hide-input", "remove-input", "remove-cell"} & set(tags(cell)))


def body_cells(nb):
    """(index, cell) of the code cells after the setup cell."""
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and i > 1]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
class TestAnatomyV2:
    def test_cells_are_short(self, nb_path):
        nb = load(nb_path)
        long = [(i, n) for i, c in body_cells(nb) if (n := len(code_lines(source(c)))) > MAX_CELL_LINES]
        assert not long, f"code cells over {MAX_CELL_LINES} lines (index, lines): {long}"
        visible = [(i, len(code_lines(source(c)))) for i, c in body_cells(nb) if not is_hidden(c)]
        over = [(i, n) for i, n in visible if n > MAX_VISIBLE_LINES]
        assert not over, f"visible code cells over {MAX_VISIBLE_LINES} lines: {over}"
        lengths = sorted(n for _, n in visible)
        median = lengths[len(lengths) // 2] if lengths else 0
        assert median <= MAX_VISIBLE_MEDIAN, f"median visible cell {median} lines > {MAX_VISIBLE_MEDIAN}"

    def test_code_lines_fit_the_page(self, nb_path):
        nb = load(nb_path)
        code = [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
        wide = [(i, len(line)) for i, c in code for line in source(c).splitlines()
                if len(line) > MAX_LINE_CHARS]
        assert not wide, f"code lines over {MAX_LINE_CHARS} characters (cell, length): {wide}"

    def test_asserts_live_in_folded_check_cells(self, nb_path):
        nb = load(nb_path)
        bare = [i for i, c in body_cells(nb) if ASSERT.search(source(c)) and "hide-input" not in tags(c)]
        assert not bare, f"cells with asserts must be tagged hide-input (check cells): {bare}"

    def test_teaching_code_is_on_the_page(self, nb_path):
        nb = load(nb_path)
        defs = [i for i, c in body_cells(nb) if not is_hidden(c) and re.search(r"^(def|class) ", source(c), re.M)]
        assert defs, "no function is defined in a visible cell: the algorithms must be on the page"

    def test_no_private_members(self, nb_path):
        nb = load(nb_path)
        hits = [(i, m.group(0)) for i, c in body_cells(nb) for m in PRIVATE.finditer(source(c))
                if not m.group(0).startswith("self.")]
        assert not hits, f"access to private members: {hits}"

    def test_exercises_labelled_and_solutions_checked(self, nb_path):
        cells = load(nb_path)["cells"]
        md = [(i, source(c)) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]
        for i, text in md:
            for block in re.findall(r"`{3,}\{exercise\}[^\n]*\n((?::\w+:[^\n]*\n)*)", text):
                assert ":label:" in block, f"cell {i}: every exercise needs a :label:"
            for block in re.findall(r"`{3,}\{solution\}[^\n]*\n((?::\w+:[^\n]*\n)*)", text):
                assert "dropdown" in block, f"cell {i}: solutions are dropdowns (:class: dropdown)"
        first_solution = next((i for i, t in md if "{solution}" in t), None)
        assert first_solution is not None
        checks = [i for i, c in body_cells({"cells": cells}) if i > first_solution
                  and ASSERT.search(source(c)) and "hide-input" in tags(c)]
        assert checks, "the exercise solutions need a hidden check cell after them"

    def test_summary_is_its_own_cell(self, nb_path):
        cells = load(nb_path)["cells"]
        assert any(c["cell_type"] == "markdown" and source(c).lstrip().startswith("## Summary")
                   for c in cells), "`## Summary` must open its own markdown cell"


def test_errata_page_lists_every_erratum_box_in_toc_order():
    """book/errata.md has one line per Erratum box of each page, in table-of-contents order."""
    text = (ROOT / "book" / "errata.md").read_text()
    listed = [m.group(1) for m in re.finditer(r"^- \{doc\}`[^<`]*<\.\./([^>]+)>`", text, re.M)]
    order = {e: i for i, e in enumerate(ENTRIES)}
    unknown = sorted(set(listed) - set(order))
    assert not unknown, f"errata lines pointing to pages not in the toc: {unknown}"
    positions = [order[e] for e in listed]
    assert positions == sorted(positions), "book/errata.md is not in table-of-contents order"
    for nb_path in NOTEBOOKS:
        entry = nb_path.relative_to(ROOT).with_suffix("").as_posix()
        boxes = sum(len(re.findall(r"\{admonition\}\s*Erratum", source(c)))
                    for c in load(nb_path)["cells"] if c["cell_type"] == "markdown")
        assert boxes == listed.count(entry), \
            f"{entry}: {boxes} Erratum boxes but {listed.count(entry)} lines on the errata page"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_no_control_characters(nb_path):
    """A lost backslash escape (`\\b` in a generator script) leaves a control character that
    MathJax cannot parse; the browser stage found one. Only newlines and tabs are allowed."""
    bad = [(i, repr(m.group(0))) for i, c in enumerate(load(nb_path)["cells"])
           for m in re.finditer(r"[\x00-\x08\x0b-\x1f]", source(c))]
    assert not bad, f"control characters in cells: {bad}"


def _book_macros():
    mathjax = CONFIG["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    return set(mathjax)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_math_uses_defined_macros(nb_path):
    r"""The book's vector and matrix macros (``\vx``, ``\mA``, ...) must be defined in
    _config.yml, and an accent must take a braced argument (``\hat{\mathbf m}``: MathJax
    reads ``\hat\mathbf m`` as ``\hat`` of ``\mathbf`` with no argument). The browser stage
    finds both as mjx-merror, a stage later; this finds them in a second."""
    macros = _book_macros()
    md = [(i, source(c)) for i, c in enumerate(load(nb_path)["cells"]) if c["cell_type"] == "markdown"]
    undefined = sorted({(i, m.group(0)) for i, text in md
                        for m in re.finditer(r"\\([vm][A-Za-z])(?![A-Za-z])", text)
                        if m.group(1) not in macros and m.group(1) not in ("mu", "mp")})
    assert not undefined, f"book macros used but not defined in _config.yml: {undefined}"
    accents = [(i, m.group(0)) for i, text in md
               for m in re.finditer(r"\\(?:hat|bar|tilde|vec|dot)\\(?:mathbf|boldsymbol|mathrm)\b", text)]
    assert not accents, f"an accent needs braces around its argument: {accents}"

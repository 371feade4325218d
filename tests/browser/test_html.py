"""The built book as a reader sees it, in headless chromium with the network blocked.

For every page of the table of contents: no console error (two known harmless messages
are allow-listed by their exact text), no request leaves localhost, every formula is
typeset by MathJax without error, every image loads, and every widget player is present
and responds to its slider.
"""
import json
import pathlib
import re

import pytest
from pagewatch import watch
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"

# Known harmless messages (BOOK.md), matched exactly.
ALLOWED_CONSOLE = {
    "Got invalid theme mode: null. Resetting to auto.",
    "Identifier 'THEBE_JS_URL' has already been declared",
}


def _toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    out = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    out.append(node[key])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)

    walk(toc)
    return out


PAGES = _toc_pages()


def _notebook_has_player(entry):
    nb = ROOT / (entry + ".ipynb")
    if not nb.exists():
        return False
    cells = json.loads(nb.read_text())["cells"]
    return any(c["cell_type"] == "code" and ".player(" in "".join(c["source"]) for c in cells)


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    # A first visit would log "Got invalid theme mode"; a returning reader has a mode stored.
    ctx.add_init_script("try { localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light'); } catch (e) {}")
    yield ctx
    ctx.close()


def visit(context, url):
    """Open url; return (page, console errors, blocked external requests)."""
    page = context.new_page()
    errors, blocked = watch(page)
    page.goto(url, wait_until="load")
    return page, errors, blocked


def wait_for_math(page):
    """Wait until MathJax has typeset the page (if the page has any math)."""
    n_math = page.locator(".math").count()
    if n_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        page.evaluate("() => MathJax.startup.promise")
    return n_math


def check_notebook_page(page, entry):
    """A notebook's page has its launch buttons on main, a download of the notebook, and
    numbered statements (sphinx-proof), as the reader expects."""
    colab = page.locator(f"a[href*='colab.research.google.com/github/'][href*='{entry}.ipynb']")
    assert colab.count() >= 1, f"{entry}: no Colab link"
    assert "/blob/main/" in colab.first.get_attribute("href"), "launch buttons must point at main"
    binder = page.locator(f"a[href^='https://mybinder.org/v2/gh/'][href*='/main?'][href$='{entry}.ipynb']")
    assert binder.count() >= 1, f"{entry}: no Binder link on main"
    assert page.locator(f"a[href$='{pathlib.Path(entry).name}.ipynb']").count() >= 1, \
        f"{entry}: no download of the notebook"
    titles = page.locator("div.proof p.admonition-title, div.proof .admonition-title").all_inner_texts()
    if entry.startswith("notebooks/"):   # every section states something formally
        assert titles, f"{entry}: no definition, theorem or other statement rendered"
    if titles:
        assert any(re.search(r"\d", t) for t in titles), f"{entry}: unnumbered statements {titles[:3]}"


def test_every_notebook_page_is_checked():
    """The per-page test runs the notebook checks on every notebook of the toc."""
    assert sum((ROOT / (e + ".ipynb")).exists() for e in PAGES) >= 30


@pytest.mark.parametrize("entry", PAGES)
def test_page(context, site, entry):
    path = HTML / (entry + ".html")
    assert path.exists(), f"{entry}.html was not built"
    page, errors, blocked = visit(context, f"{site}/{entry}.html")
    try:
        n_math = wait_for_math(page)
        if n_math:
            untypeset = page.evaluate(
                "() => [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length")
            assert untypeset == 0, f"{untypeset} of {n_math} formulas were not typeset"
            assert page.locator("mjx-merror").count() == 0, "MathJax reported an error in a formula"
            assert page.locator("mjx-container").count() >= n_math
        # every image has loaded
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=10000)
        broken = page.evaluate(
            "() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src.slice(0, 80))")
        assert not broken, f"broken images: {broken}"
        # players are present and respond to their slider
        players = page.locator(".mlnotes-player")
        if _notebook_has_player(entry):
            assert players.count() >= 1, "the notebook makes a player but the page shows none"
        for i in range(players.count()):
            p = players.nth(i)
            n = int(p.get_attribute("data-frames"))
            img = p.locator("img.mlnotes-player-frame")
            first = img.get_attribute("src")
            if n > 1:
                p.locator("input.mlnotes-player-slider").evaluate(
                    f"(s) => {{ s.value = {n - 1}; s.dispatchEvent(new Event('input')); }}")
                assert img.get_attribute("src") != first, "the player's slider does not change the frame"
        if (ROOT / (entry + ".ipynb")).exists():
            check_notebook_page(page, entry)
        page.wait_for_timeout(200)
        bad = [e for e in errors if e not in ALLOWED_CONSOLE]
        assert not bad, f"console errors: {bad}"
        assert not blocked, f"{len(blocked)} request(s) to the network: {blocked[:5]}"
    finally:
        page.close()

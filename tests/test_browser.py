"""Every page of the built book, as a reader with no network sees it in Chromium.

The book is served from 127.0.0.1 and every other host is unresolvable, so a page
that still needs a CDN fails here. Full-page screenshots land in _build/screenshots/
for a person to look at. ``make browser`` installs Chromium; without it these tests
are skipped with a message that says so.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_toc import ROOT, toc_files
from chromium import CHROMIUM, Chromium
from conftest import BuiltBook

SCREENSHOTS = ROOT / "_build" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"browser tests skipped: headless Chromium not found at {CHROMIUM}; "
    "run `make browser` (scripts/install_browser.sh) to install it",
)


def book_pages() -> list[str]:
    """Pages of the book (toc order) plus Sphinx's own index and search pages."""
    return [*toc_files(), "genindex", "search"]


# What a reader would see: math typeset by MathJax, images loaded, widgets drawn.
# A slider track narrower than this jumps whole steps per pixel of drag.
MIN_TRACK_PX = 100
INSPECT = r"""(async () => {
  const MIN_TRACK = MIN_TRACK_PX_VALUE;
  const visible = el => el.offsetWidth > 0 && el.offsetHeight > 0;
  const math = [...document.querySelectorAll(".math")];
  if (math.length) {
    for (let i = 0; i < 300 && !(window.MathJax && MathJax.startup &&
         MathJax.startup.promise); i++) await new Promise(r => setTimeout(r, 100));
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  }
  const views = [...document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]')];
  const drawn = s => { const area = s.previousElementSibling;
    return area && area.matches(".widget-subarea") && visible(area) &&
      area.querySelector(".jupyter-widgets") !== null; };
  for (let i = 0; i < 300 && !views.every(drawn); i++)
    await new Promise(r => setTimeout(r, 100));
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("pre, code, script, style, textarea, mjx-container"))
      continue;
    if (/\$\$|\\begin\{|\\\[|\\\(/.test(node.textContent))
      raw.push(node.textContent.trim().slice(0, 80));
  }
  return {
    math: math.length,
    untypeset: math.filter(m => !m.querySelector("mjx-container"))
      .map(m => m.textContent.trim().slice(0, 80)),
    mathErrors: document.querySelectorAll("mjx-merror").length,
    raw: raw,
    images: document.images.length,
    brokenImages: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
      .map(i => i.getAttribute("src")),
    views: views.length,
    undrawn: views.filter(s => !drawn(s)).length,
    emptyOutputs: [...document.querySelectorAll(".widget-subarea .widget-output")]
      .filter(o => !visible(o)).length,
    narrowSliders: [...document.querySelectorAll(".widget-slider .slider-container")]
      .filter(t => visible(t.closest(".widget-slider")) &&
                   t.getBoundingClientRect().width < MIN_TRACK).length,
    sliders: document.querySelectorAll(".widget-slider").length,
    overflowingCode: [...document.querySelectorAll("div.cell_input pre")]
      .filter(p => p.clientWidth > 0 && p.scrollWidth > p.clientWidth + 1)
      .map(p => p.textContent.split("\n").reduce((a, b) => a.length > b.length ? a : b)
        .slice(0, 90)),
  };
})()""".replace("MIN_TRACK_PX_VALUE", str(MIN_TRACK_PX))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(built_book: BuiltBook) -> Iterator[str]:
    """The built HTML served on 127.0.0.1 (file:// would hide failed requests)."""
    handler = functools.partial(Quiet, directory=str(built_book.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # no stale shot of a removed page
    chromium = Chromium()
    yield chromium
    chromium.close()


def uses_widgets(page: str) -> bool:
    """True when the page's notebook imports ipywidgets (so it must show a widget)."""
    notebook = ROOT / f"{page}.ipynb"
    return notebook.exists() and "ipywidgets" in notebook.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", book_pages())
def test_page_renders_offline(
    page: str, site: str, browser: Chromium, built_book: BuiltBook
) -> None:
    html = built_book.html / f"{page}.html"
    assert html.exists(), f"{html} was not built (see tests/test_book.py)"
    browser.open(f"{site}/{page}.html")
    seen = browser.evaluate(INSPECT)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENSHOTS / f"{page.replace('/', '__')}.png")

    failures = [f"failed load or error: {line}" for line in browser.problems()]
    if seen["untypeset"] or seen["mathErrors"]:
        failures.append(
            f"MathJax typeset {seen['math'] - len(seen['untypeset'])} of "
            f"{seen['math']} equations ({seen['mathErrors']} TeX errors); "
            f"not typeset: {seen['untypeset'][:5]}"
        )
    if seen["raw"]:
        failures.append(f"raw TeX left in the text: {seen['raw'][:5]}")
    if seen["brokenImages"]:
        failures.append(
            f"{len(seen['brokenImages'])} of {seen['images']} images did not load: "
            f"{seen['brokenImages'][:5]}"
        )
    if uses_widgets(page) and not seen["views"]:
        failures.append(
            "the notebook uses ipywidgets but the page embeds no widget view "
            "(was the widget state saved when it executed?)"
        )
    if seen["undrawn"] or seen["emptyOutputs"]:
        failures.append(
            f"{seen['undrawn']} of {seen['views']} widgets not drawn, "
            f"{seen['emptyOutputs']} widget outputs empty or hidden"
        )
    if seen["narrowSliders"]:
        failures.append(
            f"{seen['narrowSliders']} of {seen['sliders']} sliders have a track under "
            f"{MIN_TRACK_PX} px: lay the controls out so they wrap"
        )
    if seen["overflowingCode"]:
        failures.append(
            f"{len(seen['overflowingCode'])} code cells scroll sideways at "
            f"{browser.width} px (notebooks/ruff.toml sets the line length); longest "
            f"lines: {seen['overflowingCode'][:3]}"
        )
    assert not failures, f"{page} in Chromium, offline:\n" + "\n".join(failures)


def test_screenshot_of_every_page() -> None:
    """Runs after the page tests: one PNG per page, for a person to look at."""
    shots = {
        page: SCREENSHOTS / f"{page.replace('/', '__')}.png" for page in book_pages()
    }
    missing = [page for page, png in shots.items() if not png.is_file()]
    assert not missing, f"no screenshot in {SCREENSHOTS} for {missing}"


def widget_pages_with_math(html_root: Path) -> list[str]:
    """The chapters whose pages have both equations and widgets."""
    found = []
    for page in toc_files():
        html = html_root / f"{page}.html"
        if uses_widgets(page) and html.exists():
            text = html.read_text(encoding="utf-8")
            if 'class="math' in text and "widget-view+json" in text:
                found.append(page)
    return found


def test_widgets_setup_is_still_needed(
    site: str, browser: Chromium, built_book: BuiltBook
) -> None:
    """book/js/widgets-setup.js patches html-manager 1.0.6 under MathJax 3. Loaded
    without it, the pages with equations and widgets must still show what it fixes:
    icon fonts requested from the wrong folder (fix 1), and the manager calling
    MathJax 2's ``MathJax.Hub.Queue`` (fix 2; whether a page hits it depends on
    which loads first, so every such page is tried). When an upgrade makes either
    problem go away, the matching fix should be deleted."""
    pages = widget_pages_with_math(built_book.html)
    assert pages, "no page has both equations and widgets to check the patch on"
    fonts, mathjax = [], []
    browser.send("Network.setBlockedURLs", urls=["*widgets-setup.js"])
    try:
        for page in pages:
            browser.open(f"{site}/{page}.html")
            browser.evaluate(INSPECT)
            for problem in browser.problems():
                if re.search(r"404 .*\.(woff2?|ttf|eot)\b", problem):
                    fonts.append(f"{page}: {problem}")
                elif "reading 'Queue'" in problem:
                    mathjax.append(f"{page}: {problem}")
            if fonts and mathjax:
                break
    finally:
        browser.send("Network.setBlockedURLs", urls=[])
    assert fonts, (
        f"{pages} without widgets-setup.js requested no icon font from a wrong "
        "folder; delete fix 1 of book/js/widgets-setup.js"
    )
    assert mathjax, (
        f"{pages} without widgets-setup.js never called MathJax 2's Hub.Queue; "
        "delete fix 2 of book/js/widgets-setup.js"
    )

"""Launch buttons, internal links and citations of the built book.

The ``-W -n`` build already fails on unknown references and bibliography keys; this
checks what it cannot see: the Colab and Binder buttons of every chapter, every
relative href/src and #anchor in the HTML, links into the book's own GitHub
repository, and MyST roles left as raw text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from book_toc import ROOT, toc_notebooks
from bs4 import BeautifulSoup
from conftest import BuiltBook

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
OWNER_REPO = urlsplit(REPO_URL).path.strip("/")
# A raw MyST role (`{cite:p}`, `{eq}`...) in the rendered text was never parsed.
RAW_ROLE = re.compile(r"\{(cite|eq|ref|numref|doc|term|download)(:[a-z]+)?\}`?")


def chapters() -> list[str]:
    """Toc entries that are notebooks, e.g. ``notebooks/00_setup``."""
    return [
        p.relative_to(ROOT).with_suffix("").as_posix() for p in toc_notebooks().values()
    ]


def pages(html: Path) -> list[Path]:
    return sorted(
        p for p in html.rglob("*.html") if not p.relative_to(html).parts[0] == "_static"
    )


@cache
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def anchors(path: Path) -> set[str]:
    page = soup(path)
    return {tag["id"] for tag in page.find_all(id=True)} | {
        tag["name"] for tag in page.find_all("a", attrs={"name": True})
    }


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_has_launch_buttons(chapter: str, built_book: BuiltBook) -> None:
    page = built_book.html / f"{chapter}.html"
    assert page.exists(), f"{page} was not built"
    path_in_repo = "/".join(
        p
        for p in (CONFIG["repository"].get("path_to_book", ""), f"{chapter}.ipynb")
        if p
    )
    assert (ROOT / path_in_repo).exists(), f"{path_in_repo} is not in the repository"
    links = [a["href"] for a in soup(page).find_all("a", href=True)]
    colab = (
        f"{CONFIG['launch_buttons']['colab_url'].rstrip('/')}/github/{OWNER_REPO}"
        f"/blob/{BRANCH}/{path_in_repo}"
    )
    binder_prefix = (
        f"{CONFIG['launch_buttons']['binderhub_url'].rstrip('/')}/v2/gh/{OWNER_REPO}/"
    )
    assert colab in links, f"{chapter}: no Colab link {colab}; links: {links}"
    binder = [u for u in links if u.startswith(binder_prefix) and path_in_repo in u]
    assert binder, f"{chapter}: no Binder link {binder_prefix}...{path_in_repo}"


def test_internal_links_and_anchors_resolve(built_book: BuiltBook) -> None:
    html = built_book.html
    broken = []
    for page in pages(html):
        for tag in soup(page).find_all(["a", "img", "link", "script"]):
            target = tag.get("href") or tag.get("src")
            if not target or target.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(target)
            if parts.scheme or parts.netloc:
                continue  # external; own-repository links are checked below
            file = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            where = f"{page.relative_to(html)} -> {target}"
            if not file.exists():
                broken.append(f"{where}: no such file")
            elif parts.fragment and file.suffix == ".html":
                if unquote(parts.fragment) not in anchors(file):
                    broken.append(f"{where}: no such anchor")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken)


def test_links_into_the_repository_exist(built_book: BuiltBook) -> None:
    """``.../blob/main/x`` and ``.../tree/main/x`` links name files in this checkout."""
    pattern = re.compile(rf"^{re.escape(REPO_URL)}/(?:blob|tree)/{BRANCH}/([^?#]+)")
    missing = []
    for page in pages(built_book.html):
        for a in soup(page).find_all("a", href=True):
            match = pattern.match(a["href"])
            if match and not (ROOT / unquote(match.group(1))).exists():
                missing.append(f"{page.relative_to(built_book.html)} -> {a['href']}")
    assert not missing, "links to files not in the repository:\n" + "\n".join(missing)


def text_nodes(page: Path, pattern: re.Pattern[str], skip: list[str]) -> list:
    """Text of the page's article matching ``pattern``, outside the ``skip`` tags."""
    body = soup(page).find("article") or soup(page).body
    if body is None:
        return []
    return [
        node for node in body.find_all(string=pattern) if not node.find_parent(skip)
    ]


def test_no_unresolved_roles_or_citations(built_book: BuiltBook) -> None:
    found = []
    for page in pages(built_book.html):
        for node in text_nodes(page, RAW_ROLE, ["pre", "code", "script", "style"]):
            found.append(f"{page.relative_to(built_book.html)}: {node.strip()[:80]}")
        body = soup(page).find("article") or soup(page).body
        if body is None:
            continue
        # Sphinx leaves a cross-reference it could not resolve without its <a>.
        for tag in body.select(".xref, .problematic"):
            if "problematic" in tag["class"] or tag.find_parent("a") is None:
                text = tag.get_text()[:80]
                found.append(f"{page.relative_to(built_book.html)}: {text}")
    assert not found, "unresolved roles or citations:\n" + "\n".join(found)


# The book writes its chapters with two digits ("chapter 04"); "chapter 4" of
# another book (a cited textbook) is not one of ours.
CHAPTER_MENTION = re.compile(r"\b[Cc]hapters?\s+(\d\d)\b")


def test_every_mention_of_an_existing_chapter_is_a_link(
    built_book: BuiltBook,
) -> None:
    """'chapter 04' in running text links to chapter 04; a planned chapter, one
    that does not exist yet, is named in plain text (there is nothing to link)."""
    existing = {int(name[:2]) for name in toc_notebooks()}
    unlinked = []
    skip = ["a", "pre", "code", "script", "style"]
    for page in pages(built_book.html):
        for node in text_nodes(page, CHAPTER_MENTION, skip):
            for match in CHAPTER_MENTION.finditer(node):
                if int(match.group(1)) in existing:
                    context = node.strip().replace("\n", " ")[:90]
                    unlinked.append(f"{page.relative_to(built_book.html)}: {context}")
    assert not unlinked, (
        "mentions of existing chapters that are not links (write "
        "[chapter 04](04_neural_networks.ipynb) or {doc}`04_neural_networks`):\n"
        + "\n".join(unlinked)
    )


@pytest.mark.parametrize("chapter", chapters())
def test_equations_are_numbered_per_chapter(
    chapter: str, built_book: BuiltBook
) -> None:
    """Chapter 5's equations read (5.1), (5.2), ... (book/_ext/chapter_equations.py)."""
    number = int(Path(chapter).name[:2])
    page = soup(built_book.html / f"{chapter}.html")
    labels = []
    for span in page.select("span.eqno"):
        for anchor in span.select("a.headerlink"):
            anchor.extract()  # the pilcrow link next to the number
        labels.append(span.get_text(strip=True))
    expected = [f"({number}.{k})" for k in range(1, len(labels) + 1)]
    assert labels == expected, f"{chapter}: equation numbers {labels[:8]}..."
    references = [a.get_text(strip=True) for a in page.select("a.reference span")]
    wrong = [
        r for r in references if re.fullmatch(r"\(\d+(\.\d+)?\)", r) and "." not in r
    ]
    assert not wrong, f"{chapter}: equation references without chapter: {wrong}"

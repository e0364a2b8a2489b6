"""`search serve` in a real browser: Debian's chromium driven by Playwright.

The server is the real command (`search serve --port 0`) in a subprocess; the
browser types a query, follows a hit to its article, and must never run the
script that an article and a query carry.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SEARCH_BIN, SEED_NAME, SEED_TURKEY_PEACEKEEPING, invoke

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_QUERY = 'ceasefire "><img src=x onerror="window.__injected=1">'
HOSTILE_TEXT = (
    "A <script>window.__injected = 2</script> ceasefire note <img src=y onerror=alert(3)>."
)

pytestmark = pytest.mark.browser
SEED_HITS = [sentence for _name, sentence in SEED_TURKEY_PEACEKEEPING]
SEED_PARAGRAPHS = 20  # a paragraph per line, no blank lines


def _playwright():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return sync_playwright


@pytest.fixture
def served(tmp_path: Path, corpus: Path):
    """`search serve` on a free loopback port over the corpus and a hostile article."""
    (corpus / "hostile<script>.txt").write_text(f"June 4, 2025\n{HOSTILE_TEXT}\n", "utf-8")
    index_dir = tmp_path / "index"
    result = invoke("index", str(corpus), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    process = subprocess.Popen(
        [str(SEARCH_BIN), "serve", "--index-dir", str(index_dir), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.search(r" at (http://127\.0\.0\.1:\d+/) ", line)
    try:
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 130


def test_search_read_an_article_and_run_no_injected_script(served: str, tmp_path: Path) -> None:
    sync_playwright = _playwright()
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            outside: list[str] = []
            page.on(
                "request",
                lambda request: (
                    None if request.url.startswith(served) else outside.append(request.url)
                ),
            )
            page.goto(served)

            # "/" focuses the search box; typing and Enter submit the plain GET form.
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("/")
            assert page.evaluate("document.activeElement.id") == "q"
            page.keyboard.type("Turkey peacekeeping")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"\?q=Turkey\+peacekeeping"))

            hits = page.locator("ol.hits > li.hit")
            assert hits.count() == 6
            first = hits.nth(0)
            marked = {text.lower() for text in first.locator("mark").all_inner_texts()}
            assert marked == {"turkey", "peacekeeping"}
            assert page.locator(".summary").inner_text().startswith("6 sentences")
            page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

            # The best hit of the seed opens its article with the hit marked and in view.
            link = page.locator("ol.hits a.where", has_text=SEED_NAME).first
            number = int(link.inner_text().rsplit(":", 1)[1])
            link.click()
            page.wait_for_url(re.compile(rf"/articles/.*#s{number}$"))
            _assert_current_hit_in_view(page, number)
            # The article reads in its paragraphs, every query word marked in all of them,
            # and the page's title is the article's (its headline, when its file has one).
            assert page.locator("p.paragraph").count() == SEED_PARAGRAPHS
            marked = page.locator(".text mark").all_inner_texts()
            assert {word.lower() for word in marked} == {"turkey", "peacekeeping"}
            assert len(marked) > 2 * len(SEED_HITS)  # not only the hits' words
            assert page.title() == f"{SEED_NAME} · search"
            # Next and previous hit walk the article's hits in order, without a script.
            position = SEED_HITS.index(number)
            nav = page.locator("nav.hit-nav")
            assert f"hit {position + 1} of {len(SEED_HITS)}" in nav.inner_text()
            following = SEED_HITS[position + 1]
            nav.locator("a[rel=next]").click()
            page.wait_for_url(re.compile(rf"#s{following}$"))
            _assert_current_hit_in_view(page, following)
            page.locator("nav.hit-nav a[rel=prev]").click()
            page.wait_for_url(re.compile(rf"#s{number}$"))
            _assert_current_hit_in_view(page, number)
            page.screenshot(path=str(tmp_path / "seed-article.png"), full_page=True)

            # Words anywhere in an article: one card per article, its best sentences marked.
            page.goto(served)
            page.fill("#q", "Turkey peacekeeping")
            page.check("input[name=scope]")
            page.press("#q", "Enter")
            page.wait_for_url(re.compile(r"scope=article"))
            cards = page.locator("li.story")
            assert cards.count() == 2  # the seed and the elections (the briefing lacks Turkey)
            assert page.locator(".summary").inner_text().startswith("2 articles")
            assert cards.nth(0).locator(".best li").count() <= 3
            assert cards.nth(0).locator("mark").count() >= 2

            # A hostile query and a hostile article render as text; nothing runs.
            page.goto(served)
            page.fill("#q", HOSTILE_QUERY)
            page.check("input[name=any]")
            page.press("#q", "Enter")
            page.wait_for_load_state()
            texts = page.locator("ol.hits p.text").all_inner_texts()
            assert any("<script>window.__injected = 2</script>" in text for text in texts)
            page.locator("a.where", has_text="hostile<script>").click()
            page.wait_for_load_state()
            current = page.locator(".sentence.current").inner_text()
            assert "<script>window.__injected = 2</script>" in current
            assert page.locator("h1").inner_text() == "hostile<script>"
            page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
            assert page.evaluate("window.__injected === undefined")
            assert dialogs == []
            assert outside == []
        finally:
            browser.close()
    assert (tmp_path / "results.png").stat().st_size > 10_000


def _assert_current_hit_in_view(page, number: int) -> None:
    hit = page.locator(".sentence.current")
    assert hit.get_attribute("id") == f"s{number}"
    assert hit.get_attribute("aria-current") == "true"
    assert "hit" in (hit.get_attribute("class") or "").split()
    assert page.evaluate(
        "(() => { const r = document.querySelector('.sentence.current').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
    )


def test_the_article_page_works_without_javascript(served: str) -> None:
    sync_playwright = _playwright()
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{served}?q=Turkey+peacekeeping&sort=article")
            page.get_by_role("link", name=f"{SEED_NAME}:1", exact=True).click()
            page.wait_for_url(re.compile(r"#s1$"))
            for following in SEED_HITS[1:]:
                page.locator("nav.hit-nav a[rel=next]").click()
                page.wait_for_url(re.compile(rf"#s{following}$"))
                assert page.locator(".sentence.current").get_attribute("id") == f"s{following}"
            assert page.locator("nav.hit-nav a[rel=next]").count() == 0
        finally:
            browser.close()

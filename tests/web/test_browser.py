"""The search page and the reader view in headless Chromium, against ``archive serve``
running on a free loopback port over an archive built from raw/ (plus hostile pages)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def state(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def total(page) -> int:
    return int(page.get_attribute("#total", "data-total"))


def no_script_ran(page) -> None:
    assert page.dialogs == []
    assert page.title() != "PWNED"
    assert page.evaluate("document.documentElement.dataset.pwned || document.body.dataset.pwned || null") is None


def test_type_a_query_filter_by_a_facet_remove_the_chip_and_go_back(page) -> None:
    page.goto("/")
    everything = total(page)
    page.fill("#q", "people")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=people"))
    found = total(page)
    assert 0 < found < everything
    assert page.locator("ol.hits li").count() == min(10, found)
    assert page.locator("ol.hits mark").count() > 0

    site = page.locator('.facet[data-facet="site"] a').first
    name = site.locator(".value").inner_text()
    count = int(site.locator(".count").inner_text().replace(",", ""))
    site.click()
    page.wait_for_url(re.compile(r"site="))
    assert state(page)["site"] == [name] and state(page)["q"] == ["people"]
    assert total(page) == count < found
    chip = page.locator("a.chip")
    assert chip.count() == 1 and name in chip.inner_text()
    listed = page.locator('.facet[data-facet="site"] a.active .value')
    assert listed.inner_text() == name

    chip.click()
    page.wait_for_url(lambda url: "site=" not in url)
    assert total(page) == found and page.locator("a.chip").count() == 0

    page.go_back()
    assert state(page).get("site") == [name] and total(page) == count
    page.go_back()
    assert "site" not in state(page) and total(page) == found
    page.go_forward()
    assert state(page).get("site") == [name]
    no_script_ran(page)


def test_a_histogram_bar_narrows_the_dates_and_the_sort_changes_order(page) -> None:
    page.goto("/")
    bars = page.locator("svg a.bar")
    assert bars.count() >= 10
    label = bars.nth(bars.count() - 2).get_attribute("aria-label")
    year, count = re.match(r"(\d{4}): (\d+)", label).groups()
    bars.nth(bars.count() - 2).click()
    page.wait_for_url(re.compile(rf"since={year}"))
    assert state(page)["since"] == [year] and state(page)["until"] == [year]
    assert total(page) == int(count)
    assert page.locator("a.chip", has_text=f"date: {year}").count() == 1
    assert re.match(rf"{year}-\d\d: ", page.locator("svg a.bar").first.get_attribute("aria-label"))

    page.goto("/?q=people")
    page.select_option("select[name=sort]", "oldest")  # the script submits the form
    page.wait_for_url(re.compile(r"sort=oldest"))
    dates = [d for d in page.locator("ol.hits time").all_inner_texts() if d != "undated"]
    assert dates == sorted(dates)


def test_the_search_page_works_without_javascript(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=server.url)
    page = context.new_page()
    page.goto("/")
    page.fill("#q", "missile")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"q=missile"))
    stories = total(page)  # the founding article's two captures are one story, one hit
    assert stories >= 1 and page.locator("a.copies").first.inner_text() == "2 copies"
    page.click(".copies-toggle a")
    page.wait_for_url(re.compile(r"copies=all"))
    assert total(page) == stories + 1
    page.locator('.facet[data-facet="author"] a').first.click()
    page.wait_for_url(re.compile(r"author="))
    assert page.locator("a.chip").count() == 1
    context.close()


def test_the_keyboard_reaches_the_search_box_results_and_facets(page) -> None:
    page.goto("/?q=missile")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator("body").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.focus("ol.hits li:first-child h2 a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]{16}$"))


def test_reader_view_diff_and_the_original_whose_script_never_runs(page) -> None:
    page.goto("/?q=%22Belarus+Still+Resisting%22")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]{16}$"))
    assert page.locator("h1").inner_text() == "Belarus Still Resisting Missile Deployment"
    assert page.locator(".body p").count() > 5
    assert page.locator("table.versions tbody tr").count() == 2
    assert page.locator(".similar li").count() >= 1
    assert page.locator("table.provenance").inner_text().count("meta") >= 1
    reader = page.url

    page.click(".diff-form button")
    page.wait_for_url(re.compile(r"/diff\?from=1&to=2"))
    assert "Belarus Still Resisting" in page.locator("table.changes").inner_text()
    assert page.locator(".bodydiff p.ins", has_text="Updated: Russian officials").count() == 1
    page.go_back()
    assert page.url == reader

    page.goto("/?q=zebrafish")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    no_script_ran(page)
    assert "<script>document.title='PWNED'</script>" in page.locator("h1").inner_text()
    assert "<b onmouseover=alert(4)>Evil Site" in page.locator(".article-head .meta").inner_text()
    page.click("text=Original capture")
    page.wait_for_url(re.compile(r"/original$"))
    assert "Zebrafish" in page.content()
    no_script_ran(page)


def test_hostile_pages_run_no_script_anywhere(page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for address in ("/?q=zebrafish+OR+newtfish", "/?tag=%3Csvg+onload%3Dalert(2)%3E", "/stats"):
        page.goto(address)
        no_script_ran(page)
        for link in page.locator("a").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    page.goto("/?q=newtfish")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator(".url a").count() == 0
    for link in page.locator("a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    page.hover("h1")
    page.hover(".article-head .meta")
    no_script_ran(page)
    assert errors == []


def test_the_page_reads_on_a_phone(browser, server) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, base_url=server.url)
    page = context.new_page()
    for address in ("/?q=people", "/stats"):
        page.goto(address)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, address
    page.goto("/?q=people")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()

"""End to end in a real browser: Playwright drives Debian's chromium against the app served
in-process (uvicorn in a thread, fresh SQLite database).

The flow is the issue's acceptance: log in; upload ``dev-000.txt``; open its review item and
see the highlighted date, time, duration, place, actor and organisations; correct one
value; link it to a measure of Japan's third plan; accept; find it through search; see it
on its plan measure, on the dashboard and, after publishing, in the anonymous view.
Each page is photographed under ``test-artifacts/``.

The example JP-NAP3 is written down to objectives only, so the test adds one measure to it
through the plans domain before the server starts.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_reference

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CORPUS_FILE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "dev-000.txt"
PASSWORD = "a long password for the browser"
MEASURE = ("1.1.1", "Hold dialogues with women working in UN organisations on WPS")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "no /usr/bin/chromium (CI installs it and runs these tests)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _add_measure(conn: Any) -> None:
    """Give JP-NAP3 one measure under its first objective (the example stops at objectives)."""
    from wpstrack import plans
    from wpstrack.plans.model import Item
    from wpstrack.plans.store import read_plan, save_plan

    plans.load_examples(conn)
    plan = read_plan(conn, "JP-NAP3")
    parent = next(item for item, _p, _i in plan.walk() if item.kind == "objective")
    parent.children.append(Item(code=MEASURE[0], kind="measure", title=MEASURE[1]))
    save_plan(conn, plan, replace=True)


@dataclass
class Server:
    url: str
    engine: Any


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app over a fresh SQLite database, served by uvicorn in a thread."""
    import uvicorn

    from wpstrack import users
    from wpstrack.settings import Settings
    from wpstrack.web import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'wpstrack.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
        _add_measure(conn)
        users.add_user(conn, users.user_in("reviewer1", "admin", PASSWORD), actor=None)
    data_dir = tmp_path_factory.mktemp("browser-data")
    app = create_app(Settings(_env_file=None, database_url=url, data_dir=data_dir), engine=engine)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "the server did not start"
    yield Server(f"http://127.0.0.1:{port}", engine)
    uv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _value_item(page: Any, field: str) -> Any:
    """The review page's list item of the first value of ``field``."""
    # Labels come from the field catalogue; the item names its field for scripts and tests.
    return page.locator(f'ol.values > li[data-field="{field}"]').first


def test_review_publish_and_find_a_release_end_to_end(server: Server, browser: Any) -> None:
    if not CORPUS_FILE.exists():
        pytest.skip("../shared/corpus/dev/dev-000.txt is not present")
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)

    page.goto(f"{server.url}/login")
    _shot(page, "01-login")
    page.fill("input[name=username]", "reviewer1")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]", has_text=re.compile("log in", re.I)).click()
    expect(page.locator(".account")).to_contain_text("reviewer1")

    page.goto(f"{server.url}/documents")
    page.set_input_files("#upload-files", str(CORPUS_FILE))
    expect(page.locator(".chosen")).to_contain_text("dev-000.txt")  # our script lists it
    # The release names no publisher: the desk says whose it is, and so whose plan counts it.
    page.fill("#upload-publisher", "Ministry of Foreign Affairs of Japan")
    page.get_by_role("button", name="Upload and extract").click()
    results = page.locator("#upload-results")
    expect(results).to_contain_text("dev-000.txt: ingested")
    _shot(page, "02-documents-uploaded")

    results.get_by_role("link", name="review it").click()
    expect(page).to_have_url(re.compile(r"/review/\d+$"))
    document_id = int(page.url.rsplit("/", 1)[1])
    for field in (
        "date",
        "start_time_local",
        "duration_minutes",
        "city",
        "principal_actors",
        "organisations",
    ):
        expect(page.locator(f'.document-pane mark[data-field="{field}"]').first).to_be_visible()
    expect(page.locator('mark[data-field="city"]').first).to_have_text("New York")
    _shot(page, "03-review-item")

    city = _value_item(page, "city")
    city.locator("input[name=value]").fill("New York City")
    city.get_by_role("button", name="Correct").click()
    expect(_value_item(page, "city")).to_contain_text("corrected")
    expect(_value_item(page, "city")).to_contain_text("New York City")

    option = page.locator("#plan-item option", has_text=f"JP-NAP3 {MEASURE[0]} (measure)")
    page.select_option("#plan-item", value=option.get_attribute("value"))
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#links ~ ul")).to_contain_text(MEASURE[0])
    _shot(page, "04-review-corrected-linked")

    page.get_by_role("button", name=re.compile("Accept the record")).click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.locator(f'main a[href="/review/{document_id}"]')).to_have_count(0)
    _shot(page, "05-accepted")

    page.goto(f"{server.url}/search")
    page.fill("#search-q", "Kamikawa dialogue")
    page.locator("#search-q").press("Enter")  # our script swaps the results in
    expect(page).to_have_url(re.compile(r"/search\?q=Kamikawa\+dialogue$"))
    hit = page.locator("ol.results li").filter(has_text="dialogue").first
    expect(hit).to_be_visible()
    expect(page.locator("ol.results mark").first).to_be_visible()
    _shot(page, "06-search")

    activity_link = page.locator('ol.results a[href^="/activities/"]').first
    activity_url = activity_link.get_attribute("href")
    assert activity_url
    page.goto(server.url + activity_url)
    expect(page.locator("body")).to_contain_text("New York City")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("button", name=re.compile("Withdraw"))).to_be_visible()
    _shot(page, "07-activity-published")

    page.goto(f"{server.url}/plans/JP-NAP3")
    measure = page.locator("ul.tree li.kind-measure").filter(has_text=MEASURE[0]).first
    expect(measure.locator(f'ul.linked-activities a[href="{activity_url}"]')).to_be_visible()
    _shot(page, "08-plan-measure")
    page.goto(f"{server.url}/activities?plan_item={_plan_item_id(server)}")
    expect(page.locator(f'a[href="{activity_url}"]').first).to_be_visible()

    page.goto(f"{server.url}/")
    expect(page.locator("section", has=page.locator("#h-latest"))).to_contain_text(
        "Kamikawa held a dialogue"
    )
    expect(page.locator("svg.chart").first).to_be_visible()
    _shot(page, "09-dashboard")

    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{server.url}/")
    expect(anonymous.locator(".account")).to_contain_text("Log in")
    expect(anonymous.locator("body")).to_contain_text("Kamikawa held a dialogue")
    anonymous.goto(f"{server.url}/search?q=Kamikawa")
    expect(anonymous.locator(f'ol.results a[href="{activity_url}"]')).to_be_visible()
    anonymous.goto(f"{server.url}/activities?q=Kamikawa+dialogue")
    expect(anonymous.locator(f'main a[href="{activity_url}"]').first).to_be_visible()
    anonymous.goto(f"{server.url}/plans/JP-NAP3")
    expect(anonymous.locator(f'ul.linked-activities a[href="{activity_url}"]')).to_be_visible()
    anonymous.goto(server.url + activity_url)
    expect(anonymous.locator("body")).to_contain_text("New York City")
    anonymous.goto(f"{server.url}/documents/{document_id}")
    expect(anonymous.locator('mark[data-field="date"]').first).to_be_visible()
    _shot(anonymous, "10-anonymous-activity-document")
    context.close()


def _plan_item_id(server: Server) -> int:
    from sqlalchemy import select

    from wpstrack import schema

    item = schema.plan_item
    with server.engine.connect() as conn:
        return int(conn.execute(select(item.c.id).where(item.c.code == MEASURE[0])).scalar_one())


def test_files_dropped_on_the_upload_form_are_chosen(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_context().new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "reviewer1")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]", has_text=re.compile("log in", re.I)).click()
    page.goto(f"{server.url}/documents")
    transfer = page.evaluate_handle(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["A dropped release."], "dropped.txt", {type: "text/plain"}));
            return data;
        }"""
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": transfer})
    expect(page.locator(".chosen")).to_contain_text("dropped.txt")
    assert page.eval_on_selector("#upload-files", "input => input.files.length") == 1


RELEASE_JA_TEST = (
    "Press Release\n"
    "May 21, 2024\n"
    "State Minister held a courtesy call with the Executive Director of UN Women\n"
    "On May 21, commencing at 2:00 p.m. for approximately 25 minutes, the State Minister for "
    "Foreign Affairs received a courtesy call in Tokyo from the Executive Director of UN Women "
    "and discussed women, peace and security under resolution 1325.\n"
)
# What the interface is made of; on a Japanese page none of it is English.
INTERFACE = (
    "#site-nav a, label, button, th[scope=col], caption, legend, dt, h2, h3, "
    ".review-nav > a, .alert, .notice"
)
SAME_IN_BOTH = {"wpstrack", "English", "Word", "reviewer1"}


def _english_in_interface(page: Any) -> list[str]:
    """Interface texts of the page (records' own words left out) that hold English words."""
    texts = page.locator(INTERFACE).evaluate_all(
        """nodes => nodes.filter(n => n.offsetParent !== null || n.closest('.visually-hidden'))
            .filter(n => !n.querySelector('a[href^="/activities/"], a[href^="/organisations/"]'))
            .map(n => { const c = n.cloneNode(true);
                        c.querySelectorAll('code, kbd, strong').forEach(k => k.remove());
                        return c.textContent; })"""
    )
    found = []
    for text in texts:
        words = re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text)
        if [w for w in words if w not in SAME_IN_BOTH and not w.isupper()]:
            found.append(" ".join(text.split())[:80])
    return found


def test_a_reviewer_switches_to_japanese_reviews_and_accepts_a_draft(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    release = tmp_path / "courtesy-call.txt"
    release.write_text(RELEASE_JA_TEST, encoding="utf-8")
    page = browser.new_context(locale="en-GB").new_page()
    page.set_default_timeout(30_000)

    page.goto(f"{server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".language-switch").get_by_role("button", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.fill("input[name=username]", "reviewer1")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()
    expect(page.locator(".account")).to_contain_text("管理者")

    page.goto(f"{server.url}/documents")
    expect(page.get_by_role("heading", name="文書", exact=True)).to_be_visible()
    page.set_input_files("#upload-files", str(release))
    page.get_by_role("button", name="アップロードして抽出").click()
    results = page.locator("#upload-results")
    expect(results).to_contain_text("courtesy-call.txt: 取込済み")
    assert _english_in_interface(page) == []

    results.get_by_role("link", name="確認する").click()
    expect(page).to_have_url(re.compile(r"/review/\d+$"))
    expect(page.get_by_role("heading", name="提案された活動")).to_be_visible()
    kind = page.locator('.facts dd[data-field="type"]')
    expect(kind).to_have_text(re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff・]+$"))  # a label, no code
    type_label = kind.inner_text()
    expect(page.locator(".facts")).to_contain_text("2024年5月21日")
    _shot(page, "11-review-item-ja")
    assert _english_in_interface(page) == []

    city = _value_item(page, "city")
    city.locator("input[name=value]").fill("Tokyo")
    city.get_by_role("button", name="修正", exact=True).click()
    expect(_value_item(page, "city").locator(".decision")).to_have_text("修正")
    assert _english_in_interface(page) == []

    page.get_by_role("button", name=re.compile("この記録を承認")).click()
    expect(page.get_by_role("heading", name="確認待ち一覧")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert _english_in_interface(page) == []
    _shot(page, "12-accepted-ja")

    page.goto(f"{server.url}/activities")
    row = page.locator("tbody tr").filter(has_text="courtesy call with the Executive").first
    expect(row).to_contain_text(type_label)
    expect(row).to_contain_text("確認済み")
    row.locator("a").first.click()
    expect(page.locator(".facts")).to_contain_text("所要時間 (分)")
    assert _english_in_interface(page) == []
    _shot(page, "13-activity-ja")

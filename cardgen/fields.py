"""Page fields as display strings, shared by every backend (so a deck, an image and a card agree)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cardgen.page import Link, Page


def authors_line(page: Page, max_names: int = 3) -> str:
    """The authors as the page's language lists them: "A, B and C", "A, B y C", "A、B、C"; past
    `max_names`: "A, B and 3 others" (never a lone "and 1 other")."""
    from cardgen.i18n import join_names

    return join_names(list(page.author_names), page.language, max_names)


def contact_lines(page: Page, limit: int = 3) -> list[tuple[str, str]]:
    """How to reach the authors, as (text, link) lines: "Ada Lovelace · ada@lab.org" (a mailto link) for
    authors whose profile gives an address, else the authors' names and affiliations; [] when unknown."""
    reachable = [a for a in page.authors if a.email][:limit]
    if reachable:
        return [(f"{a.name} · {a.email}", f"mailto:{a.email}") for a in reachable]
    names = authors_line(page, 4)
    affiliations = " · ".join(dict.fromkeys(a.affiliation for a in page.authors if a.affiliation))
    return [(line, "") for line in (names, affiliations) if line]


def date_line(page: Page) -> str:
    """The page date as its language writes a month: "July 2020", "julio de 2020", "2020年7月" (month
    precision suits project pages); '' when unknown."""
    from cardgen.i18n import format_month

    return format_month(page.date, page.language)


def site_line(page: Page) -> str:
    """Site title, else the host of the page URL or external link, else ''."""
    if page.site_title:
        return page.site_title
    from urllib.parse import urlparse

    for url in (page.url, page.external_link):
        host = urlparse(url).hostname if url else None
        if host:
            return host.removeprefix("www.")
    return ""


#: Text labels for the theme's link icons (decks and cards show words, not icon fonts).
ICON_LABELS = {
    "github": "GitHub",
    "gitlab": "GitLab",
    "twitter": "X / Twitter",
    "x-twitter": "X",
    "youtube": "YouTube",
    "r-project": "R",
    "python": "Python",
    "arxiv": "arXiv",
    "google-scholar": "Google Scholar",
    "open-access": "Open access",
    "researchgate": "ResearchGate",
    "orcid": "ORCID",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "envelope": "Email",
    "file-pdf": "PDF",
    "book": "Book",
    "video": "Video",
    "database": "Data",
    "code": "Code",
    "globe": "Website",
}


def link_label(link: Link) -> str:
    """The link's name plus, when it adds something, the service its icon stands for."""
    service = ICON_LABELS.get(link.icon.lower(), "") if link.icon else ""
    if service and service.lower() not in link.name.lower():
        return f"{link.name} ({service})"
    return link.name


def display_url(url: str, limit: int = 60) -> str:
    """A URL as people read it: no scheme, no trailing slash, middle-elided when long."""
    text = url.split("://", 1)[-1].rstrip("/")
    if len(text) > limit:
        keep = limit - 1
        text = text[: keep * 2 // 3] + "…" + text[-(keep - keep * 2 // 3):]
    return text


#: Link texts that name the project's own site ("Project website", "ホームページ").
SITE_LINK_WORDS = (
    "website", "web site", "homepage", "home page", "project page", "project site", "official site",
    "ホームページ", "ウェブサイト", "公式サイト", "プロジェクトページ", "项目主页", "官网", "主页", "網站", "홈페이지",
    "sitio web", "página web", "site web", "webseite", "web sitesi",
)
#: Words of a short paragraph that only points to the project ("For more detail, visit here.").
POINTER_WORDS = (
    "visit", "more detail", "more information", "more info", "learn more", "read more", "find out more",
    "詳細", "詳しく", "详情", "詳情", "자세한", "más información", "plus d'informations", "mehr erfahren",
    "daha fazla",
)
#: Hosts a body link points to for a paper, code or a reference, never the project's own site.
NOT_PROJECT_HOSTS = (
    "github.com", "gitlab.com", "bitbucket.org", "arxiv.org", "doi.org", "dx.doi.org", "scholar.google.com",
    "youtube.com", "youtu.be", "vimeo.com", "twitter.com", "x.com", "wikipedia.org", "zenodo.org",
    "pypi.org", "cran.r-project.org",
)


#: Links the Academic/Wowchemy starter pages ship with ("Follow" → @Twitter), left in by many sites.
THEME_EXAMPLE_LINKS = frozenset({"twitter.com/twitter", "x.com/twitter"})


def main_url(page: Page) -> str:
    """The one address a QR code, a closing slide and a card footer point to (see `main_url_choice`)."""
    return main_url_choice(page)[0]


def main_url_choice(page: Page) -> tuple[str, str]:
    """(url, where it came from): the rule behind `main_url`, shown by `cardgen inspect`.

    In order: `external_link` (the theme sends visitors there instead of the page) → the page's
    public URL (site baseURL known) → `url_project` → the body's link to the project's own site
    (`body_project_link`) → the first absolute link of `links:`/`url_*` (the theme's example links
    left in a page are not one). ('', '') when none is absolute.
    """
    if page.external_link.startswith(("http://", "https://")):
        return page.external_link, "external_link"
    if page.url.startswith(("http://", "https://")):
        return page.url, "page URL"
    absolute = [k for k in page.links if k.url.startswith(("http://", "https://"))]
    for link in absolute:
        if link.kind == "project":
            return link.url, "url_project"
    body = body_project_link(page)
    if body:
        return body, "body link"
    rest = [k for k in absolute if not example_link(k.url)]
    return (rest[0].url, "links") if rest else ("", "")


def example_link(url: str) -> bool:
    """The starter pages' example links left in (`https://twitter.com/Twitter`) or a service's bare
    home page (`https://medium.com`): never the project's address, nothing for a reader to follow."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    host = (parsed.hostname or "").removeprefix("www.")
    path = parsed.path.strip("/").lower()
    if f"{host}/{path}".rstrip("/") in THEME_EXAMPLE_LINKS:
        return True
    return (host in NOT_PROJECT_HOSTS or host in ("medium.com",)) and path == ""


def body_project_link(page: Page) -> str:
    """The body's link to the project's own site: one whose text names a website ("Project website",
    "ホームページ"), or the link of a short paragraph that only points there ("For more detail, [visit
    here](…)"). Links to code, papers (PDF, DOI) and references are never it."""
    from urllib.parse import urlparse

    for text, runs in _body_inlines(page.document.blocks):
        linked = [r for r in runs if r.href and r.href.startswith(("http://", "https://"))]
        if not linked:
            continue
        lowered = " ".join(text.lower().split())
        pointer = len(lowered) < 120 and any(word in lowered for word in POINTER_WORDS)
        for run in linked:
            href = str(run.href)
            parsed = urlparse(href)
            host = (parsed.hostname or "").removeprefix("www.")
            if parsed.path.lower().endswith(".pdf") or any(
                host == h or host.endswith("." + h) for h in NOT_PROJECT_HOSTS
            ):
                continue
            if pointer or any(word in run.text.lower() for word in SITE_LINK_WORDS):
                return href
    return ""


def _body_inlines(blocks: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    """(plain text, runs) of every paragraph and list item, in reading order, nested ones included."""
    from cardgen.document import Callout, ListBlock, Paragraph, Quote

    found: list[tuple[str, tuple[Any, ...]]] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            found.append((block.text, block.runs))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.append((item.text, item.runs))
                found.extend(_body_inlines(item.children))
        elif isinstance(block, (Quote, Callout)):
            found.extend(_body_inlines(block.children))
    return found


# --------------------------------------------------------------------------- fields of template layers


def body_paragraphs(page: Page, limit: int = 1200) -> tuple[str, ...]:
    """The first paragraphs of the body (lists become 'item; item'), up to about `limit` characters,
    leaving out those that repeat the description (unless nothing else is left). Paragraphs that only
    point elsewhere ("For more detail, visit here.") are skipped: the link is on the card already."""
    from cardgen.document import ListBlock, Paragraph, Quote, plain
    from cardgen.text.plain import to_plain

    paragraphs: list[str] = []
    total = 0
    for block in page.document.blocks:
        if isinstance(block, Paragraph):
            if _mostly_link(block.runs):
                continue
            text = plain(block.runs)
        elif isinstance(block, ListBlock):
            text = "; ".join(plain(item.runs).strip() for item in block.items if plain(item.runs).strip())
        elif isinstance(block, Quote):
            text = " ".join(plain(b.runs) for b in block.children if isinstance(b, Paragraph))
        else:
            continue
        text = " ".join(to_plain(text).split())
        if not text:
            continue
        paragraphs.append(text)
        total += len(text)
        if total >= limit:
            break
    shown = " ".join(page.description.split())
    fresh = [p for p in paragraphs if p not in shown]
    if fresh:
        return tuple(fresh)
    if not paragraphs and page.description:
        paragraphs.append(page.description)
    return tuple(paragraphs)


def _mostly_link(runs: tuple[Any, ...]) -> bool:
    """A short paragraph that is mostly link text (it only points elsewhere; useless on paper)."""
    from cardgen.document import plain

    total = len(plain(runs).strip())
    linked = sum(len(r.text.strip()) for r in runs if r.href)
    return 0 < total < 120 and linked > 0 and (linked >= total * 0.5 or total < 40)


def print_links(page: Page, limit: int = 5) -> tuple[tuple[str, str], ...]:
    """(label, URL) of the page's absolute links, the main URL first."""
    from cardgen.i18n import labels

    words = labels(page.language)
    qr_url = page.main_url
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in page.links:
        url = link.url.strip()
        if not url.startswith(("http://", "https://")) or url.rstrip("/") in seen:
            continue
        seen.add(url.rstrip("/"))
        rows.append((link_label(link) or words.text("link"), url))
    if qr_url and qr_url.rstrip("/") not in seen:
        rows.insert(0, (words.text("project_page"), qr_url))
    return tuple(rows[:limit])


def back_links(page: Page, limit: int = 4) -> tuple[tuple[str, str], ...]:
    """(label, URL) of the links worth printing beside a QR code: absolute addresses only (so no label
    is ever printed without its address), each once, and not the QR code's own URL (printed under it)."""
    from cardgen.i18n import labels

    main = page.qr_url.rstrip("/")
    rows: list[tuple[str, str]] = []
    seen = {main} if main else set()
    for link in page.links:
        url = link.url.strip()
        if not url.startswith(("http://", "https://")) or url.rstrip("/") in seen:
            continue
        seen.add(url.rstrip("/"))
        rows.append((link_label(link) or labels(page.language).text("link"), url))
    return tuple(rows[: max(0, limit)])


def highlight_texts(page: Page, limit: int) -> tuple[str, ...]:
    """The page's highlights as plain strings ("Heading: sentence"); the card back styles them itself."""
    from cardgen.content import highlights

    return tuple(h.as_text() for h in highlights(page, limit))


def scan_hint(page: Page) -> str:
    """"Scan to open", for a card back whose QR code is all it has to add to the front."""
    from cardgen.i18n import labels

    if not page.qr_url or highlight_texts(page, 1) or back_links(page, 1):
        return ""
    return labels(page.language).text("scan_to_open")


def _front_matter(page: Page, key: str) -> str:
    value: Any = page.front_matter
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if isinstance(v, (str, int, float)))
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


TextField = Callable[["Page", int], str]
ListField = Callable[["Page", int], "tuple[Any, ...]"]

#: Fields a text layer's `field = "…"` can show, as one string (`max_items` bounds list-like ones).
TEXT_FIELDS: dict[str, TextField] = {
    "title": lambda page, n: page.title_plain or page.slug,
    "subtitle": lambda page, n: page.subtitle,
    "summary": lambda page, n: page.description,
    "description": lambda page, n: page.description,
    "authors": lambda page, n: authors_line(page, max_names=n),
    "date": lambda page, n: date_line(page),
    "site": lambda page, n: site_line(page),
    "kicker": lambda page, n: site_line(page) or date_line(page),
    "tags": lambda page, n: ", ".join(t.strip() for t in page.tags[:n] if t.strip()),
    "categories": lambda page, n: ", ".join(c.strip() for c in page.categories[:n] if c.strip()),
    "url": lambda page, n: display_url(page.main_url, 48) if page.main_url else "",
    "caption": lambda page, n: page.image.caption_text.strip(),
    "scan_hint": lambda page, n: scan_hint(page),
}
#: Fields that are several items: `body` (paragraphs), `links` ((label, URL) rows), `back_links` (the
#: links but the QR code's URL), `highlights` (a few items of the page's structure, `cardgen.content`).
LIST_FIELDS: dict[str, ListField] = {
    "body": lambda page, n: body_paragraphs(page),
    "links": lambda page, n: print_links(page, limit=n),
    "back_links": lambda page, n: back_links(page, limit=n),
    "highlights": lambda page, n: highlight_texts(page, n),
}
#: Raw front-matter values: `field = "page.params.venue"` shows that key's text.
FRONT_MATTER_PREFIX = "page."


def field_names() -> tuple[str, ...]:
    return (*TEXT_FIELDS, *LIST_FIELDS)


def is_field(name: str) -> bool:
    return name in TEXT_FIELDS or name in LIST_FIELDS or (
        name.startswith(FRONT_MATTER_PREFIX) and len(name) > len(FRONT_MATTER_PREFIX)
    )


def field_text(page: Page, name: str, max_items: int = 4) -> str:
    """A field as one line of text ('' when the page has none)."""
    if name in TEXT_FIELDS:
        return TEXT_FIELDS[name](page, max_items)
    if name in LIST_FIELDS:
        return " ".join(str(v if isinstance(v, str) else v[0]) for v in LIST_FIELDS[name](page, max_items))
    if name.startswith(FRONT_MATTER_PREFIX):
        return _front_matter(page, name[len(FRONT_MATTER_PREFIX) :])
    raise KeyError(name)


def field_items(page: Page, name: str, max_items: int = 4) -> tuple[Any, ...]:
    """A list field's items (paragraphs, link rows); a text field as a one-item tuple."""
    if name in LIST_FIELDS:
        return LIST_FIELDS[name](page, max_items)
    text = field_text(page, name, max_items)
    return (text,) if text else ()

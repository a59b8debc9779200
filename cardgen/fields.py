"""Page fields as display strings, shared by every backend (so a deck, an image and a card agree)."""

from __future__ import annotations

import datetime as dt

from cardgen.page import Link, Page


def authors_line(page: Page, max_names: int = 3, conjunction: str = "and") -> str:
    """"A, B and C"; past `max_names`: "A, B and 3 others" (never a lone "and 1 other")."""
    names = list(page.author_names)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) <= max_names:
        return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"
    shown = max(1, max_names - 1)
    rest = len(names) - shown
    return f"{', '.join(names[:shown])} {conjunction} {rest} others"


def date_line(page: Page, fmt: str = "%B %Y") -> str:
    """The page date as "July 2020" (month precision suits project pages); '' when unknown."""
    value = page.date
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime(fmt)


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


def main_link(page: Page) -> Link | None:
    """The link a QR code points to: external link, else the page URL, else the first absolute link."""
    order = {"external": 0, "page": 1}
    candidates = [k for k in page.links if k.url.startswith(("http://", "https://"))]
    if not candidates:
        return None
    return sorted(candidates, key=lambda k: order.get(k.kind, 2))[0]

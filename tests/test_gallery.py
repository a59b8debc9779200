"""The event gallery (`event/index.html`): content, links inside the output folder, accessibility, and a
real browser (headless Chromium) loading it from file:// without errors or network requests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from cardgen.batch import run_batch
from cardgen.colors import contrast_ratio, relative_luminance
from cardgen.render.gallery import gallery_palette, gallery_url, text_direction
from cardgen.templates import list_templates, load_template

from conftest import SAMPLES, tiny_png, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")


class Parsed(HTMLParser):
    """Elements with their attributes, and the text inside each <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.articles: list[dict[str, str]] = []
        self.headings: list[str] = []
        self._text: list[str] | None = None
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "article":
            self.articles.append(attributes)
        if tag in ("h1", "h2", "h3"):
            self.headings.append(tag)
            self._in_heading = tag == "h3"
            self._text = []

    def handle_endtag(self, tag):
        if tag == "h3" and self._text is not None:
            self.articles[-1]["title"] = "".join(self._text).strip()
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def parse(path: Path) -> Parsed:
    parsed = Parsed()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def event_site(root: Path) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Example Lab"\n'
          'defaultContentLanguage = "en"\n')
    pages = {
        "alpha": "---\ntitle: 'Alpha: a < b & c'\nauthors: [Ada Lovelace]\nsummary: First.\n---\nBody.\n",
        "beta": "---\ntitle: Beta project\nsummary: Second.\nimage:\n  alt_text: A red square\n---\nBody.\n",
    }
    for slug, text in pages.items():
        write(root / "content" / "project" / slug / "index.md", text)
        tiny_png(root / "content" / "project" / slug / "featured.png", (320, 200))
    write(root / "content" / "ar" / "project" / "gamma" / "index.md",
          "---\ntitle: مشروع التعلم الآلي\nsummary: ملخص قصير.\n---\nنص.\n")
    return root


@pytest.fixture(scope="module")
def gallery(tmp_path_factory) -> Path:
    """One batch with an event for every test here (the renders are the slow part)."""
    root = event_site(tmp_path_factory.mktemp("gallery") / "site")
    out = root.parent / "out"
    assert run_batch(root, out, jobs=1, event="Open Lab Day", base_url="https://lab.example.org/old/",
                     formats="deck,deck-pdf,social,card") == 0
    return out


def test_gallery_lists_every_project_with_image_alt_and_links_inside_the_output(gallery: Path) -> None:
    index = gallery / "event" / "index.html"
    parsed = parse(index)
    titles = sorted(a["title"] for a in parsed.articles)
    assert titles == sorted(["Alpha: a < b & c", "Beta project", "مشروع التعلم الآلي"])
    assert "Alpha: a &lt; b &amp; c" in index.read_text()  # escaped, not markup
    images = [attrs for tag, attrs in parsed.elements if tag == "img"]
    # the card's heading says the title: the alt says what the picture shows, or nothing (decorative)
    assert len(images) == 3 and all("alt" in img for img in images)
    assert sorted(img["alt"] for img in images) == ["", "", "A red square"]
    out = gallery.resolve()
    local = [attrs.get("href") or attrs.get("src") for tag, attrs in parsed.elements
             if tag in ("a", "img", "link", "script") and (attrs.get("href") or attrs.get("src"))]
    external = [u for u in local if urlparse(u).scheme]
    assert external and all(u.startswith("https://lab.example.org/") for u in external)  # project pages only
    for url in (u for u in local if not urlparse(u).scheme and not u.startswith("#")):
        target = (index.parent / unquote(url)).resolve()
        assert target.is_relative_to(out) and target.is_file(), url
    hrefs = [attrs["href"] for tag, attrs in parsed.elements if tag == "a" and "href" in attrs]
    for slug in ("alpha", "beta", "gamma"):
        assert f"../{slug}/{slug}.pptx" in hrefs and f"../{slug}/{slug}-card.pdf" in hrefs
        assert f"../{slug}/{slug}.pdf" in hrefs  # the deck as PDF
    assert "../event/showcase.pptx" in hrefs and "../event/cards-a4.pdf" in hrefs


def test_gallery_has_language_direction_headings_and_a_qr_code(gallery: Path) -> None:
    parsed = parse(gallery / "event" / "index.html")
    html = dict(parsed.elements[0][1]) if parsed.elements[0][0] == "html" else {}
    assert html == {"lang": "en", "dir": "ltr"}
    by_title = {a["title"]: a for a in parsed.articles}
    assert (by_title["مشروع التعلم الآلي"]["lang"], by_title["مشروع التعلم الآلي"]["dir"]) == ("ar", "rtl")
    assert by_title["Beta project"]["dir"] == "ltr"
    assert parsed.headings[:2] == ["h1", "h2"] and parsed.headings.count("h3") == 3
    text = (gallery / "event" / "index.html").read_text()
    assert 'aria-label="QR code for https://lab.example.org/old/event/"' in text
    assert "@media print" in text and "<link" not in text.split("<body")[0].replace('<link rel="canonical"', "")


def test_gallery_is_part_of_the_event_pack_and_cached(gallery: Path) -> None:
    manifest = json.loads((gallery / "manifest.json").read_text())
    assert "event/index.html" in {o["path"] for o in manifest["event_pack"]["outputs"]}


@pytest.mark.parametrize("accent", sorted({load_template(n).colors["accent"] for n in list_templates()} | {"#ffff00", "#000080"}))
def test_gallery_colours_reach_wcag_aa(accent: str) -> None:
    def ratio(a: str, b: str) -> float:
        return contrast_ratio(relative_luminance(a), relative_luminance(b))

    for scheme in gallery_palette(accent).values():
        for fg, bg in [("text", "page"), ("text", "card"), ("muted", "card"), ("muted", "page"), ("link", "card"),
                       ("link", "page"), ("on-accent", "accent"), ("on-band", "band"), ("on-band-muted", "band")]:
            assert ratio(scheme[fg], scheme[bg]) >= 4.5, (accent, fg, bg)


def test_text_direction_from_language_or_script() -> None:
    assert text_direction("ar") == "rtl" and text_direction("he-IL") == "rtl" and text_direction("ja") == "ltr"
    assert text_direction("", "עברית") == "rtl" and text_direction("", "123 Title") == "ltr"
    assert text_direction("", "123") == "auto"


def test_gallery_url_from_base_url_or_a_served_output_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert gallery_url("https://x.org/pack", tmp_path / "o", site, "") == "https://x.org/pack/event/"
    assert gallery_url(None, site / "static" / "open-day", site, "https://lab.org/") == "https://lab.org/open-day/event/"
    assert gallery_url(None, site / "public", site, "https://lab.org/sub/") == "https://lab.org/sub/event/"
    assert gallery_url(None, tmp_path / "elsewhere", site, "https://lab.org/") == ""


def test_no_qr_code_when_the_gallery_address_is_unknown(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "hugo.toml", 'title = "Lab"\n')
    write(root / "content" / "project" / "a" / "index.md", "---\ntitle: A\nsummary: S.\n---\nBody.\n")
    assert run_batch(root, tmp_path / "out", jobs=1, formats="social") == 0
    text = (tmp_path / "out" / "event" / "index.html").read_text()
    assert "QR code" not in text and "<h1>Lab</h1>" in text


# --- in a real browser --------------------------------------------------------------------------------


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})


def page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked the network for (Chromium's own update/time pings carry no origin)."""
    data = json.loads(net_log.read_text())
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in data["events"]
            if e["type"] == start and e.get("params", {}).get("initiator") != "not an origin"
            and urlparse(e["params"].get("url", "")).scheme not in ("file", "data", "")]


@needs_chromium
def test_gallery_loads_in_chromium_from_file_url_without_errors_or_network(gallery: Path, tmp_path: Path) -> None:
    index = gallery / "event" / "index.html"
    # a copy with a probe that reports, once loaded, which images decoded
    probe = index.with_name("probe.html")
    probe.write_text(index.read_text().replace("</body>", (
        '<script>window.addEventListener("load", function () { document.body.setAttribute("data-images", '
        '[].map.call(document.images, function (i) { return i.complete && i.naturalWidth > 0; }).join(",")); });'
        "</script></body>")))
    try:
        proc = chromium(["--enable-logging=stderr", "--v=0", f"--log-net-log={tmp_path / 'net.json'}",
                         "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()], tmp_path / "profile")
    finally:
        probe.unlink()
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert 'data-images="true,true,true"' in proc.stdout
    for title in ("Beta project", "مشروع التعلم الآلي", "Alpha: a &lt; b &amp; c"):
        assert title in proc.stdout
    assert page_requests(tmp_path / "net.json") == []


@needs_chromium
def test_page_requests_sees_what_a_page_fetches(tmp_path: Path) -> None:
    """The network check above would notice a page that loads something from elsewhere."""
    page = write(tmp_path / "p.html", '<!DOCTYPE html><img src="https://example.invalid/a.png" alt="x">')
    proc = chromium([f"--log-net-log={tmp_path / 'net.json'}", "--virtual-time-budget=2000", "--dump-dom",
                     page.as_uri()], tmp_path / "profile")
    assert proc.returncode == 0
    assert page_requests(tmp_path / "net.json") == ["https://example.invalid/a.png"]


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_gallery_screenshot_of_the_sample_site(tmp_path: Path, width: int) -> None:
    """The sample site's gallery at desktop and phone width: the header band, then a grid of cards whose
    pictures (social images) all decoded; wide enough for three columns at 1280 px, one at 390 px."""
    from PIL import Image

    out = tmp_path / "out"
    assert run_batch(SAMPLES / "site", out, jobs=2, event="Open Lab Day 2026",
                     base_url="https://lab.example.org/open-lab-day/") == 0
    shot = tmp_path / f"shot-{width}.png"
    proc = chromium([f"--window-size={width},1600", "--virtual-time-budget=5000", f"--screenshot={shot}",
                     (out / "event" / "index.html").as_uri()], tmp_path / "profile")
    assert proc.returncode == 0 and shot.is_file()
    with Image.open(shot) as img:
        rgb = img.convert("RGB")
        assert rgb.size == (width, 1600)
        band = rgb.getpixel((width // 2, 20))
        assert max(band) < 40  # the dark event band across the top
        # cards across: runs wider than 200 px of anything but the page background, through the first row;
        # a gap of a few pixels is a letter's antialiased edge that happens to match the page's grey (the
        # row may cross a line of text), not the space between two cards (24 px and more)
        row = [rgb.getpixel((x, 700)) for x in range(width)]
        runs, length, gap = [], 0, 0
        for pixel in [*row, *[(246, 248, 250)] * 8]:
            if max(abs(a - b) for a, b in zip(pixel, (246, 248, 250), strict=True)) <= 3:
                gap += 1
                if gap == 8 and length:
                    runs.append(length)
                    length = 0
            else:
                length += 1 + (gap if length and gap < 8 else 0)
                gap = 0
        cards = sum(1 for n in runs if n > 200)
        colourful = sum(1 for x in range(0, width, 4) for y in range(380, 560, 6)
                        if max(rgb.getpixel((x, y))) - min(rgb.getpixel((x, y))) > 60)
    assert colourful > 20  # the pictures drew (grey placeholders have no colour)
    assert cards == (3 if width == 1280 else 1)


@needs_chromium
def test_arrow_keys_move_between_project_cards(gallery: Path, tmp_path: Path) -> None:
    index = gallery / "event" / "index.html"
    probe = index.with_name("keys.html")
    script = """<script>window.addEventListener("load", function () {
      var cards = [].slice.call(document.querySelectorAll(".card")), seen = [];
      function press(key) {
        document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true, cancelable: true}));
        seen.push(cards.indexOf(document.activeElement.closest(".card")));
      }
      cards[0].querySelector("a").focus();
      press("ArrowRight"); press("ArrowRight"); press("ArrowLeft"); press("Home"); press("End"); press("ArrowUp");
      document.body.setAttribute("data-keys", seen.join(","));
    });</script></body>"""
    probe.write_text(index.read_text().replace("</body>", script))
    try:
        proc = chromium(["--window-size=1280,900", "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()],
                        tmp_path / "profile")
    finally:
        probe.unlink()
    # three cards in one row at 1280 px: right, right, left, first, last; up stays in the first row
    assert 'data-keys="1,2,1,0,2,0"' in proc.stdout


@needs_chromium
@pytest.mark.slow
def test_printed_gallery_is_compact_and_writes_out_each_page_address(gallery: Path, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    pdf = tmp_path / "gallery.pdf"
    proc = chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", (gallery / "event" / "index.html").as_uri()],
                    tmp_path / "profile")
    assert proc.returncode == 0 and pdf.is_file()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert text.count("\f") <= 1  # three projects: one sheet
    assert "Open Lab Day" in text and "Beta project" in text
    for slug in ("alpha", "beta"):
        assert f"lab.example.org/project/{slug}/" in text.replace("\n", "").replace(" ", "")
    assert "PPTX" not in text  # the files are reached through the QR code, not printed as dead links


# --- scripts a device may have no font for -------------------------------------------------------------

SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"


@pytest.fixture(scope="module")
def script_gallery(tmp_path_factory) -> Path:
    """A gallery of the Bengali and Hindi fixture pages and one English page."""
    root = tmp_path_factory.mktemp("scripts") / "site"
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Example Lab"\n')
    for name in ("bn-hawking", "hi-physics"):
        shutil.copytree(SCRIPTS / name, root / "content" / "project" / name)
    write(root / "content" / "project" / "en" / "index.md", "---\ntitle: Plain English\nsummary: Short.\n---\nText.\n")
    out = root.parent / "out"
    assert run_batch(root, out, jobs=1, event="Open Lab Day", formats="social") == 0
    return out / "event" / "index.html"


def test_the_gallery_carries_the_faces_of_its_scripts_cut_to_its_characters(script_gallery: Path) -> None:
    """A device without a Bengali or Devanagari font would show those titles as boxes: the page
    embeds the bundled faces (WOFF, cut to what it shows, declared for those characters only)."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    html = script_gallery.read_text(encoding="utf-8")
    faces = re.findall(r'@font-face \{ font-family: "([^"]+)"; font-weight: (\d+);.*?base64,([A-Za-z0-9+/=]+)\) '
                       r'format\("woff"\); unicode-range: ([^;]+);', html)
    assert {(family, weight) for family, weight, _, _ in faces} == {
        ("cardgen Noto Sans Bengali", "400"), ("cardgen Noto Sans Bengali", "700"),
        ("cardgen Noto Sans Devanagari", "400"), ("cardgen Noto Sans Devanagari", "700")}
    bengali = "হুইলচেয়ারের মহাবিশ্ব পর্যটক".replace(" ", "")
    for family, _, data, ranges in faces:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff" and "GSUB" in font  # shaping kept
        covered = font.getBestCmap()
        assert len(covered) < 200  # cut down (the whole Bengali face maps 173 code points, CJK 20 000)
        declared = set()
        for part in ranges.split(", "):
            first, _, last = part.removeprefix("U+").partition("-")
            declared.update(range(int(first, 16), int(last or first, 16) + 1))
        script = range(0x0980, 0x0A00) if "Bengali" in family else range(0x0900, 0x0980)
        assert declared <= set(script) | {0x0964, 0x0965}  # its script only: Latin keeps the device's font
        if "Bengali" in family:
            assert all(ord(ch) in covered and ord(ch) in declared for ch in bengali)
    stack = re.search(r"font: 400 1rem/1.55 ([^;]+);", html).group(1)
    assert stack.startswith('"cardgen Noto Sans Bengali", "cardgen Noto Sans Devanagari", system-ui')


def test_a_gallery_carries_only_the_faces_its_pages_need(gallery: Path) -> None:
    import re

    html = (gallery / "event" / "index.html").read_text(encoding="utf-8")
    assert set(re.findall(r'@font-face \{ font-family: "([^"]+)"', html)) == {"cardgen Noto Sans Arabic"}  # its Arabic page


@needs_chromium
@pytest.mark.slow
def test_the_bengali_title_reads_back_from_chromium_on_a_machine_without_a_bengali_font(
        script_gallery: Path, tmp_path: Path) -> None:
    from test_scripts_readback import ocr, read_back_score, tesseract_has

    if not tesseract_has("ben"):
        pytest.skip("tesseract-ocr-ben is not installed")
    # the page as it is, with everything but the Bengali card's title hidden (so the OCR reads only that)
    probe = script_gallery.with_name("probe.html")
    probe.write_text(script_gallery.read_text(encoding="utf-8").replace("</head>", (
        "<style>body * { visibility: hidden; } #p-bn-hawking-title { visibility: visible; }</style></head>")),
        encoding="utf-8")
    shot = tmp_path / "shot.png"
    try:
        proc = chromium(["--window-size=1280,1400", "--virtual-time-budget=5000", f"--screenshot={shot}",
                         probe.as_uri()], tmp_path / "profile")
    finally:
        probe.unlink()
    assert proc.returncode == 0 and shot.is_file()
    assert read_back_score("হুইলচেয়ারের মহাবিশ্ব পর্যটক", ocr(shot, "ben", "11")) >= 0.8

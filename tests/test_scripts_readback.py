"""Complex and right-to-left scripts read back from the outputs: social images and card fronts OCR'd
with tesseract in the script's language (Debian's tesseract-ocr-<lang> packs) give the page's title;
decks tag runs with their language and mark right-to-left paragraphs."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from cardgen.loader import load_page

from conftest import FIXTURES

PAGES = FIXTURES / "scripts"
#: page folder → (tesseract language, page language)
READ_BACK = {
    "ar-team-creation": ("ara", "ar"),
    "fa-team": ("fas", "fa"),
    "he-lab": ("heb", "he"),
    "hi-physics": ("hin", "hi"),
    "th-ml": ("tha", "th"),
    "bn-hawking": ("ben", "bn"),
}
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def tesseract_has(lang: str) -> bool:
    if not shutil.which("tesseract"):
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return lang in out.stdout.split()


def letters(text: str) -> str:
    """Letters and marks only (digits, punctuation and spaces vary in OCR), NFC, no tatweel."""
    text = unicodedata.normalize("NFC", text).replace("\u0640", "")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LM")


def ocr(png: Path, lang: str, psm: str = "11") -> str:
    """Sparse-text mode by default: it finds short title lines that block layout analysis can miss."""
    done = subprocess.run(["tesseract", str(png), "-", "-l", lang, "--psm", psm], capture_output=True,
                          text=True, timeout=120)
    return done.stdout


def read_back_score(title: str, text: str) -> float:
    """Share of the title's letters found, in order, in the OCR text (1.0: all of them)."""
    want, got = letters(title), letters(text)
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(want))


def best_read_back(title: str, image_path: Path, lang: str) -> float:
    """The best score over a few scales: tesseract reads best at an x-height of ~20–30 px, which a
    48 px title and 20 px body text do not share."""
    from PIL import Image

    image = Image.open(image_path).convert("RGB")
    best = 0.0
    for factor in (0.5, 1.0, 2.0):
        scaled = image.resize((round(image.width * factor), round(image.height * factor)), Image.LANCZOS)
        path = image_path.with_name(f"{image_path.stem}-{factor}.png")
        scaled.save(path)
        for psm in ("11", "3"):
            best = max(best, read_back_score(title, ocr(path, lang, psm)))
            if best >= 0.9:
                return best
    return best


@pytest.mark.parametrize("name", list(READ_BACK))
def test_fixture_pages_get_their_language(name: str) -> None:
    assert load_page(PAGES / name / "index.md").language == READ_BACK[name][1]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["raqm", "bundled"])
@pytest.mark.parametrize("name", list(READ_BACK))
def test_social_image_title_reads_back(tmp_path: Path, name: str, engine: str, monkeypatch) -> None:
    from PIL import features

    from cardgen.render.social import render_social
    from cardgen.text import raster

    lang = READ_BACK[name][0]
    if not tesseract_has(lang):
        pytest.skip(f"tesseract with the {lang} pack is not installed")
    if engine == "raqm" and not features.check("raqm"):
        pytest.skip("Pillow built without raqm")
    monkeypatch.setattr(raster, "shaping_engine", lambda: engine)
    page = load_page(PAGES / name / "index.md")
    result = render_social(page, tmp_path, preset="og")
    png = next(p for p in result.outputs if p.suffix in (".png", ".jpg", ".webp"))
    assert not any("no font has" in w for w in result.warnings)
    score = best_read_back(page.title_plain, png, lang)
    assert score >= 0.8, f"{name} ({engine}): only {score:.0%} of the title read back"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(READ_BACK))
def test_card_front_title_reads_back(tmp_path: Path, name: str) -> None:
    from cardgen.render.card import render_card

    lang = READ_BACK[name][0]
    if not tesseract_has(lang) or not shutil.which("pdftoppm"):
        pytest.skip(f"tesseract with the {lang} pack, or pdftoppm, is not installed")
    page = load_page(PAGES / name / "index.md")
    result = render_card(page, tmp_path / "card.pdf")
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(result.outputs[0]),
                    str(tmp_path / "front")], check=True, timeout=120)
    png = next(tmp_path.glob("front*.png"))
    score = best_read_back(page.title_plain, png, lang)
    assert score >= 0.8, f"{name}: only {score:.0%} of the title read back from the card"


def test_unshaped_text_would_not_read_back() -> None:
    # the score is not lenient: letters out of order (as unshaped, left-to-right Arabic is read) fail
    title = "تشکیل تیم‌های پژوهشی دانشگاهی"
    assert read_back_score(title, title[::-1]) < 0.5
    assert read_back_score(title, "تشکیل تیمهای پژوهشی دانشگاهی") > 0.9


def _slide_xml(pptx: Path) -> list[str]:
    with zipfile.ZipFile(pptx) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("ppt/slides/slide")]


@pytest.mark.parametrize(("name", "tag"), [("ar-team-creation", "ar-SA"), ("fa-team", "fa-IR"), ("he-lab", "he-IL"),
                                           ("hi-physics", "hi-IN"), ("th-ml", "th-TH"), ("bn-hawking", "bn-BD")])
def test_deck_runs_carry_the_page_language_and_rtl_paragraphs_are_marked(tmp_path: Path, name: str, tag: str) -> None:
    from lxml import etree

    from cardgen.i18n.scripts import dominant_script, language_scripts
    from cardgen.render.deck import render_deck

    page = load_page(PAGES / name / "index.md")
    out = render_deck(page, tmp_path / "deck.pptx").outputs[0]
    scripts = language_scripts(page.language)
    tagged = rtl_paragraphs = 0
    for xml in _slide_xml(out):
        root = etree.fromstring(xml.encode())
        for run in root.iter(f"{A}r"):
            text = "".join(run.itertext())
            if dominant_script(text) in scripts:
                rpr = run.find(f"{A}rPr")
                assert rpr is not None and rpr.get("lang") == tag, text
                cs = rpr.find(f"{A}cs")
                assert cs is not None and cs.get("typeface", "").startswith("Noto Sans "), text
                tagged += 1
        for paragraph in root.iter(f"{A}p"):
            text = "".join(paragraph.itertext()).strip()
            ppr = paragraph.find(f"{A}pPr")
            if text and page.language in ("ar", "fa", "he"):
                assert ppr is not None and ppr.get("rtl") == "1", text
                if letters(text):  # text set flush right (a slide number moves to the left)
                    assert ppr.get("algn") != "l", text
                rtl_paragraphs += 1
            elif text:
                assert ppr is None or ppr.get("rtl") != "1", text
    assert tagged >= 3
    assert rtl_paragraphs >= (3 if page.language in ("ar", "fa", "he") else 0)

"""Card backs worth reading, and print hygiene measured on the PDFs: type never below 7 pt, highlights
instead of a wall of text, a QR code with its URL printed under it, no credit under placeholder art."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from cardgen import fields
from cardgen.layout.card import MIN_PT
from cardgen.loader import load_page
from cardgen.render.card import SIZES, build_card, render_card

from conftest import CORPUS, SEED, corpus_ids, corpus_pages, tiny_png, write

SEED_URL = "https://mlphys.scphys.kyoto-u.ac.jp/en/"
NOTO_SANS_HEIGHT = 1.362  # (ascender - descender) / em of Noto Sans: pdftotext's word box height per pt


def set_sizes(data: bytes) -> list[float]:
    """Every font size a content stream sets (`/F.. size Tf`), inflating compressed streams."""
    sizes: list[float] = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(match.group(1))
        except zlib.error:
            text = match.group(1)
        sizes += [float(v) for v in re.findall(rb"/F\S+\s+([\d.]+)\s+Tf", text)]
    return sizes


def rich_page(tmp_path: Path, **front: str) -> Path:
    body = (
        "## Goals\n\nWe measure how fast the ice sheets of Greenland drift in winter.\n\n"
        "## Methods\n\nRadar soundings from drones map the bed under the ice.\n\n"
        "## Data\n\n- Every sounding is published under CC BY\n- Models run on open hardware\n\n"
        "## Team\n\nFour groups in three countries share one field camp.\n"
    )
    extra = "".join(f"{k}: {v}\n" for k, v in front.items())
    return write(tmp_path / "content" / "project" / "ice" / "index.md",
                 f"---\ntitle: Ice sheets in motion\nsummary: How Greenland's ice moves.\n{extra}---\n{body}")


def test_back_shows_three_to_five_highlights_at_eight_to_nine_points(tmp_path: Path) -> None:
    built = build_card(load_page(rich_page(tmp_path, url_project="https://ice.example.org/")))
    items = [t for t in built.texts if t.side == "back" and t.name == "highlights"]
    headings = {t.lines[0] for t in items}
    assert {"Goals", "Methods", "Data", "Team"} <= headings
    assert all(8.0 <= t.size <= 9.0 for t in items)
    back = " ".join(" ".join(t.lines) for t in built.texts if t.side == "back")
    assert "How Greenland's ice moves" not in back  # the front's summary is not repeated


def test_seed_back_is_a_large_qr_code_with_its_url_and_no_repeat_of_the_front() -> None:
    built = build_card(load_page(SEED))
    assert built.qr is not None and built.qr["url"] == SEED_URL
    printed = [t for t in built.texts if t.side == "back" and t.name == "qr-url"]
    assert [t.lines for t in printed] == [(fields.display_url(SEED_URL),)]
    (line,) = printed
    symbol_bottom = built.qr["trim_xy"][1] + built.qr["side"] - 4 * built.qr["module"]
    assert line.box[1] >= symbol_bottom  # printed under the code
    front = " ".join(" ".join(t.lines) for t in built.texts if t.side == "front" and t.name == "summary")
    for t in built.texts:
        if t.side == "back" and t.name not in ("title",):
            assert " ".join(t.lines) not in front


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="needs zbar, poppler")
def test_seed_card_back_qr_decodes_to_the_project_site(tmp_path: Path) -> None:
    out = render_card(load_page(SEED), tmp_path / "seed.pdf").outputs[0]
    subprocess.run(["pdftoppm", "-r", "200", "-f", "2", "-l", "2", "-png", str(out), str(tmp_path / "b")], check=True)
    (png,) = tmp_path.glob("b*.png")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    assert decoded == [SEED_URL]


def test_long_url_under_the_qr_is_shortened_in_the_middle(tmp_path: Path) -> None:
    url = "https://www.example-university.edu/research/groups/very-long-group-name/projects/ice-sheets-2026/"
    built = build_card(load_page(rich_page(tmp_path, external_link=url)))
    (line,) = [t for t in built.texts if t.name == "qr-url"]
    text = line.lines[0]
    assert "…" in text and text.startswith("www.example-university") and text.endswith("sheets-2026")
    assert line.box[0] + line.box[2] <= 105.0 - 4.0 + 0.01 and line.box[2] <= 91.4 + 0.01


def test_every_link_label_is_printed_with_its_address(tmp_path: Path) -> None:
    page = load_page(rich_page(tmp_path, url_code="https://github.com/ice/radar", url_project="https://ice.example.org/"))
    built = build_card(page)
    links = [t for t in built.texts if t.side == "back" and t.name == "link"]
    assert links and len(links) % 2 == 0
    for label, address in zip(links[::2], links[1::2], strict=True):
        assert address.lines[0].startswith(("github.com", "ice.example.org")), (label.lines, address.lines)
    assert "ice.example.org" not in " ".join(a.lines[0] for a in links[1::2])  # it is under the QR code


@pytest.mark.parametrize("size", list(SIZES))
def test_no_text_below_seven_points_on_any_size(tmp_path: Path, size: str) -> None:
    page = load_page(rich_page(tmp_path, url_project="https://ice.example.org/", url_code="https://github.com/ice/r"))
    for orientation in ("portrait", "landscape"):
        built = build_card(page, size=size, orientation=orientation)
        assert min(t.size for t in built.texts) >= MIN_PT == 7.0
        assert min(set_sizes(built.data)) >= 7.0


@pytest.mark.parametrize("path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_corpus_cards_set_no_type_below_seven_points(path: Path) -> None:
    for size in ("a6", "business"):
        built = build_card(load_page(path), size=size)
        assert min(set_sizes(built.data)) >= 7.0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
def test_corpus_cards_measured_with_pdftotext_bbox_have_no_text_below_seven_points(tmp_path: Path) -> None:
    """Word boxes of Latin words (drawn in Noto Sans) are (ascender - descender) × size high."""
    if not CORPUS.is_dir():
        pytest.skip("corpus missing")
    smallest = 99.0
    for path in [SEED, *corpus_pages()]:
        for size in ("a6",):  # business cards, the tightest, are measured exactly by the Tf test above
            out = tmp_path / "c.pdf"
            out.write_bytes(build_card(load_page(path), size=size).data)
            xml = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True)
            for y0, y1, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', xml.stdout):
                if word.isascii() and word.isalpha():  # digits may come from a script's own face
                    smallest = min(smallest, (float(y1) - float(y0)) / NOTO_SANS_HEIGHT)
    assert smallest >= 6.95


def test_no_caption_credit_on_placeholder_art(tmp_path: Path) -> None:
    page_path = write(tmp_path / "content" / "project" / "p" / "index.md",
                      "---\ntitle: No picture\nimage:\n  caption: 'Photo: Jane Doe'\n---\nBody text here.\n")
    built = build_card(load_page(page_path))
    assert not [t for t in built.texts if t.name == "credit"]
    tiny_png(tmp_path / "content" / "project" / "p" / "featured.png", (1200, 900))
    built = build_card(load_page(page_path))
    assert [t.lines for t in built.texts if t.name == "credit"] == [("Photo: Jane Doe",)]


def test_one_or_two_highlights_may_take_six_lines_each(tmp_path: Path) -> None:
    """Two long Japanese highlights had the back half empty and were cut after four lines with "…":
    with fewer than three, each may take six lines."""
    first = "「場所の説明文」と「人手による推定精度」の関係について、自然言語で書かれたある場所についての説明文から、その場所がどこであるかの位置推定を人が行うとき、容易に推定可能となる説明文はどのように書かれているのか特徴を分析する。"
    second = "坂根和光、山本岳洋、澤田祥一、大塚一路、山本光穂、大島裕明：自然言語からの緯度経度推定に向けた説明文収集とパターン分析、電子情報通信学会、第13回データ工学と情報マネジメントに関するフォーラム。"
    page = write(tmp_path / "p" / "index.md", f"---\ntitle: 位置推定が容易な場所の説明文の特徴分析\nsummary: 要約。\n---\n"
                 f"## 分析\n\n{first}\n\n## 発表\n\n{second}\n")
    built = build_card(load_page(page))
    back = "".join("".join(t.lines) for t in built.texts if t.side == "back" and t.name == "highlights")
    assert "…" not in back and first[-10:] in back and second[-10:] in back

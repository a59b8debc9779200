"""Printable cards: print geometry (TrimBox/BleedBox), embedded fonts, QR code, safe margin, CJK, imposition."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from cardgen.errors import TemplateError, UsageError
from cardgen.loader import load_page
from cardgen.page import Author, ImageSettings, Link, Page
from cardgen.render.card import (
    PT_PER_MM,
    QR_MIN_MM,
    QR_QUIET,
    SAFE_MM,
    SIZES,
    build_card,
    card_size,
    render_card,
    render_card_sheet,
)
from cardgen.templates import load_template

from conftest import CORPUS, SAMPLES, SEED, corpus_ids, corpus_pages, tiny_png, write

TEMPLATES = ("default", "dark", "event")
CJK_PAGES = (
    SAMPLES / "site" / "content" / "project" / "ja-itijoho" / "index.md",
    SAMPLES / "site" / "content" / "project" / "zh-gan-editing" / "index.md",
)
URL = "https://lab.example.org/project/mlphys/"


def make_page(
    tmp_path: Path,
    *,
    title: str = "MLPhys: Foundation of Machine Learning Physics",
    description: str = "Physics meets machine learning: a research area integrating two major fields.",
    image: Path | None = None,
    url: str = URL,
    caption: str = "Photo: Example Lab",
    links: tuple[Link, ...] = (Link("Code", "https://github.com/example/mlphys", "code", "fab", "github"),),
) -> Page:
    bundle = tmp_path / "content" / "project" / "mlphys"
    bundle.mkdir(parents=True, exist_ok=True)
    return Page(
        path=bundle / "index.md",
        title=title,
        title_runs=(),
        title_plain=title,
        description=description,
        description_source="summary",
        summary_runs=(),
        authors=(Author("Hajime Nagahara"), Author("Yuta Nakashima")),
        date=dt.date(2020, 7, 1),
        image=ImageSettings(caption=caption),
        featured_image=image,
        links=links,
        bundle_dir=bundle,
        url=url,
    )


def boxes(data: bytes, name: str) -> list[tuple[float, ...]]:
    """Every /TrimBox (or /BleedBox, /MediaBox) in the raw PDF, in mm."""
    pattern = rb"/" + name.encode() + rb"\s*\[([-\d.\s]+)\]"
    return [tuple(float(v) / PT_PER_MM for v in m.group(1).split()) for m in re.finditer(pattern, data)]


def approx_box(box: tuple[float, ...], expected: tuple[float, ...], tol: float = 0.01) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(box, expected, strict=True))


# --------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_trim_and_bleed_boxes_are_the_chosen_size(tmp_path: Path, size: str, orientation: str) -> None:
    page = make_page(tmp_path)
    built = build_card(page, size=size, orientation=orientation)
    width, height = card_size(size, orientation)
    assert (width > height) == (orientation == "landscape")
    bleed = 3.175 if size in ("postcard", "5x7") else 3.0
    trims, bleeds = boxes(built.data, "TrimBox"), boxes(built.data, "BleedBox")
    assert len(trims) == len(bleeds) == 2  # front and back
    for trim, bleed_box in zip(trims, bleeds, strict=True):
        assert approx_box(trim, (bleed, bleed, bleed + width, bleed + height))
        assert approx_box(bleed_box, (0, 0, width + 2 * bleed, height + 2 * bleed))


def test_marks_grow_the_media_box_and_keep_the_trim(tmp_path: Path) -> None:
    built = build_card(make_page(tmp_path), marks=True, bleed_mm=2)
    trim = boxes(built.data, "TrimBox")[0]
    assert approx_box(trim, (8, 8, 8 + 105, 8 + 148))  # 2 mm bleed + 6 mm for the marks
    assert approx_box(boxes(built.data, "BleedBox")[0], (6, 6, 6 + 109, 6 + 152))
    media = boxes(built.data, "MediaBox")
    assert media and all(approx_box(m, (0, 0, 105 + 16, 148 + 16)) for m in media)


def test_pdfinfo_reports_trim_and_bleed(tmp_path: Path) -> None:
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo not installed")
    result = render_card(make_page(tmp_path), tmp_path / "c.pdf", size="postcard", orientation="landscape")
    out = subprocess.run(
        ["pdfinfo", "-box", "-f", "1", "-l", "2", str(result.outputs[0])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    trims = re.findall(r"TrimBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out)
    bleeds = re.findall(r"BleedBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out)
    assert len(trims) == len(bleeds) == 2
    for trim, bleed in zip(trims, bleeds, strict=True):
        x0, y0, x1, y1 = (float(v) for v in trim)
        assert (x1 - x0, y1 - y0) == (pytest.approx(6 * 72, abs=0.05), pytest.approx(4 * 72, abs=0.05))
        assert x0 == pytest.approx(0.125 * 72, abs=0.05)  # US bleed: 0.125 in
        bx0, by0, bx1, by1 = (float(v) for v in bleed)
        assert (bx1 - bx0, by1 - by0) == (
            pytest.approx(6.25 * 72, abs=0.05),
            pytest.approx(4.25 * 72, abs=0.05),
        )


def test_unknown_size_orientation_and_bleed_are_usage_errors(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    with pytest.raises(UsageError, match="--size"):
        build_card(page, size="a3")
    with pytest.raises(UsageError, match="--orientation"):
        build_card(page, orientation="sideways")
    with pytest.raises(UsageError, match="--bleed"):
        build_card(page, bleed_mm=-1)
    with pytest.raises(UsageError, match="--sheet"):
        render_card(page, tmp_path / "x.pdf", sheet="a7")


# --------------------------------------------------------------------------- fonts and text


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_font_is_embedded_and_subset(tmp_path: Path, template: str) -> None:
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts not installed")
    page = make_page(tmp_path, title="Émergence 🙂 日本語 in physics")
    result = render_card(page, tmp_path / "c.pdf", template=template)
    rows = pdffonts(result.outputs[0])
    assert rows, "no fonts in the PDF"
    for row in rows:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
    names = " ".join(row[0] for row in rows)
    assert "NotoSansCJK" in names and "Symbola" in names and "NotoSansBold" in names


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts not installed")
def test_each_font_subset_has_its_own_tag(tmp_path: Path) -> None:
    """ISO 32000 §9.6.4: a tag of six capitals unique to each subset (preflight flags fpdf2's shared
    "MPDFAA+"); another glyph set of the same font gets another tag, the same input the same tag."""
    page = make_page(tmp_path, title="Émergence 🙂 日本語 in physics")
    rows = pdffonts(render_card(page, tmp_path / "c.pdf").outputs[0])
    tags = [row[0].split("+")[0] for row in rows]
    assert all(re.fullmatch(r"[A-Z]{6}", t) for t in tags) and "MPDFAA" not in tags
    assert len(set(tags)) == len(tags) >= 4
    other = pdffonts(render_card(make_page(tmp_path, title="Other words"), tmp_path / "d.pdf").outputs[0])
    regular = {row[0].split("+")[1]: row[0] for row in rows}
    changed = {row[0].split("+")[1]: row[0] for row in other}
    assert regular["NotoSansBold"] != changed["NotoSansBold"]
    again = pdffonts(render_card(page, tmp_path / "e.pdf").outputs[0])
    assert [r[0] for r in again] == [r[0] for r in rows]


def test_cards_and_sheets_carry_an_srgb_output_intent(tmp_path: Path) -> None:
    for data in (
        build_card(make_page(tmp_path)).data,
        render_card(make_page(tmp_path), tmp_path / "s.pdf", sheet="a4").outputs[0].read_bytes(),
    ):
        assert b"/OutputIntents" in data and b"/S /GTS_PDFX" in data
        assert b"sRGB IEC61966-2.1" in data and re.search(rb"/N 3\b", data)


@pytest.mark.parametrize("path", CJK_PAGES, ids=lambda p: p.parent.name)
def test_cjk_cards_have_no_tofu(tmp_path: Path, path: Path) -> None:
    page = load_page(path)
    built = build_card(page)
    assert not [w for w in built.warnings if "no font has" in w]
    title = next(t for t in built.texts if t.side == "front" and t.name == "title")
    assert "".join(title.lines).replace("…", "")[:4] in page.title_plain.replace(" ", "")
    if shutil.which("pdftotext"):
        out = tmp_path / "c.pdf"
        out.write_bytes(built.data)
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        cjk = [ch for ch in page.title_plain if "\u3000" <= ch <= "\u9fff"]
        assert cjk and all(ch in text for ch in cjk)


def test_text_stays_inside_the_safe_margin_on_every_size(tmp_path: Path) -> None:
    long = "A very long title " * 12
    page = make_page(tmp_path, title=long, description="Words " * 400)
    for size in SIZES:
        for orientation in ("portrait", "landscape"):
            built = build_card(page, size=size, orientation=orientation)
            assert_inside_safe_margin(built)
            assert any("title: shortened" in w for w in built.warnings)


def assert_inside_safe_margin(built) -> None:
    width, height = built.trim
    for placed in built.texts:
        x, y, w, h = placed.box
        assert x >= SAFE_MM - 1e-6 and y >= SAFE_MM - 1e-6, placed
        assert x + w <= width - SAFE_MM + 1e-6 and y + h <= height - SAFE_MM + 1e-6, placed


@pytest.mark.slow
def test_rendered_text_pixels_stay_inside_the_safe_margin(tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    import numpy as np
    from PIL import Image

    page = make_page(tmp_path, title="Glyphs with descenders: gjpqy Ågström " * 4, description="jumpy " * 300)
    for size in ("a6", "business"):
        built = build_card(page, size=size, text_only=True)
        pdf = tmp_path / f"{size}.pdf"
        pdf.write_bytes(built.data)
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / size)], check=True)
        for png in sorted(tmp_path.glob(f"{size}-*.png")):
            ink = np.asarray(Image.open(png).convert("L")) < 250
            ys, xs = np.nonzero(ink)
            assert len(xs), png
            px = 100 / 25.4
            left = (built.bleed + SAFE_MM) * px - 1
            right = (built.bleed + built.trim[0] - SAFE_MM) * px + 1
            bottom = (built.bleed + built.trim[1] - SAFE_MM) * px + 1
            assert xs.min() >= left and xs.max() <= right, png
            assert ys.min() >= left and ys.max() <= bottom, png


def test_long_summary_is_shortened_with_a_warning(tmp_path: Path) -> None:
    built = build_card(make_page(tmp_path, description="Lorem ipsum dolor sit amet. " * 200), size="business")
    summary = next(t for t in built.texts if t.name == "summary")
    assert summary.truncated and summary.lines[-1].endswith("…")
    assert any("summary: shortened" in w for w in built.warnings)


# --------------------------------------------------------------------------- QR code


def content_rects(data: bytes) -> list[tuple[float, float, float, float]]:
    """Every `x y w h re` in the PDF's content streams, in mm with y measured downwards."""
    rects = []
    heights = [float(v) for v in re.findall(rb"/MediaBox\s*\[[-\d.]+ [-\d.]+ [-\d.]+ ([-\d.]+)\]", data)]
    page_h = heights[0] if heights else None
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            body = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        for x, y, w, h in re.findall(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re", body):
            x, y, w, h = (float(v) / PT_PER_MM for v in (x, y, w, h))
            rects.append((x, y, w, h))
    return [(x, (page_h / PT_PER_MM if page_h else 0) - y, w, -h) for x, y, w, h in rects]


def test_qr_modules_match_segnos_matrix(tmp_path: Path) -> None:
    import segno

    page = make_page(tmp_path)
    built = build_card(page, back=True)
    qr = built.qr
    assert qr is not None and qr["url"] == URL
    module = qr["module"]
    assert module * qr["modules"] >= QR_MIN_MM - 1e-6  # the symbol itself, quiet zone not counted
    expected = [list(row) for row in segno.make(URL, error="m", micro=False).matrix]
    x0, y0 = qr["xy"][0] + QR_QUIET * module, qr["xy"][1] + QR_QUIET * module
    dark = [r for r in content_rects(built.data) if abs(r[3] - module) < 0.01 and r[2] < qr["side"] - 1]
    n = len(expected)
    drawn = [[0] * n for _ in range(n)]
    for x, y, w, _h in dark:
        row = round((y - y0) / module)
        for col in range(round((x - x0) / module), round((x + w - x0) / module)):
            if 0 <= row < n and 0 <= col < n:
                drawn[row][col] = 1
    assert drawn == expected


def test_qr_quiet_zone_is_light_and_inside_the_card(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    for template in TEMPLATES:
        built = build_card(page, template=template, size="business")
        qr = built.qr
        node = built.scenes[1].qr()
        assert node is not None and int(node.tile[1:3], 16) > 200  # light tile behind dark modules
        x, y = qr["trim_xy"]
        assert x >= SAFE_MM and y + qr["side"] <= built.trim[1] - SAFE_MM + 1e-6
        assert qr["side"] - 2 * QR_QUIET * qr["module"] >= QR_MIN_MM - 1e-6


@pytest.mark.slow
def test_qr_decodes_back_to_the_url(tmp_path: Path) -> None:
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm or zbarimg not installed")
    result = render_card(make_page(tmp_path), tmp_path / "c.pdf", template="dark")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "2", "-l", "2", "-png", str(result.outputs[0]), str(tmp_path / "b")],
        check=True,
    )
    png = next(tmp_path.glob("b*.png"))
    out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True).stdout
    assert out.strip() == URL


def test_no_url_means_no_qr_and_a_warning(tmp_path: Path) -> None:
    built = build_card(make_page(tmp_path, url="", links=()))
    assert built.qr is None
    assert any("no QR code" in w for w in built.warnings)


# --------------------------------------------------------------------------- images


def test_low_resolution_image_warns_and_is_not_upscaled(tmp_path: Path) -> None:
    image = tiny_png(tmp_path / "content" / "project" / "mlphys" / "featured.png", (300, 200))
    built = build_card(make_page(tmp_path, image=image))
    assert any("dpi" in w and "below 200" in w for w in built.warnings)
    assert not any("upscaled" in w for w in built.warnings)


def test_broken_image_gives_placeholder_and_warning(tmp_path: Path) -> None:
    bad = tmp_path / "content" / "project" / "mlphys" / "featured.jpg"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"not a jpeg")
    built = build_card(make_page(tmp_path, image=bad))
    assert built.data.startswith(b"%PDF")
    assert any("placeholder" in w for w in built.warnings)


def test_big_sample_image_is_embedded_at_300_dpi() -> None:
    built = build_card(load_page(SAMPLES / "mlphys" / "index.md"))
    widths = [int(w) for w in re.findall(rb"/Width (\d+)", built.data)]
    assert max(widths) == pytest.approx((105 + 6) / 25.4 * 300, abs=2)
    assert not any("dpi" in w for w in built.warnings)


# --------------------------------------------------------------------------- imposition


def test_two_a6_on_a4_with_full_bleed_and_mirrored_backs(tmp_path: Path) -> None:
    pages = [make_page(tmp_path / str(i), title=f"Project {i}") for i in range(3)]
    result = render_card_sheet(pages, tmp_path / "sheet.pdf", sheet="a4", size="a6")
    info = result.info
    assert info["grid"] == (2, 1) and info["per_sheet"] == 2 and info["sheets"] == 2
    assert info["sheet_mm"] == (297.0, 210.0)  # landscape A4 holds two portrait A6 with bleed and marks
    assert len(boxes(result.outputs[0].read_bytes(), "TrimBox")) == 4  # 2 sheets × (fronts, backs)
    slots = info["slots"]
    sheet_w = info["sheet_mm"][0]
    for front in (s for s in slots if s["side"] == "front"):
        back = next(
            s
            for s in slots
            if s["side"] == "back" and s["sheet"] == front["sheet"] and s["index"] == front["index"]
        )
        assert back["page"] == front["page"]
        # a landscape sheet flipped on its long edge turns top over bottom: y mirrors, x stays
        assert back["x"] == pytest.approx(front["x"], abs=0.01)
        assert back["y"] == pytest.approx(info["sheet_mm"][1] - front["y"] - front["h"], abs=0.01)
        assert (front["w"], front["h"]) == (105.0, 148.0)
    fronts = sorted(s["x"] for s in slots if s["side"] == "front" and s["sheet"] == 0)
    assert fronts[1] - fronts[0] == pytest.approx(105.0 + 2 * 3.0)  # two bleeds between the trims
    assert fronts[0] + fronts[1] + 105.0 == pytest.approx(sheet_w)  # centred


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_sheet_draws_sides_laid_out_already_when_their_size_and_bleed_match(tmp_path: Path) -> None:
    page = make_page(tmp_path / "a", title="Own Title Here")
    other = make_page(tmp_path / "b", title="Elsewhere Laid Out")
    a6 = build_card(other).scenes
    business = build_card(other, size="business").scenes

    def sheet_text(laid_out: dict[str, object]) -> str:
        out = tmp_path / "sheet.pdf"
        render_card_sheet([page], out, sheet="a4", size="a6", laid_out=laid_out)
        return subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout

    drawn = sheet_text({str(page.path): a6})
    assert "Elsewhere" in drawn and "Own Title" not in drawn  # the sides given are drawn as they are
    drawn = sheet_text({str(page.path): business})
    assert "Own Title" in drawn and "Elsewhere" not in drawn  # another card size: laid out for the sheet


def test_short_edge_duplex_is_written_to_the_pdf(tmp_path: Path) -> None:
    result = render_card(make_page(tmp_path), tmp_path / "c.pdf", sheet="letter", duplex="short")
    data = result.outputs[0].read_bytes()
    assert b"DuplexFlipShortEdge" in data and b"DuplexFlipLongEdge" not in data
    front, back = (s for s in result.info["slots"] if s["index"] == 0)
    assert back["y"] == pytest.approx(front["y"]) and back["x"] != pytest.approx(front["x"])


def test_render_card_with_sheet_fills_it_with_copies(tmp_path: Path) -> None:
    result = render_card(make_page(tmp_path), tmp_path / "c.pdf", sheet="a4", size="business")
    assert result.info["per_sheet"] == 9 and result.info["sheets"] == 1
    assert len({s["page"] for s in result.info["slots"]}) == 1 and len(result.info["slots"]) == 18
    data = result.outputs[0].read_bytes()
    assert len(boxes(data, "TrimBox")) == 2
    assert b"DuplexFlipLongEdge" in data


def _sheet_pixels(pdf: Path, page: int, dpi: int = 150):
    import numpy as np
    from PIL import Image

    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)],
                   check=True)
    (png,) = sorted(pdf.parent.glob(f"{prefix.name}-*{page}.png"))
    pixels = np.asarray(Image.open(png).convert("L"))
    png.unlink()
    return pixels


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
@pytest.mark.parametrize("sheet", ["a4", "letter"])
def test_cli_sheet_keeps_the_printer_margin_blank_and_draws_marks(tmp_path: Path, sheet: str) -> None:
    """Rasterised at 150 dpi: nothing at all within 5 mm of the paper edge, on fronts and backs; the
    crop marks are there (dark pixels at every mark's middle) and thin (at most 2 px wide)."""
    from cardgen.cli import main
    from cardgen.layout.imposition import impose, sheet_size

    out = tmp_path / f"seed-{sheet}.pdf"
    assert main(["card", str(SEED), "--sheet", sheet, "--marks", "-o", str(out)]) == 0
    plan = impose(sheet_size(sheet), card_size("a6"), 3.0, marks=True)
    px_per_mm = 150 / 25.4
    band = round(5 * px_per_mm) - 1
    for page in (1, 2):
        pixels = _sheet_pixels(out, page)
        height, width = pixels.shape
        assert abs(width - plan.sheet[0] * px_per_mm) < 2 and abs(height - plan.sheet[1] * px_per_mm) < 2
        for edge in (pixels[:band], pixels[-band:], pixels[:, :band], pixels[:, -band:]):
            assert edge.min() > 245, f"{sheet} page {page}: ink within 5 mm of the paper edge"
        assert plan.marks
        for mark in plan.marks:
            x, y = (mark.x1 + mark.x2) / 2 * px_per_mm, (mark.y1 + mark.y2) / 2 * px_per_mm
            window = pixels[round(y) - 3 : round(y) + 4, round(x) - 3 : round(x) + 4]
            assert window.min() < 128, f"{sheet} page {page}: no crop mark at {mark}"
            across = window[3] if mark.x1 == mark.x2 else window[:, 3]
            assert (across < 128).sum() <= 2  # a hairline, not a bar


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="needs zbar")
def test_seed_back_on_a_sheet_has_a_qr_code_for_its_project_site(tmp_path: Path) -> None:
    result = render_card(load_page(SEED), tmp_path / "s.pdf", sheet="a4")
    prefix = tmp_path / "back"
    subprocess.run(["pdftoppm", "-r", "200", "-f", "2", "-l", "2", "-png", str(result.outputs[0]), str(prefix)],
                   check=True)
    (png,) = tmp_path.glob("back*.png")
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    assert out == ["https://mlphys.scphys.kyoto-u.ac.jp/en/"] * 2


def test_unknown_sheet_is_a_one_line_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cardgen.cli import main

    assert main(["card", str(SEED), "--sheet", "a7", "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err.strip()
    assert "--sheet" in err and "sra3" in err and "\n" not in err
    assert not (tmp_path / "x.pdf").exists()


# --------------------------------------------------------------------------- corpus, determinism, robustness


@pytest.mark.parametrize("path", corpus_pages(), ids=corpus_ids(corpus_pages()))
def test_every_corpus_page_renders_a_card(tmp_path: Path, path: Path) -> None:
    page = load_page(path)
    result = render_card(page, tmp_path / "card.pdf")
    data = result.outputs[0].read_bytes()
    assert data.startswith(b"%PDF") and len(boxes(data, "TrimBox")) == 2


def test_every_corpus_page_keeps_text_inside_the_safe_margin() -> None:
    if not CORPUS.is_dir():
        pytest.skip("corpus missing")
    for path in corpus_pages():
        assert_inside_safe_margin(build_card(load_page(path), text_only=True))


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    page = load_page(SEED)
    first = render_card(page, tmp_path / "a.pdf").outputs[0].read_bytes()
    second = render_card(load_page(SEED), tmp_path / "b.pdf").outputs[0].read_bytes()
    assert first == second


def test_default_output_name_is_the_slug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = render_card(make_page(tmp_path), back=False)
    assert result.outputs == (tmp_path / "mlphys-card.pdf",)
    assert len(boxes(result.outputs[0].read_bytes(), "TrimBox")) == 1


def test_output_folder_takes_the_card_inside(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    result = render_card(make_page(tmp_path), folder, back=False)
    assert result.outputs == (folder / "mlphys-card.pdf",)
    assert result.outputs[0].read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "title",
    ["", " ", "x" * 500, "🙂" * 40, "<b>bold</b> & &amp;", "\u200b\u200d", "A" + "\u0301" * 30, "Ω≈ç√∫"],
)
def test_odd_titles_never_crash(tmp_path: Path, title: str) -> None:
    built = build_card(make_page(tmp_path, title=title, description="", caption="", links=()))
    assert built.data.startswith(b"%PDF")
    assert_inside_safe_margin(built)


def test_unknown_card_template_key_names_file_and_key(tmp_path: Path) -> None:
    text = (load_template("default").path / "template.toml").read_text(encoding="utf-8")
    write(tmp_path / "tpl" / "template.toml", text.replace("[card]\n", "[card]\ntitel_size = 12\n"))
    with pytest.raises(TemplateError) as err:
        load_template(tmp_path / "tpl")
    assert "card.titel_size" in str(err.value) and "template.toml" in str(err.value)


def test_card_template_values_are_validated(tmp_path: Path) -> None:
    text = (load_template("default").path / "template.toml").read_text(encoding="utf-8")
    cases = (
        ("size = 17\nmin_size = 11\n", "size = 17\nmin_size = 30\n", "card.front.layers[3].min_size"),
        ('background = "background"\nback_background', 'background = "chartreuse"\nback_background', "card.background"),
        ('field = "title"\nbox = { x = 6.8', 'field = "titel"\nbox = { x = 6.8', "card.front.layers[3].field"),
        ('kind = "qr"', 'kind = "barcode"', "card.back.layers[4].kind"),
        ("box = { x = 0, y = 0, w = 105, h = 68.08 }", "box = { x = 0, y = 0, w = 0, h = 68.08 }", "card.front.layers[0].box"),
    )
    for i, (old, new, key) in enumerate(cases):
        assert old in text, old
        folder = tmp_path / f"tpl{i}"  # load_template caches per folder
        write(folder / "template.toml", text.replace(old, new, 1))
        with pytest.raises(TemplateError, match=re.escape(key)) as err:
            load_template(folder)
        assert "\n" not in str(err.value)


def test_templates_look_different(tmp_path: Path) -> None:
    layouts = {name: load_template(name).card for name in TEMPLATES}
    backgrounds = {layout.background for layout in layouts.values()}
    assert len(backgrounds) == 3
    assert layouts["event"].back.layer("header") is not None and layouts["default"].back.layer("header") is None


def _contrast(a: str, b: str) -> float:
    from cardgen.colors import relative_luminance as _luminance

    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("template", TEMPLATES)
def test_card_text_colours_are_readable(tmp_path: Path, template: str) -> None:
    """Every text drawn on a side's background (not on a picture) reaches 4.5:1 against what is under it."""
    from cardgen.layout.model import Shape

    built = build_card(make_page(tmp_path), template=template)
    for scene in built.scenes:
        shapes = [n for n in scene.nodes if isinstance(n, Shape) and n.opacity == 1.0]
        for text in scene.texts():
            if text.name == "credit":
                continue  # on its own dark scrim over the picture
            under = [s.color for s in shapes if s.rect.overlaps(text.rect)]
            background = under[-1] if under else scene.background.color
            assert _contrast(text.color, background) >= 4.5, (template, scene.name, text.name, text.color, background)
    qr = built.scenes[1].qr()
    assert qr is not None and _contrast(qr.color, qr.tile) >= 4.5


def _shows_without_font(data: bytes) -> tuple[int, int]:
    """(text-showing operators, those met with no font in their graphics state) over the page
    content streams of `data`: a viewer draws no text for the second kind ("No font in show")."""
    shows = bad = 0
    for ref in re.findall(rb"/Contents (\d+) 0 R", data):
        head = re.search(rb"\n" + ref + rb" 0 obj\s*<<(.*?)>>\s*stream\r?\n", data, re.S)
        assert head is not None
        length = int(re.search(rb"/Length (\d+)", head.group(1)).group(1))
        body = data[head.end():head.end() + length]
        content = zlib.decompress(body) if b"FlateDecode" in head.group(1) else body
        font: bool | None = None
        saved: list[bool | None] = []
        for token in re.finditer(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>]+|[A-Za-z'\"*]+|\S", content, re.S):
            op = token.group(0)
            if op == b"q":
                saved.append(font)
            elif op == b"Q":
                font = saved.pop() if saved else None
            elif op == b"Tf":
                font = True
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                shows += 1
                bad += font is None
    return shows, bad


def test_each_card_of_a_sheet_sets_its_fonts_again(tmp_path: Path) -> None:
    """A card is drawn inside a clip (`q … Q`), which puts the PDF's font back as it was: the next card
    must set its font again even when it starts in the one the last card ended in (a sheet's card
    once showed its picture credit in no font, so viewers drew nothing)."""
    from dataclasses import replace

    from cardgen.layout.card import card_scene
    from cardgen.layout.model import TextBox
    from cardgen.render.card import card_context
    from cardgen.render.pdf import Sides, Writer, fixed_date, new_pdf
    from cardgen.render.print_pdf import finish_pdf

    page = make_page(tmp_path)
    context = card_context(page, card_size("a6"), "default", None, 3.0)
    front = card_scene(context, "front")
    last = [node for node in front.nodes if isinstance(node, TextBox)][-1]
    starts_where_front_ended = replace(front, nodes=(last,))  # its first text: the front's last font
    pdf = new_pdf("sheet", fixed_date(page), (240.0, 160.0))
    writer = Writer(pdf)
    pdf.add_page()
    writer.draw(front, (5.0, 5.0), Sides.all(3.0), context.images, page)
    writer.draw(starts_where_front_ended, (125.0, 5.0), Sides.all(3.0), context.images, page)
    shows, bad = _shows_without_font(finish_pdf(pdf))
    assert shows >= 5 and bad == 0
    whole = render_card_sheet([page, make_page(tmp_path / "b", title="Other")], tmp_path / "s.pdf", sheet="a4")
    assert _shows_without_font(whole.outputs[0].read_bytes())[1] == 0


# --------------------------------------------------------------------------- pictures shown whole, credits, right to left


def _photo(path: Path, size: tuple[int, int]) -> Path:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(5)
    w, h = size
    ramp = np.linspace(40, 220, w)[None, :, None] * np.ones((h, 1, 3))
    Image.fromarray((ramp + rng.integers(0, 35, (h, w, 3))).clip(0, 255).astype("uint8")).save(path, quality=90)
    return path


def _scene(page_path: Path, side: str = "front"):
    from cardgen.layout.card import card_scene
    from cardgen.render.card import card_context

    page = load_page(page_path)
    return card_scene(card_context(page, card_size("a6"), "default", None, 3.0), side)


def test_a_photo_shown_whole_keeps_clear_of_the_trim_and_its_credit_is_on_it(tmp_path):
    """A photograph too small to fill the picture band is shown whole; where it would meet the trim
    it is brought 3 mm in (a cut a little off would leave a sliver), and its credit sits on the
    photo, not on the paper beside it, in full on two lines."""
    from cardgen.layout.card import CLEAR_OF_TRIM_MM
    from cardgen.layout.model import ImageBox, TextBox

    bundle = tmp_path / "content" / "project" / "wide"
    bundle.mkdir(parents=True)
    _photo(bundle / "featured.jpg", (1000, 260))  # 4:1 and under 2× upscaling: as wide as the card
    credit = "The process of designing the school routes with the children. Photo: Julián Maguna (Solasgune)"
    write(bundle / "index.md", f'---\ntitle: Wide\nimage:\n  caption: "{credit}"\n---\nText.\n')
    scene = _scene(bundle / "index.md")
    picture = next(n for n in scene.nodes if isinstance(n, ImageBox))
    assert picture.fit == "contain"
    width, height = card_size("a6")
    r = picture.rect
    assert r.x >= CLEAR_OF_TRIM_MM - 1e-6 and r.right <= width - CLEAR_OF_TRIM_MM + 1e-6, r
    assert r.y >= 0 and r.w / r.h == pytest.approx(1000 / 260, rel=0.01)
    text = next(n for n in scene.nodes if isinstance(n, TextBox) and n.name == "credit")
    assert " ".join(line.text for line in text.lines).endswith("Julián Maguna (Solasgune)")
    assert not text.truncated and len(text.lines) == 2
    c = text.rect
    assert r.x <= c.x and c.right <= r.right and r.y <= c.y and c.bottom <= r.bottom, (c, r)


def test_a_right_to_left_card_is_mirrored_left_to_right(tmp_path):
    """An Arabic card reads from the right: its QR code and address are on the left of the back
    where an English card has them on the right, its text flush right, its credit at the left."""
    from cardgen.layout.model import QR, TextBox

    def back(lang: str, title: str) -> tuple:
        bundle = tmp_path / lang / "content" / "project" / "p"
        write(bundle / "index.md", f"---\ntitle: {title}\nlanguage: {lang}\nexternal_link: https://example.org/p\n"
                                   "---\n- one\n- two\n")
        scene = _scene(bundle / "index.md", "back")
        qr = next(n for n in scene.nodes if isinstance(n, QR))
        url = next(n for n in scene.nodes if isinstance(n, TextBox) and n.name == "qr-url")
        return qr.rect, url.rect

    width = card_size("a6")[0]
    (qr_en, url_en), (qr_ar, url_ar) = back("en", "Team projects"), back("ar", "إنشاء فرق المشاريع")
    assert qr_en.x > width / 2 > qr_ar.right
    assert qr_ar.x == pytest.approx(width - qr_en.right, abs=0.01)
    assert url_en.right > width / 2 > url_ar.x  # flush right under the code; flush left under it


def test_a_link_address_on_the_back_is_printed_whole_to_be_typed(tmp_path):
    """An address on paper is typed, so it is printed whole, broken after a "/" (or before a ".")
    over two lines when it has to; only one too long for two lines is shortened in the middle."""
    from cardgen.layout.model import TextBox

    cran = "https://cran.r-project.org/web/packages/ggasym/vignettes/ggasym-usage-and-examples.html"
    huge = "https://example.org/" + "/".join(f"segment-number-{i}" for i in range(12))
    bundle = tmp_path / "content" / "project" / "links"
    write(bundle / "index.md", f"---\ntitle: Links\nexternal_link: https://lab.example.org/links\nlinks:\n"
                               f"- name: CRAN\n  url: {cran}\n- name: Data\n  url: {huge}\n---\nText.\n")
    scene = _scene(bundle / "index.md", "back")
    shown = [[line.text for line in n.lines] for n in scene.nodes if isinstance(n, TextBox) and n.name == "link"]
    assert [label for label, in shown[0::2]] == ["CRAN", "Data"]  # label, address, label, address
    whole, shortened = shown[1], shown[3]
    assert "".join(whole) == cran.removeprefix("https://") and len(whole) == 2, whole
    assert all(not line.endswith("-") for line in whole)  # no hyphen added inside an address
    assert len(shortened) == 1 and "…" in shortened[0]

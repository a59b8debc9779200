"""Imposition as a pure layout decision: sheet, card, bleed, marks, margin → placements and marks."""

from __future__ import annotations

import itertools

import pytest

from cardgen.errors import UsageError
from cardgen.layout.imposition import (
    MARK_GAP_MM,
    MARK_LENGTH_MM,
    SHEETS,
    impose,
    sheet_size,
)
from cardgen.render.card import SIZES, card_size, default_bleed

CASES = list(itertools.product(SHEETS, SIZES, ("portrait", "landscape")))


@pytest.mark.parametrize(
    ("sheet", "size", "orientation", "count", "landscape"),
    [
        ("a4", "a6", "portrait", 2, True),  # 2 × A6 on A4 landscape
        ("a4", "a6", "landscape", 2, False),
        ("letter", "a6", "portrait", 2, True),
        ("a4", "business", "portrait", 9, False),
        ("letter", "business", "portrait", 8, True),  # 8 business cards on letter
        ("tabloid", "postcard", "portrait", 4, False),  # 4 postcards on tabloid
        ("a4", "5x7", "portrait", 2, True),
        ("sra3", "a6", "portrait", 4, False),
        ("sra3", "business", "portrait", 21, True),
        ("12x18", "business", "landscape", 21, False),
        ("12x18", "postcard", "portrait", 4, False),
    ],
)
def test_sheet_holds_the_expected_number_of_cards(
    sheet: str, size: str, orientation: str, count: int, landscape: bool
) -> None:
    plan = impose(sheet_size(sheet), card_size(size, orientation), default_bleed(size), marks=True)
    assert plan.per_sheet == count and plan.landscape == landscape


@pytest.mark.parametrize(("sheet", "size", "orientation"), CASES)
def test_bleed_and_marks_stay_inside_the_printer_margin(sheet: str, size: str, orientation: str) -> None:
    plan = impose(sheet_size(sheet), card_size(size, orientation), default_bleed(size), marks=True)
    left, top, right, bottom = plan.extent
    assert min(left, top) >= 5.0 - 1e-9
    assert right <= plan.sheet[0] - 5.0 + 1e-9 and bottom <= plan.sheet[1] - 5.0 + 1e-9


@pytest.mark.parametrize(("sheet", "size", "orientation"), CASES)
def test_no_two_cards_share_any_bleed(sheet: str, size: str, orientation: str) -> None:
    bleed = default_bleed(size)
    plan = impose(sheet_size(sheet), card_size(size, orientation), bleed, marks=True)
    boxes = [(p.x - bleed, p.y - bleed, p.x + p.w + bleed, p.y + p.h + bleed) for p in plan.fronts]
    for a, b in itertools.combinations(boxes, 2):
        overlap_w = min(a[2], b[2]) - max(a[0], b[0])
        overlap_h = min(a[3], b[3]) - max(a[1], b[1])
        assert overlap_w <= 1e-6 or overlap_h <= 1e-6


@pytest.mark.parametrize(("sheet", "size", "orientation"), CASES)
def test_the_grid_is_the_densest_that_fits(sheet: str, size: str, orientation: str) -> None:
    """One more column or row, in either sheet orientation, would break the margin."""
    card, bleed = card_size(size, orientation), default_bleed(size)
    plan = impose(sheet_size(sheet), card, bleed, marks=True)
    short, long = sorted(SHEETS[sheet])
    room = 2 * (5.0 + bleed + MARK_GAP_MM + MARK_LENGTH_MM)

    def fits(n: int, length: float, space: float) -> bool:
        return n * length + (n - 1) * 2 * bleed + room <= space + 1e-6

    for width, height in ((short, long), (long, short)):
        cols = max(n for n in range(0, 40) if n == 0 or fits(n, card[0], width))
        rows = max(n for n in range(0, 40) if n == 0 or fits(n, card[1], height))
        assert cols * rows <= plan.per_sheet


def test_every_cut_line_has_a_mark_pair_outside_the_bleed() -> None:
    plan = impose(SHEETS["a4"], card_size("business"), 3.0, marks=True)
    xs = {round(v, 3) for p in plan.fronts for v in (p.x, p.x + p.w)}
    ys = {round(v, 3) for p in plan.fronts for v in (p.y, p.y + p.h)}
    vertical = [m for m in plan.marks if m.x1 == m.x2]
    horizontal = [m for m in plan.marks if m.y1 == m.y2]
    assert {round(m.x1, 3) for m in vertical} == xs and len(vertical) == 2 * len(xs)
    assert {round(m.y1, 3) for m in horizontal} == ys and len(horizontal) == 2 * len(ys)
    top = min(p.y for p in plan.fronts)
    for m in vertical:  # marks start past the bleed plus a gap, so a slightly off cut never shows one
        assert min(abs(m.y1 - top), abs(m.y2 - top)) >= 3.0 + MARK_GAP_MM - 1e-9 or m.y1 > top


@pytest.mark.parametrize(("duplex", "sheet", "size", "mirrors_x"), [
    ("long", "a4", "business", True),  # portrait sheet, long edge: left ↔ right
    ("short", "a4", "business", False),  # portrait sheet, short edge: top ↔ bottom
    ("long", "a4", "a6", False),  # landscape sheet, long edge: top ↔ bottom
    ("short", "a4", "a6", True),
])
def test_backs_land_behind_their_fronts(duplex: str, sheet: str, size: str, mirrors_x: bool) -> None:
    plan = impose(SHEETS[sheet], card_size(size), 3.0, duplex=duplex)
    width, height = plan.sheet
    for front, back in zip(plan.fronts, plan.backs, strict=True):
        assert front.index == back.index
        if mirrors_x:
            assert back.x == pytest.approx(width - front.x - front.w) and back.y == pytest.approx(front.y)
        else:
            assert back.y == pytest.approx(height - front.y - front.h) and back.x == pytest.approx(front.x)
    slots = sorted((round(p.x, 6), round(p.y, 6)) for p in plan.fronts)
    assert sorted((round(p.x, 6), round(p.y, 6)) for p in plan.backs) == slots  # the same grid, reordered


def test_without_marks_cards_pack_at_least_as_densely() -> None:
    for sheet, size in itertools.product(SHEETS, SIZES):
        card, bleed = card_size(size), default_bleed(size)
        assert impose(SHEETS[sheet], card, bleed, marks=False).per_sheet >= impose(SHEETS[sheet], card, bleed).per_sheet
        assert impose(SHEETS[sheet], card, bleed, marks=False).marks == ()


def test_a_card_that_cannot_fit_says_so_in_one_line() -> None:
    with pytest.raises(UsageError) as err:
        impose(SHEETS["a4"], (210.0, 297.0), 3.0, marks=True, name="a4")
    message = str(err.value)
    assert message.startswith("--sheet a4: a 210×297 mm card with 3 mm bleed and crop marks needs")
    assert "printer margin" in message and "\n" not in message


def test_unknown_sheet_and_duplex_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="--sheet"):
        sheet_size("a7")
    with pytest.raises(UsageError, match="--duplex"):
        impose(SHEETS["a4"], (105.0, 148.0), 3.0, duplex="sideways")

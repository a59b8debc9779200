"""The fast breaking paths give the lines a candidate-by-candidate greedy breaker gives.

Simple text (one face, no shaping) is wrapped by adding atom widths; other text by estimating the line
end and stepping with whole-line measurements. Both must break exactly where measuring every candidate
line does, and simple widths must equal the per-character fallback sums.
"""

from __future__ import annotations

import pytest

from cardgen.text import breaking, line, measure
from cardgen.text.fonts import segments
from cardgen.text.style import TextStyle

TEXTS = [
    "Machine learning for physics: neural networks learn the phase diagram of the Ising model from "
    "raw Monte Carlo snapshots, without labels, in hours instead of weeks.",
    "Über die Zuverlässigkeit maschinellen Lernens — Fehlerraten, Kalibrierung und Vertrauen (2024).",
    "Aprendizaje de representaciones: ¿cómo se comparan los embeddings derivados de términos?",
    "Supercalifragilisticexpialidociousnesswithoutanyspacesatallwhichmustbesplitacrosslines here",
    "深層学習による錯視の生成と、その知覚メカニズムの解明を目指す研究プロジェクトです。",
    "情報処理学会の全国大会で発表しました（2023年3月）。",
    "تكوين الفرق البحثية وتأثيرها على الإنتاجية العلمية في الجامعات العربية",
    "স্টিফেন হকিং ছিলেন একজন ইংরেজ তাত্ত্বিক পদার্থবিজ্ঞানী এবং মহাবিশ্বতত্ত্ববিদ",
    "Derin öğrenme ile yanılsamalar: görsel algının sınırları 🙂 ve ötesi",
    "Mixed العربية and English with numbers 12345 and ✓ symbols",
]
STYLES = [(False, False), (False, True), (True, False), (True, True)]  # (bold, conservative)
WIDTHS = [(260.0, 18.0), (110.0, 24.0), (900.0, 11.0), (35.0, 20.0)]


def greedy(paragraph: str, width: float, style: TextStyle, size: float) -> list[str]:
    """The reference: measure every candidate line."""
    lines: list[str] = []
    current = ""
    for atom in breaking.atoms(paragraph, style.lang):
        candidate = current + atom
        if breaking._measure(candidate.rstrip(), style, size) <= width:
            current = candidate
            continue
        if current.strip():
            lines.append(current.rstrip())
            current = ""
        if breaking._measure(atom.rstrip(), style, size) <= width:
            current = atom.lstrip()
            continue
        pieces = breaking._split_long(atom.rstrip(), width, style, size)
        lines.extend(pieces[:-1])
        current = pieces[-1] + (" " if atom.endswith(" ") else "")
    if current.strip():
        lines.append(current.rstrip())
    return lines


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_fast_breaking_matches_candidate_by_candidate_greedy(text: str) -> None:
    for bold, conservative in STYLES:
        for width, size in WIDTHS:
            style = TextStyle(family=None, size=size, bold=bold, conservative=conservative, lang=None)
            assert breaking._wrap_paragraph(text, width, style, size) == greedy(text, width, style, size)


def test_simple_text_takes_the_additive_path_and_complex_text_does_not() -> None:
    style = TextStyle(family=None, size=12, conservative=True)
    assert breaking._simple_faces(TEXTS[0], style) is not None
    assert breaking._simple_faces(TEXTS[4], style) is None  # CJK: fallback face
    assert breaking._simple_faces(TEXTS[6], style) is None  # Arabic: bidi and shaping


@pytest.mark.parametrize("family", [None, "DejaVu Sans", "Noto Sans Mono"])
def test_simple_widths_equal_the_per_character_fallback_sums(family: str | None) -> None:
    for text in TEXTS[:4] + TEXTS[8:]:
        for bold in (False, True):
            if line.needs_layout(text):
                continue
            fast = measure._em_width(text, family, bold, False)
            slow = sum(line.table_width(part, path) for part, path in segments(text, family, bold, False))
            assert fast == slow
            placed = line.place_line(text, family, bold, False)
            assert placed.width == pytest.approx(slow, abs=1e-12)


@pytest.mark.parametrize("width", range(200, 1000, 25))
def test_no_break_spaces_join_what_they_separate(width: int) -> None:
    # inline formulas read with no-break spaces (cardgen.math.linear); French puts one before ":" and "?"
    joined = ["X\u00a0=\u00a0[x₁,\u00a0...,\u00a0x_N]", "Y\u00a0=\u00a0[y₁,\u00a0...,\u00a0y_N]", "mesure\u202f:",
              "10\u00a0km"]
    text = (f"We denote all of the N inputs {joined[0]}, all of the targets {joined[1]} and all of the "
            f"assignments; la {joined[2]} {joined[3]} au total, or so the notes say")
    style = TextStyle(family=None, size=20, bold=False, conservative=True, lang="en")
    lines = breaking.wrap_lines(text, width, style, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for piece in joined:
        assert any(piece in line for line in lines), (piece, lines)
    assert breaking.atoms("a\u00a0b c") == ("a\u00a0b ", "c")

"""Text engine benchmark: fit_text (cold and warm) for short/long Latin and CJK titles, text_width.

    python bench/bench_text.py

Cold = first call in a fresh process for that string (font metrics already loaded once); warm = the
same call again (measurement cache hit). Prints a table; not a test.
"""

from __future__ import annotations

import time

from common import median_ms

from cardgen.text.fit import Box, TextStyle, fit_text
from cardgen.text.measure import text_width

CASES = {
    "short Latin": "MLPhys: Foundation of Machine Learning Physics",
    "long Latin": "Seperating Stable & Unstable Regimes in Gaussian Process Transition Dynamics Models "
    "for Safe Model-Based Reinforcement Learning",
    "short Japanese": "位置推定が容易な場所の説明文の特徴分析",
    "long Chinese": "基于三结太阳能电池的多色激光无线传能的研究以及在远距离无人机充电中的应用与系统设计",
}
SUMMARY = (
    "Throughout its long history, physics has provided the most precise testing ground in the natural sciences, "
    "solving problems in various natural hierarchies in collaboration with the mathematical sciences. On the other "
    "hand, the field of machine learning is a major research field, a mathematical system that forms the "
    "foundation of artificial intelligence and has seen explosive progress in recent years due to advances in "
    "computational science. We are launching the transformative research area Machine Learning Physics to "
    "integrate these two fields."
)[:600]
STYLE = TextStyle(size=64, min_size=34, max_lines=4, bold=True, balance=True)
BOX = Box(1000, 300)
SUMMARY_STYLE = TextStyle(size=11, min_size=7, line_height=1.35)  # pt, an A6 card's summary box
SUMMARY_BOX = Box(280, 160)


def ms(fn, repeat: int = 50) -> float:
    return median_ms(fn, repeat, warm=False)  # the cold measurement just before already warmed the case


def main() -> None:
    fit_text("warm up the font metrics 日本語", BOX, STYLE)
    print(f"{'case':16} | {'cold ms':>8} | {'warm ms':>8} | size | lines")
    print("-" * 16 + "-|-" + "-" * 8 + "-|-" + "-" * 8 + "-|------|------")
    for name, text in CASES.items():
        start = time.perf_counter()
        fitted = fit_text(text, BOX, STYLE)
        cold = (time.perf_counter() - start) * 1000
        warm = ms(lambda t=text: fit_text(t, BOX, STYLE))
        print(f"{name:16} | {cold:8.2f} | {warm:8.3f} | {fitted.size:4.0f} | {len(fitted.lines)}")
    start = time.perf_counter()
    fitted = fit_text(SUMMARY, SUMMARY_BOX, SUMMARY_STYLE)
    cold = (time.perf_counter() - start) * 1000
    warm = ms(lambda: fit_text(SUMMARY, SUMMARY_BOX, SUMMARY_STYLE))
    print(f"{'600-char summary':16} | {cold:8.2f} | {warm:8.3f} | {fitted.size:4.1f} | {len(fitted.lines)}")
    counter = iter(range(10**9))
    us = ms(lambda: text_width(f"Machine learning physics {next(counter)}", 24), repeat=2000) * 1000
    print(f"\ntext_width, 30-char uncached string: {us:.1f} µs")


if __name__ == "__main__":
    main()

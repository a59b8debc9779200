"""Languages: tags, the page's language (Hugo's rules, then detection), labels, dates and name lists.

    from cardgen.i18n import labels, format_month, join_names
    words = labels(page.language, template_overrides)
    words.text("thank_you")          # "Merci", "ありがとうございました", "شكرًا لكم"
    format_month(page.date, page.language)        # "julio de 2020", "2020年7月"
    join_names(page.author_names, page.language, max_names=3)   # "A, B y C", "A、B、C"

Nothing here imports Babel or the language model until it is first needed.
"""

from __future__ import annotations

from cardgen.i18n.detect import detect_language, page_language
from cardgen.i18n.formats import format_day, format_month, join_names
from cardgen.i18n.labels import Labels, label_language, labels
from cardgen.i18n.tags import is_rtl, normalize, office_tag, primary

__all__ = [
    "Labels",
    "detect_language",
    "format_day",
    "format_month",
    "is_rtl",
    "join_names",
    "label_language",
    "labels",
    "normalize",
    "office_tag",
    "page_language",
    "primary",
]

"""Dates and name lists as the page's language writes them, from CLDR (Babel): "julio de 2020",
"2020年7月", "Juli 2020"; "A y B", "A、B、C", "A وB".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from cardgen.i18n.labels import labels
from cardgen.i18n.tags import babel_locale


def format_month(value: dt.date | dt.datetime | None, tag: str | None) -> str:
    """Month and year ("July 2020", "julio de 2020", "2020年7月", "يوليو 2020"); '' without a date.

    CLDR's `yMMMM` skeleton: a month on its own (nominative where a language declines it: Polish
    "lipiec 2020", not "lipca 2020")."""
    if value is None:
        return ""
    from babel.dates import format_skeleton

    if isinstance(value, dt.datetime):
        value = value.date()
    return str(format_skeleton("yMMMM", value, locale=babel_locale(tag)))


def format_day(value: dt.date | dt.datetime | None, tag: str | None) -> str:
    """Day, month and year ("July 3, 2020", "3 de julio de 2020", "2020年7月3日")."""
    if value is None:
        return ""
    from babel.dates import format_skeleton

    if isinstance(value, dt.datetime):
        value = value.date()
    return str(format_skeleton("yMMMMd", value, locale=babel_locale(tag)))


def join_names(names: Sequence[str], tag: str | None, max_names: int | None = None) -> str:
    """Names joined as the language lists them ("A, B and C", "A, B y C", "A、B、C", "A وB وC").

    Past `max_names`, the first `max_names - 1` and the count of the rest ("A, B and 3 others",
    "A、Bほか3名"): never a lone "and 1 other"."""
    names = [n for n in names if n]
    if not names:
        return ""
    shown = len(names) if max_names is None else max(1, max_names - 1)
    rest = len(names) - shown
    if max_names is None or len(names) <= max_names or rest <= 1:  # "A and B", not "A and 1 others"
        from babel.lists import format_list

        return str(format_list(list(names), locale=babel_locale(tag)))
    return labels(tag).format("more_names", names=_separator(tag).join(names[:shown]), n=rest)


@lru_cache(maxsize=64)
def _separator(tag: str | None) -> str:
    """The separator between list items that are not the last two ("," / "、" / "، ")."""
    from babel.lists import format_list

    joined = str(format_list(["\x01", "\x02", "\x03", "\x04"], locale=babel_locale(tag)))
    return joined.split("\x01", 1)[1].split("\x02", 1)[0] or ", "

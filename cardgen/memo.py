"""Values worked out once per live object: a decoded image's Smart analysis and crop boxes, a page's
highlights. Entries are keyed by the object's identity and go when it is garbage-collected, so an id
reused by a later object never finds an earlier one's values."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar, cast

_T = TypeVar("_T")

#: id(owner) → (the owner, weakly, {key: value}).
_memo: dict[int, tuple[weakref.ref[object], dict[tuple[object, ...], object]]] = {}


def memoised(owner: object, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """`compute()` once per (live `owner`, key); `owner` must be weakly referenceable."""
    entry = _memo.get(id(owner))
    if entry is not None and entry[0]() is owner and key in entry[1]:
        return cast(_T, entry[1][key])
    value = compute()
    entry = _memo.get(id(owner))  # `compute` may have memoised something itself (the Smart analysis)
    if entry is None or entry[0]() is not owner:
        ident = id(owner)
        entry = (weakref.ref(owner, lambda _ref: _memo.pop(ident, None)), {})
        _memo[ident] = entry
    entry[1][key] = value
    return value

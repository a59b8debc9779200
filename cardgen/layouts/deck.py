"""The `[deck]` section of template.toml."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DeckLayout:
    raw: dict[str, Any]


def parse(section: dict[str, Any], where: str, context: dict[str, Any]) -> DeckLayout:
    return DeckLayout(raw=section)

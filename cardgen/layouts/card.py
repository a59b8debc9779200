"""The `[card]` section of template.toml."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CardLayout:
    raw: dict[str, Any]


def parse(section: dict[str, Any], where: str, context: dict[str, Any]) -> CardLayout:
    return CardLayout(raw=section)

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cardgen.errors import PageError
from cardgen.frontmatter import detect_format, parse_date, read_text, split_front_matter


def test_yaml_front_matter_keeps_timezone() -> None:
    raw = split_front_matter("---\ntitle: X\ndate: 2020-07-01T10:12:37+09:00\n---\nBody\n", Path("p.md"))
    assert raw.format == "yaml"
    assert raw.meta["title"] == "X"
    assert raw.meta["date"].utcoffset() == dt.timedelta(hours=9)
    assert raw.body.strip() == "Body"


def test_toml_front_matter_is_read_with_tomllib() -> None:
    raw = split_front_matter('+++\ntitle = "T"\n[image]\nfocal_point = "Top"\n+++\n\nBody', Path("p.md"))
    assert raw.format == "toml"
    assert raw.meta["image"] == {"focal_point": "Top"}


def test_json_front_matter_is_one_object_before_the_body() -> None:
    raw = split_front_matter('{\n  "title": "J",\n  "tags": ["a"]\n}\n\nBody text', Path("p.md"))
    assert raw.format == "json"
    assert raw.meta == {"title": "J", "tags": ["a"]}
    assert raw.body.strip() == "Body text"


def test_blank_line_after_opening_delimiter_is_fine() -> None:
    raw = split_front_matter("---\n\ntitle: Blank\n\n---\nx", Path("p.md"))
    assert raw.meta["title"] == "Blank"


def test_body_thematic_breaks_are_not_front_matter() -> None:
    raw = split_front_matter("---\ntitle: A\n---\none\n\n---\n\ntwo\n", Path("p.md"))
    assert "---" in raw.body and raw.body.strip().endswith("two")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("---\ntitle: [unclosed\n---\n", "invalid YAML at line"),
        ("+++\ntitle = \n+++\n", "invalid TOML"),
        ('{"title": }\n', "invalid JSON"),
        ("---\ntitle: x\n", "never closed"),
        ("---\n- a\n- b\n---\n", "expected key/value pairs"),
    ],
)
def test_broken_front_matter_names_file_and_problem(text: str, fragment: str) -> None:
    with pytest.raises(PageError) as info:
        split_front_matter(text, Path("content/project/x/index.md"))
    message = str(info.value)
    assert message.startswith("content/project/x/index.md: front matter:")
    assert fragment in message
    assert "\n" not in message


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    with pytest.raises(PageError, match="not a text file"):
        read_text(path)


def test_missing_file_is_a_page_error(tmp_path: Path) -> None:
    with pytest.raises(PageError, match="file not found"):
        read_text(tmp_path / "nope.md")


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "index.md"
    path.write_bytes("\ufeff---\r\ntitle: W\r\n---\r\nBody\r\n".encode())
    raw = split_front_matter(read_text(path), path)
    assert raw.meta["title"] == "W"
    assert detect_format(read_text(path)) == "yaml"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-04", dt.date(2021, 3, 4)),
        ("2021-03-04T05:06:07Z", dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)),
        ("2021-03-04 05:06:07 +0900", dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone(dt.timedelta(hours=9)))),
        ("", None),
        (None, None),
    ],
)
def test_dates_from_strings(value, expected) -> None:
    assert parse_date(value) == expected


def test_nonsense_date_raises_value_error() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date("next tuesday")


@pytest.mark.parametrize("lead", ["\n", "\n\n", "  \n\t\n", "\ufeff\n"])
def test_blank_lines_before_the_front_matter_are_skipped_as_hugo_does(lead):
    from cardgen.frontmatter import detect_format, split_front_matter

    text = lead + "---\ntitle: Blank first\n---\nBody text.\n"
    assert detect_format(text) == "yaml"
    raw = split_front_matter(text, Path("index.md"))
    assert raw.meta == {"title": "Blank first"} and raw.body == "Body text.\n"
    toml = split_front_matter(lead + '+++\ntitle = "T"\n+++\nBody.\n', Path("index.md"))
    assert toml.meta == {"title": "T"}

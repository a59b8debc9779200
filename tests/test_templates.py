from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cardgen.errors import TemplateError, UsageError
from cardgen.templates import builtin_root, list_templates, load_template, new_template


def copy_default(tmp_path: Path) -> Path:
    dest = tmp_path / "t"
    shutil.copytree(builtin_root() / "default", dest)
    return dest


@pytest.mark.parametrize("name", ["default", "dark", "event"])
def test_builtin_templates_load(name: str) -> None:
    template = load_template(name)
    assert template.name == name
    assert template.colors["background"].startswith("#")
    assert template.digest


def test_builtin_templates_look_different() -> None:
    backgrounds = {load_template(n).colors["background"] for n in list_templates()}
    accents = {load_template(n).colors["accent"] for n in list_templates()}
    assert len(backgrounds) == len(accents) == len(list_templates())


def test_unknown_top_level_key_names_file_and_key(tmp_path: Path) -> None:
    folder = copy_default(tmp_path)
    toml = folder / "template.toml"
    toml.write_text(toml.read_text() + '\n[colours]\nbackground = "#fff"\n')
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    assert str(toml.resolve()) in str(info.value) and "template.colours" in str(info.value)


def test_bad_colour_is_a_clear_error(tmp_path: Path) -> None:
    folder = copy_default(tmp_path)
    toml = folder / "template.toml"
    toml.write_text(toml.read_text().replace('accent = "#0969da"', 'accent = "blue-ish"'))
    with pytest.raises(TemplateError, match=r"colors\.accent: expected a hex colour"):
        load_template(folder)


def test_unknown_template_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown template 'nope'"):
        load_template("nope")


def test_new_template_refuses_non_empty_folder(tmp_path: Path) -> None:
    dest = tmp_path / "x"
    new_template("dark", dest)
    assert load_template(dest).name == "dark"
    with pytest.raises(UsageError):
        new_template("dark", dest)


def test_asset_outside_template_is_refused() -> None:
    with pytest.raises(TemplateError, match="outside the template folder"):
        load_template("default").asset("../../etc/passwd")

"""`[params.cardgen]` site settings: read from every Hugo config layout, flags win, typos are warned about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardgen.cli import main
from cardgen.errors import UsageError
from cardgen.settings import read_settings

from conftest import write


def _site(root: Path, config_name: str, config: str) -> Path:
    write(root / config_name, config)
    write(root / "content" / "project" / "p0" / "index.md", "---\ntitle: Project zero\nsummary: Zero.\n---\nText.\n")
    return root


def test_toml_yaml_json_and_config_folder_are_all_read(tmp_path: Path) -> None:
    toml = _site(tmp_path / "a", "hugo.toml", '[params.cardgen]\ntemplate = "dark"\nevent = "Open Lab Day"\n')
    assert (read_settings(toml).template, read_settings(toml).event) == ("dark", "Open Lab Day")
    yaml = _site(tmp_path / "b", "config.yaml", "params:\n  cardgen:\n    formats: [deck, card]\n    sheet: Letter\n")
    assert read_settings(yaml).formats == ("deck", "card") and read_settings(yaml).sheet == "letter"
    jsn = _site(tmp_path / "c", "hugo.json", json.dumps({"params": {"cardgen": {"presets": "og,x", "math": "native"}}}))
    assert read_settings(jsn).presets == ("og", "x") and read_settings(jsn).math == "native"
    folder = _site(tmp_path / "d", "config/_default/params.toml", '[cardgen]\noutput = "_cardgen"\npresets = "all"\n')
    write(folder / "config" / "_default" / "hugo.toml", 'title = "x"\n[params.cardgen]\ntemplate = "event"\n')
    settings = read_settings(folder)
    assert settings.output == (folder / "_cardgen").resolve() and settings.template == "event"
    assert settings.presets == ("og", "x", "square", "linkedin", "github")
    assert settings.sources["output"].name == "params.toml"


def test_root_config_overrides_the_config_folder(tmp_path: Path) -> None:
    root = _site(tmp_path / "s", "config/_default/params.yaml", "cardgen:\n  template: event\n  event: From folder\n")
    write(root / "hugo.toml", '[params.cardgen]\ntemplate = "dark"\n')
    settings = read_settings(root)
    assert settings.template == "dark" and settings.event == "From folder"


def test_unknown_key_is_one_warning_naming_file_and_key(tmp_path: Path) -> None:
    root = _site(tmp_path / "s", "hugo.toml", '[params.cardgen]\ntemplat = "dark"\n')
    (warning,) = read_settings(root).warnings
    assert "hugo.toml" in warning and "params.cardgen.templat" in warning and "\n" not in warning


@pytest.mark.parametrize(("config", "key"), [('formats = ["deck", "slides"]', "formats"), ('sheet = "a2"', "sheet"),
                                             ("event = 3", "event"), ('base_url = "lab.example.org"', "base_url"),
                                             ('math = "mathjax"', "math")])
def test_bad_values_are_usage_errors_naming_file_and_key(tmp_path: Path, config: str, key: str) -> None:
    root = _site(tmp_path / "s", "hugo.toml", f"[params.cardgen]\n{config}\n")
    with pytest.raises(UsageError, match=rf"hugo.toml: params.cardgen.{key}"):
        read_settings(root)


def test_template_folder_is_relative_to_the_site(tmp_path: Path) -> None:
    root = _site(tmp_path / "s", "hugo.toml", '[params.cardgen]\ntemplate = "brand/cards"\n')
    assert read_settings(root).template == str((root / "brand" / "cards").resolve())


def test_batch_uses_the_site_settings_without_flags(tmp_path: Path, capsys) -> None:
    root = _site(tmp_path / "s", "hugo.toml", '[params.cardgen]\ntemplate = "dark"\nevent = "Open Lab Day"\n'
                 'formats = "social,card"\noutput = "_out"\nsheet = "letter"\nunknown_thing = 1\n')
    code = main(["batch", str(root), "-j", "1", "-q"])
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((root / "_out" / "manifest.json").read_text())
    assert manifest["template"] == "dark" and manifest["event"] == "Open Lab Day"
    assert manifest["formats"] == ["social", "card"]
    names = {Path(o["path"]).name for o in manifest["event_pack"]["outputs"]}
    assert "cards-letter.pdf" in names


def test_flags_override_the_site_settings(tmp_path: Path, capsys) -> None:
    root = _site(tmp_path / "s", "hugo.toml", '[params.cardgen]\ntemplate = "dark"\nevent = "Site event"\n'
                 'formats = "card"\ntemplat = "x"\n')
    out = tmp_path / "out"
    code = main(["batch", str(root), "-o", str(out), "-j", "1", "--template", "event", "--event", "Flag event",
                 "--formats", "social"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["template"], manifest["event"], manifest["formats"]) == ("event", "Flag event", ["social"])
    assert "hugo.toml: params.cardgen.templat: unknown setting" in captured.err


def test_batch_without_output_or_setting_is_a_usage_error(tmp_path: Path, capsys) -> None:
    root = _site(tmp_path / "s", "hugo.toml", 'title = "x"\n')
    assert main(["batch", str(root)]) == 2
    assert "params.cardgen.output" in capsys.readouterr().err


def test_build_uses_template_formats_and_presets(tmp_path: Path, capsys) -> None:
    root = _site(tmp_path / "s", "hugo.toml", '[params.cardgen]\nformats = ["social"]\npresets = ["og", "square"]\n'
                 'output = "_out"\n')
    code = main(["build", str(root / "content" / "project" / "p0" / "index.md")])
    out = capsys.readouterr().out
    assert code == 0
    names = sorted(Path(line).name for line in out.split())
    assert [n for n in names if not n.endswith(".html")] == ["p0-og.png", "p0-square.png"]
    assert all(Path(line).parent == (root / "_out" / "p0").resolve() for line in out.split())


def _slides_xml(pptx: Path) -> str:
    import zipfile

    with zipfile.ZipFile(pptx) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("ppt/slides/slide"))


@pytest.mark.slow  # loads the math typesetting stack and writes two decks
def test_batch_uses_the_math_setting_and_the_flag_overrides_it(tmp_path: Path, capsys) -> None:
    root = _site(tmp_path / "s", "hugo.toml", '[params.cardgen]\nmath = "native"\nformats = ["deck"]\n')
    write(root / "content" / "project" / "p0" / "index.md",
          "---\ntitle: Energy\nsummary: Mass and energy.\n---\n## The formula\n\n$$E = mc^2$$\n\nText.\n")
    assert main(["batch", str(root), "-o", str(tmp_path / "native"), "-j", "1", "-q"]) == 0, capsys.readouterr().err
    assert "oMath" in _slides_xml(tmp_path / "native" / "p0" / "p0.pptx")
    assert main(["batch", str(root), "-o", str(tmp_path / "picture"), "-j", "1", "-q", "--math", "picture"]) == 0
    assert "oMath" not in _slides_xml(tmp_path / "picture" / "p0" / "p0.pptx")

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cardgen import __version__
from cardgen.cli import main

from conftest import CORPUS, SEED, needs_corpus, write


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"cardgen {__version__}"


def test_inspect_json_of_the_seed(capsys) -> None:
    code, out, _ = run(["inspect", str(SEED), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "MLPhys: Foundation of Machine Learning Physics"
    assert [a["name"] for a in data["authors"]] == ["Hajime Nagahara", "Yuta Nakashima", "Noriko Takemura"]
    assert data["image"]["focal_point"] == "smart"
    assert data["image"]["preview_only"] is False
    assert data["block_counts"] == {"paragraph": 3}
    assert {"text": "visit here", "href": "https://mlphys.scphys.kyoto-u.ac.jp/en/"} in data["body_links"]


@needs_corpus
def test_inspect_text_output_shows_outline_and_warnings(capsys) -> None:
    code, out, _ = run(["inspect", str(CORPUS / "de-ml-reliability" / "index.md")], capsys)
    assert code == 0
    assert "focal point Smart" in out
    assert "featured.png" in out


def test_missing_page_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = run(["inspect", str(tmp_path / "missing.md")], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0 and "no such file" in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"---\ntitle: [broken\n---\n", b"invalid YAML"), (b"\x00\x01\x02binary", b"not a text file"), (b"", b"empty file")],
)
def test_bad_pages_give_one_line_errors_and_exit_1(tmp_path: Path, capsys, content: bytes, fragment: bytes) -> None:
    path = tmp_path / "index.md"
    path.write_bytes(content)
    code, _, err = run(["inspect", str(path)], capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and fragment.decode() in lines[0]
    assert "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "index.md", "---\ntitle: [broken\n---\n")
    proc = subprocess.run([sys.executable, "-m", "cardgen.cli", "--debug", "inspect", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def test_unknown_option_is_exit_2(capsys) -> None:
    code, _, _ = run(["inspect", "--bogus", str(SEED)], capsys)
    assert code == 2


def test_templates_list_and_show(capsys) -> None:
    code, out, _ = run(["templates", "list"], capsys)
    assert code == 0 and {"default", "dark", "event"} <= {line.split()[0] for line in out.splitlines()}
    code, out, _ = run(["templates", "show", "dark"], capsys)
    assert code == 0 and 'name = "dark"' in out


def test_templates_new_copies_a_loadable_template(tmp_path: Path, capsys) -> None:
    dest = tmp_path / "mine"
    code, _, _ = run(["templates", "new", "event", str(dest)], capsys)
    assert code == 0 and (dest / "template.toml").is_file()
    code, _, err = run(["templates", "new", "event", str(dest)], capsys)
    assert code == 2 and "not empty" in err


def test_inspect_warns_about_low_print_resolution(tmp_path: Path, capsys) -> None:
    from conftest import tiny_png

    page = write(tmp_path / "p" / "index.md", "---\ntitle: Small picture\n---\n")
    tiny_png(tmp_path / "p" / "featured.png", (600, 400))
    code, out, _ = run(["inspect", str(page)], capsys)
    assert code == 0 and "600×400 px" in out and "below 200 dpi" in out
    code, out, _ = run(["inspect", str(page), "--json"], capsys)
    assert json.loads(out)["image"]["print_dpi"]["A6 card"] < 200


def _tiny_site(root: Path) -> Path:
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Lab"\n')
    write(root / "content" / "project" / "p0" / "index.md", "---\ntitle: Project zero\nsummary: Zero.\n---\nText.\n")
    return root


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_is_accepted_before_or_after_the_subcommand(tmp_path: Path, capsys, where: str) -> None:
    site = _tiny_site(tmp_path / "site")
    args = ["batch", str(site), "-o", str(tmp_path / "out"), "--formats", "social", "-j", "1"]
    args = ["--quiet", *args] if where == "before" else [*args, "--quiet"]
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert out == "" and err == ""
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_short_global_options_after_the_subcommand(tmp_path: Path, capsys) -> None:
    site = _tiny_site(tmp_path / "site")
    code, out, _ = run(["build", str(site / "content/project/p0/index.md"), "-o", str(tmp_path / "o"),
                        "--formats", "social", "-q"], capsys)
    assert code == 0 and out == ""
    code, out, _ = run(["build", str(site / "content/project/p0/index.md"), "-o", str(tmp_path / "o"),
                        "--formats", "social"], capsys)
    assert code == 0 and "p0-og" in out  # state does not leak from the previous call
    code, out, _ = run(["templates", "list", "-v"], capsys)
    assert code == 0 and "default" in out


def test_debug_after_the_subcommand_shows_the_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "index.md", "---\ntitle: [broken\n---\n")
    proc = subprocess.run([sys.executable, "-m", "cardgen.cli", "inspect", str(path), "--debug"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def test_the_console_entry_point_keeps_exit_codes_and_delivers_all_output(tmp_path: Path) -> None:
    """`run()` ends the process without interpreter teardown: what was printed must still arrive whole
    through a pipe, and the exit code must be the command's."""
    ok = subprocess.run([sys.executable, "-m", "cardgen", "inspect", str(SEED), "--json"], capture_output=True, text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["title"]
    bad = write(tmp_path / "index.md", "---\ntitle: [broken\n---\n")
    failed = subprocess.run([sys.executable, "-m", "cardgen", "inspect", str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1 and str(bad) in failed.stderr and "Traceback" not in failed.stderr
    usage = subprocess.run([sys.executable, "-m", "cardgen", "inspect", "--bogus"], capture_output=True, text=True)
    assert usage.returncode == 2

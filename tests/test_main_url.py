"""The main-URL rule shared by decks, cards and social images: external_link → page URL → url_project →
the body's project link → links."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgen.fields import body_project_link, main_url
from cardgen.loader import load_page

from conftest import SEED, write


def page_at(root: Path, front: str, body: str = "", name: str = "p"):
    return load_page(write(root / "content" / "project" / name / "index.md", f"---\ntitle: T\n{front}---\n{body}"))


def test_seed_page_points_to_the_project_site_its_body_links() -> None:
    page = load_page(SEED)
    assert page.url == "" and page.external_link == ""
    assert main_url(page) == "https://mlphys.scphys.kyoto-u.ac.jp/en/"
    assert page.main_url == main_url(page)


def test_external_link_wins_over_everything(site: Path) -> None:
    page = page_at(site, "external_link: https://elsewhere.org/x\nurl_project: https://p.org/\n",
                   "More detail: [visit](https://body.org/).\n")
    assert page.main_url == "https://elsewhere.org/x"


def test_page_url_comes_before_url_project(site: Path) -> None:
    page = page_at(site, "url_project: https://p.org/\n")
    assert page.main_url == "https://lab.example.org/project/p/"


def test_url_project_comes_before_the_body_link(tmp_path: Path) -> None:
    page = page_at(tmp_path, "url_project: https://p.org/\n", "For more detail, [visit here](https://body.org/).\n")
    assert page.main_url == "https://p.org/"


def test_body_link_comes_before_other_links(tmp_path: Path) -> None:
    page = page_at(tmp_path, "url_code: https://github.com/x/y\n", "See the [project website](https://site.org/).\n")
    assert page.main_url == "https://site.org/"


def test_other_links_are_the_last_resort(tmp_path: Path) -> None:
    page = page_at(tmp_path, "url_code: https://github.com/x/y\n", "Plain body.\n")
    assert page.main_url == "https://github.com/x/y"


@pytest.mark.parametrize(
    "body",
    [
        "We compare with [TypeScript](https://www.typescriptlang.org/) and others in this long sentence.\n",
        "For more detail, see [the paper](https://doi.org/10.1145/1).\n",
        "For more detail, [visit here](https://lab.org/paper.pdf).\n",
        "Code: [project website](https://github.com/x/y).\n",
        "[論文URL](https://doi.org/10.1/2)\n",
    ],
)
def test_references_code_and_papers_are_not_the_project_link(tmp_path: Path, body: str) -> None:
    assert body_project_link(page_at(tmp_path, "", body)) == ""


def test_body_links_in_lists_count(tmp_path: Path) -> None:
    page = page_at(tmp_path, "", "- Code on GitHub\n- [ホームページ](https://example.jp/lab/)\n")
    assert body_project_link(page) == "https://example.jp/lab/"


def test_the_themes_example_twitter_link_is_not_a_main_url(tmp_path: Path) -> None:
    page = page_at(tmp_path, "links:\n- name: Follow\n  url: https://twitter.com\n")
    assert page.main_url == ""


def test_the_chosen_source_is_reported(tmp_path: Path) -> None:
    from cardgen.fields import main_url_choice

    assert main_url_choice(load_page(SEED)) == ("https://mlphys.scphys.kyoto-u.ac.jp/en/", "body link")
    page = page_at(tmp_path, "url_code: https://github.com/x/y\n", "Plain body.\n")
    assert main_url_choice(page) == ("https://github.com/x/y", "links")
    assert main_url_choice(page_at(tmp_path, "", "Plain.\n", name="q")) == ("", "")


def test_the_starters_follow_twitter_example_is_not_a_main_url(tmp_path: Path) -> None:
    page = page_at(tmp_path, "links:\n- name: Follow\n  url: https://twitter.com/Twitter\n"
                   "- name: Medium\n  url: https://medium.com\n- name: Code\n  url: https://github.com/me/tool\n")
    assert page.main_url == "https://github.com/me/tool"


def test_inspect_shows_the_main_url_and_where_it_came_from() -> None:
    from typer.testing import CliRunner

    from cardgen.cli import app

    done = CliRunner().invoke(app, ["inspect", str(SEED)])
    assert done.exit_code == 0
    line = next(x for x in done.output.splitlines() if x.strip().startswith("main url"))
    assert "https://mlphys.scphys.kyoto-u.ac.jp/en/" in line and "body link" in line
    as_json = CliRunner().invoke(app, ["inspect", str(SEED), "--json"])
    assert '"source": "body link"' in as_json.output

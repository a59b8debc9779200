"""Languages: label files, dates and name lists by CLDR, tags, and the page's language (Hugo's rules,
then detection)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from cardgen.i18n import format_month, is_rtl, join_names, label_language, labels, normalize, office_tag
from cardgen.i18n.detect import detect_language, language_from_path, page_language
from cardgen.i18n.labels import keys, languages
from cardgen.loader import load_page

from conftest import CORPUS, write

REQUIRED = ["en", "es", "pt", "fr", "de", "it", "nl", "tr", "pl", "ru", "uk", "ar", "fa", "he", "hi", "bn", "th", "vi", "id", "ja", "zh-Hans", "zh-Hant", "ko"]


def test_every_required_language_has_a_label_file_with_every_key() -> None:
    assert set(REQUIRED) <= set(languages())
    english = keys()
    assert {"summary", "continued", "links", "thank_you", "scan_to_open", "project_page", "note", "warning",
            "speaker_notes"} <= set(english)
    for code in languages():
        words = labels(code)
        assert words.language == code
        assert set(words.words) == set(english), code  # no key missing, none misspelt
        for key in english:
            placeholders = set(re.findall(r"{(\w+)}", words.text(key)))
            assert placeholders == set(re.findall(r"{(\w+)}", labels("en").text(key))), (code, key)


def test_labels_are_translated_not_copied() -> None:
    same_everywhere = {"pdf"}
    for code in set(REQUIRED) - {"en"}:
        words = labels(code)
        translated = [k for k in keys() if k not in same_everywhere and words.text(k) != labels("en").text(k)]
        assert len(translated) >= len(keys()) // 2, code  # some are the same word ("Video", "Poster", "Links")
        for key in ("summary", "thank_you", "scan_to_open", "project_page", "continued", "speaker_notes"):
            assert words.text(key) != labels("en").text(key), (code, key)


@pytest.mark.parametrize(("tag", "file"), [("pt-BR", "pt"), ("zh-TW", "zh-Hant"), ("zh_CN", "zh-Hans"), ("zh", "zh-Hans"),
                                           ("iw", "he"), ("sw", "en"), ("", "en"), ("DE-at", "de"), ("nonsense!", "en")])
def test_label_language_follows_the_tag(tag: str, file: str) -> None:
    assert label_language(tag) == file


def test_template_overrides_apply_per_language_and_globally() -> None:
    overrides = {"thank_you": "Cheers", "fr": {"thank_you": "Merci beaucoup"}, "zh-Hant": {"summary": "概述"}}
    assert labels("en", overrides).text("thank_you") == "Cheers"
    assert labels("fr", overrides).text("thank_you") == "Merci beaucoup"
    assert labels("zh-TW", overrides).text("summary") == "概述"
    assert labels("de", overrides).text("summary") == "Zusammenfassung"


def test_callout_kinds_are_labelled_and_unknown_kinds_keep_their_name() -> None:
    assert labels("de").callout("warning") == "Warnung"
    assert labels("ja").callout("NOTE") == "注"
    assert labels("fr").callout("custom-kind") == "Custom-kind"


@pytest.mark.parametrize(("tag", "text"), [("en", "July 2020"), ("es", "julio de 2020"), ("de", "Juli 2020"),
                                           ("fr", "juillet 2020"), ("pt", "julho de 2020"), ("ja", "2020年7月"),
                                           ("zh-Hans", "2020年7月"), ("ko", "2020년 7월"), ("pl", "lipiec 2020")])
def test_months_follow_cldr(tag: str, text: str) -> None:
    assert format_month(dt.datetime(2020, 7, 14, 9, 30), tag) == text
    assert format_month(None, tag) == ""


def test_author_lists_are_joined_per_language() -> None:
    names = ["Ana", "Bo", "Cy"]
    assert join_names(names, "en") == "Ana, Bo, and Cy"
    assert join_names(names, "es") == "Ana, Bo y Cy"
    assert join_names(names, "fr") == "Ana, Bo et Cy"
    assert join_names(names, "de") == "Ana, Bo und Cy"
    assert join_names(names, "ja") == "Ana、Bo、Cy"
    assert join_names(["A", "B"], "ar") == "A وB"
    assert " and " not in join_names(names, "zh-Hans") and "和" in join_names(names, "zh-Hans")
    assert join_names([*names, "Di", "Ed"], "en", max_names=3) == "Ana, Bo and 3 others"
    assert join_names([*names, "Di", "Ed"], "ja", max_names=3) == "Ana、Boほか3名"
    assert join_names([*names, "Di"], "ko", max_names=2) == "Ana 외 3명"
    assert join_names(["Solo"], "fr") == "Solo" and join_names([], "fr") == ""


def test_tags_for_office_and_direction() -> None:
    assert [office_tag(t) for t in ("ar", "ja", "zh-Hans", "zh-Hant", "ko", "hi", "bn", "he", "fa", "")] == [
        "ar-SA", "ja-JP", "zh-CN", "zh-TW", "ko-KR", "hi-IN", "bn-BD", "he-IL", "fa-IR", "en-US"]
    assert all(is_rtl(t) for t in ("ar", "fa", "he", "ur"))
    assert not any(is_rtl(t) for t in ("en", "hi", "th", "ja", ""))
    assert normalize("zh-HK") == "zh-Hant" and normalize("en_GB") == "en"


@pytest.mark.parametrize(("text", "lang"), [
    ("Formación de equipos de investigación interdisciplinarios en universidades públicas de América Latina", "es"),
    ("Zuverlässigkeit von maschinellem Lernen in sicherheitskritischen Anwendungen", "de"),
    ("Apprentissage automatique pour la physique des matériaux et la chimie quantique", "fr"),
    ("Derin İllüzyon (Saldırgan Makine Öğrenmesi) modülü", "tr"),
    ("تشكيل فرق العمل البحثية في الجامعات العربية", "ar"),
    ("تشکیل تیم‌های پژوهشی در دانشگاه‌های ایران و آموزش دانشجویان", "fa"),
    ("בניית צוותי מחקר באוניברסיטה", "he"),
    ("मशीन लर्निंग और भौतिकी का अध्ययन", "hi"),
    ("স্টিফেন হকিংয়ের জীবন", "bn"),
    ("การเรียนรู้ของเครื่องสำหรับฟิสิกส์", "th"),
    ("機械学習による物理シミュレーション", "ja"),
    ("基于机器学习的物理模拟", "zh-Hans"),
    ("基於機器學習的物理模擬與資料視覺化", "zh-Hant"),
    ("기계 학습 기반 물리 시뮬레이션", "ko"),
])
def test_detection_names_the_language(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_hugo_placement_rules(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert language_from_path(content / "project" / "x" / "index.fr.md", content, ["en", "fr"]) == "fr"
    assert language_from_path(content / "project" / "x" / "index.fr.md", content, []) == "fr"  # no config: a valid tag
    assert language_from_path(content / "project" / "x" / "index.xx.md", content, ["en"]) == ""
    assert language_from_path(content / "ja" / "project" / "x" / "index.md", content, ["en", "ja"]) == "ja"
    assert language_from_path(content / "project" / "x" / "index.md", content, ["en", "ja"]) == ""


def test_page_language_precedence() -> None:
    german = "Zuverlässigkeit von maschinellem Lernen in sicherheitskritischen Anwendungen der Medizin"
    assert page_language(path_language="fr", front_matter={"lang": "de"}, headline=german) == "fr"
    assert page_language(front_matter={"lang": "pt-BR"}, headline=german) == "pt"
    assert page_language(site_language="de", headline="Machine learning for physics") == "de"  # Hugo: the site's
    assert page_language(site_language="en", headline="機械学習による物理シミュレーション") == "ja"  # plainly not English
    assert page_language(site_language="zh-Hant", headline="物理") == "zh-Hant"
    assert page_language(headline=german) == "de"
    assert page_language(headline="MTrack: Tracking", body="多人运动跟踪系统的研究与实现，使用深度学习方法。" * 3) == "zh-Hans"
    assert page_language() == ""


def test_a_translation_by_file_name_gets_its_language_and_labels(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "hugo.toml", 'baseURL = "https://lab.example.org/"\ntitle = "Lab"\ndefaultContentLanguage = "en"\n'
          '[languages.en]\nweight = 1\n[languages.es]\nweight = 2\n')
    page = load_page(write(root / "content" / "project" / "p" / "index.es.md",
                           "---\ntitle: Proyecto\nurl_pdf: https://x.org/a.pdf\n---\nTexto.\n"))
    assert page.language == "es"
    assert {link.name for link in page.links} >= {"PDF", "Página del proyecto"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_corpus_pages_get_the_language_they_are_written_in() -> None:
    expected = {"ar-team-creation": "ar", "bn-hawking": "bn", "de-ml-reliability": "de", "es-derco-embeddings": "es",
                "tr-deep-illusion": "tr", "ja-itijoho": "ja", "ko-spack-packager": "ko", "zh-gan-editing": "zh-Hans",
                "zh-mtrack": "zh-Hans", "img-small-225px": "id", "transcalibur": "en", "ggasym": "en"}
    for name, lang in expected.items():
        assert load_page(CORPUS / name / "index.md").language == lang, name


def test_a_template_overrides_the_deck_labels(tmp_path: Path) -> None:
    import shutil
    import zipfile

    from cardgen.errors import TemplateError
    from cardgen.render.deck import render_deck
    from cardgen.templates import load_template

    folder = tmp_path / "tpl"
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates" / "default", folder)
    base = (folder / "template.toml").read_text()
    (folder / "template.toml").write_text(base + '\n[labels]\nsummary = "En bref"\n[labels.fr]\nthank_you = "Merci à vous"\n')
    page = load_page(write(tmp_path / "p" / "index.md", "---\ntitle: Apprentissage automatique pour la physique\n"
                           "summary: Un projet de recherche sur les réseaux de neurones.\n"
                           "external_link: https://lab.example.org/p\n---\nNous étudions les réseaux.\n"))
    assert page.language == "fr"
    out = render_deck(page, tmp_path / "deck.pptx", template=folder).outputs[0]
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide"))
    assert "En bref" in xml and "Merci à vous" in xml and "Résumé" not in xml
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    (bad / "template.toml").write_text(base + '\n[labels]\nsumary = "x"\n')
    with pytest.raises(TemplateError, match="labels.sumary"):
        load_template(bad)


def test_a_single_remaining_name_is_named_not_counted() -> None:
    from cardgen.i18n import join_names

    assert join_names(["Ada Lovelace", "Alan Turing"], "en", 1) == "Ada Lovelace and Alan Turing"
    assert "1 other" not in join_names(["A", "B", "C"], "en", 2)
    assert join_names(["A", "B", "C", "D"], "en", 2) == "A and 3 others"

"""Decks speak the page's language: built-in labels, month names and author lists (no English left in
Spanish, Portuguese, French, German, Japanese, Chinese or Korean decks), every run tagged with its
language, CJK titles broken at phrase boundaries."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from cardgen.i18n import format_month, join_names, labels
from cardgen.i18n.labels import keys
from cardgen.loader import load_page

from conftest import write

#: language → (title, summary sentence, body sentence, authors)
TEXT = {
    "es": ("Aprendizaje automático para la física", "Un proyecto de investigación sobre redes neuronales.",
           "Estudiamos cómo las redes neuronales aprenden las leyes de la física a partir de datos experimentales.",
           ["Ana García", "Luis Pérez", "Marta Ruiz"]),
    "pt": ("Aprendizagem de máquina para a física", "Um projeto de pesquisa sobre redes neurais.",
           "Estudamos como as redes neurais aprendem as leis da física a partir de dados experimentais.",
           ["Ana Souza", "João Lima", "Maria Costa"]),
    "fr": ("Apprentissage automatique pour la physique", "Un projet de recherche sur les réseaux de neurones.",
           "Nous étudions comment les réseaux de neurones apprennent les lois de la physique à partir de données.",
           ["Anne Martin", "Luc Bernard", "Marie Petit"]),
    "de": ("Maschinelles Lernen für die Physik", "Ein Forschungsprojekt über neuronale Netze.",
           "Wir untersuchen, wie neuronale Netze die Gesetze der Physik aus experimentellen Daten lernen.",
           ["Anna Müller", "Lukas Schmidt", "Marie Weber"]),
    "ja": ("物理学のための機械学習", "ニューラルネットワークに関する研究プロジェクトです。",
           "ニューラルネットワークが実験データから物理法則をどのように学習するかを研究しています。",
           ["山田 太郎", "佐藤 花子", "鈴木 一郎"]),
    "zh-Hans": ("面向物理学的机器学习", "一个关于神经网络的研究项目。",
                "我们研究神经网络如何从实验数据中学习物理定律，并将其应用于新的材料设计。",
                ["王伟", "李娜", "张敏"]),
    "ko": ("물리학을 위한 기계 학습", "신경망에 관한 연구 프로젝트입니다.",
           "우리는 신경망이 실험 데이터로부터 물리 법칙을 어떻게 학습하는지 연구합니다.",
           ["김민수", "이지은", "박서준"]),
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
OFFICE = {"es": "es-ES", "pt": "pt-BR", "fr": "fr-FR", "de": "de-DE", "ja": "ja-JP", "zh-Hans": "zh-CN", "ko": "ko-KR"}


def page_in(tmp_path: Path, lang: str) -> Path:
    title, summary, sentence, authors = TEXT[lang]
    long_section = "\n\n".join([sentence * 3] * 12)
    body = f"""
{sentence}

## {title}

{long_section}

{{{{% callout note %}}}}
{sentence}
{{{{% /callout %}}}}

{{{{% callout warning %}}}}
{sentence}
{{{{% /callout %}}}}
"""
    front = (f"---\ntitle: \"{title}\"\nsummary: \"{summary}\"\nauthors: [{', '.join(authors)}]\n"
             "date: 2021-07-14\nurl_pdf: https://lab.example.org/paper.pdf\nurl_code: https://github.com/lab/code\n"
             "external_link: https://lab.example.org/project\n---\n")
    return write(tmp_path / lang / "index.md", front + body)


def deck_texts(pptx: Path) -> tuple[list[str], list[str]]:
    """(slide texts, notes texts), one string per paragraph."""
    slides, notes = [], []
    with zipfile.ZipFile(pptx) as z:
        for name in sorted(z.namelist()):
            if not name.endswith(".xml"):
                continue
            xml = z.read(name).decode()
            paragraphs = ["".join(re.findall(r"<a:t>([^<]*)</a:t>", p)) for p in re.findall(r"<a:p>.*?</a:p>", xml, re.S)]
            if name.startswith("ppt/slides/slide"):
                slides += paragraphs
            elif name.startswith("ppt/notesSlides/"):
                notes += paragraphs
    return slides, notes


@pytest.mark.parametrize("lang", list(TEXT))
def test_decks_carry_no_english_label_month_or_conjunction(tmp_path: Path, lang: str) -> None:
    from cardgen.render.deck import render_deck

    page = load_page(page_in(tmp_path, lang))
    assert page.language == lang
    result = render_deck(page, tmp_path / "deck.pptx")
    slides, notes = deck_texts(result.outputs[0])
    text = "\n".join(slides + notes)
    english, own = labels("en"), labels(lang)
    for key in keys():
        word = english.text(key).split("{")[0].strip()
        if len(word) > 3 and word != own.text(key).split("{")[0].strip():
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), (lang, key, word)
    for month in MONTHS:
        assert month not in text, (lang, month)
    assert " and " not in text
    # and the page's own words did arrive: its labels, month and list pattern
    assert own.text("continued") in text and own.text("summary") in text
    assert own.callout("note") in text and own.callout("warning") in text
    assert format_month(page.date, lang) in text  # "julio de 2021", "2021年7月"
    assert join_names(list(page.author_names), lang) in text  # "Ana García, Luis Pérez y Marta Ruiz"


@pytest.mark.parametrize("lang", list(TEXT))
def test_deck_runs_are_tagged_with_the_page_language(tmp_path: Path, lang: str) -> None:
    from cardgen.render.deck import render_deck

    page = load_page(page_in(tmp_path, lang))
    out = render_deck(page, tmp_path / "deck.pptx").outputs[0]
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide"))
        core = z.read("docProps/core.xml").decode()
    tags = re.findall(r'<a:rPr[^>]*lang="([^"]+)"', xml)
    assert tags and tags.count(OFFICE[lang]) >= 0.8 * len(tags)
    assert 'lang="en-US"' not in xml or lang in ("ja", "zh-Hans", "ko")  # Latin words in CJK decks are English
    assert f"<dc:language>{OFFICE[lang]}</dc:language>" in core


def test_cjk_titles_break_at_phrases_never_leaving_a_lone_character(tmp_path: Path) -> None:
    from lxml import etree

    from cardgen.render.deck import render_deck

    title = "基于生成对抗网络的人脸图像属性编辑方法研究与实现"
    path = write(tmp_path / "zh" / "index.md", f"---\ntitle: {title}\ndate: 2021-06-01\n---\n我们研究人脸属性编辑。\n")
    out = render_deck(load_page(path), tmp_path / "deck.pptx").outputs[0]
    with zipfile.ZipFile(out) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for paragraph in root.iter(f"{a}p"):
        if "".join(paragraph.itertext()).replace(" ", "") == title:
            lines, current = [], ""
            for child in paragraph:
                if child.tag == f"{a}br":
                    lines.append(current)
                    current = ""
                elif child.tag == f"{a}r":
                    current += "".join(child.itertext())
            lines.append(current)
            assert len(lines) >= 2 and "".join(lines) == title
            assert all(len(line) >= 3 for line in lines)
            import budoux

            phrases = budoux.load_default_simplified_chinese_parser().parse(title)
            ends = {sum(len(p) for p in phrases[:i]) for i in range(len(phrases) + 1)}
            position = 0
            for line in lines[:-1]:
                position += len(line)
                assert position in ends  # a break between BudouX phrases
            return
    raise AssertionError("cover title not found")


def test_right_to_left_paragraph_with_a_link_keeps_its_line_distance_as_a_percentage(tmp_path: Path) -> None:
    """LibreOffice draws the link's line of an exactly spaced right-to-left paragraph over the text above
    it; written as a percentage of the font's line, the same baseline distance is drawn in place."""
    from cardgen.render.deck import render_deck

    page = load_page(write(tmp_path / "ar" / "index.md", """
        ---
        title: إنشاء فرق المشاريع
        ---
        ## كيفية إنشاء فريق على GitHub

        عند اتمامكم لتكليف [team creation assignment على GitHub](https://classroom.github.com/a/x) ستظهر لكم شاشة
        لربط رقمكم الجامعي بحساب GitHub والتي عليكم اتمامها حال كان هذا أول استخدام لكم.
        """))
    out = render_deck(page, tmp_path / "ar.pptx").outputs[0]
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
    linked = [p for p in re.findall(r"<a:p>.*?</a:p>", xml, re.S) if "hlinkClick" in p and 'rtl="1"' in p]
    assert linked
    for paragraph in linked:
        assert "<a:spcPct" in paragraph.split("</a:lnSpc>")[0] and "<a:spcPts" not in paragraph.split("</a:lnSpc>")[0]
        percent = int(re.search(r'<a:lnSpc><a:spcPct val="(\d+)"', paragraph).group(1))
        # 1.35–1.45 em (Arabic's body and summary line heights, with the room its marks need) over
        # Noto Sans' 1.362 em line
        assert 98000 < percent < 108000


@pytest.mark.parametrize("lang,title,body", [
    ("ar", "إنشاء فرق المشاريع لمقرر ٣٥٠", "الاتفاق مع زملائك في الشعبة على إنشاء فريق."),
    ("bn", "হুইলচেয়ারের মহাবিশ্ব পর্যটক", "বলছি পৃথিবী বিখ্যাত বিজ্ঞানী স্টিফেন হকিংএর কথা।"),
])
def test_scripts_with_stacked_marks_get_more_line_height(tmp_path: Path, lang: str, title: str, body: str) -> None:
    """Arabic's hamza under one line touched the next line's letters at Latin's 1.1: such scripts get
    more room in every role, in the pptx as the planner measured it (the checker passes)."""
    from pptx import Presentation

    from cardgen.render.deck import render_deck

    def spacing(folder: str, text_title: str, text_body: str, language: str) -> tuple[float, float]:
        page = load_page(write(tmp_path / folder / "index.md", f"---\ntitle: {text_title}\nlanguage: {language}\n"
                               f"summary: {text_body}\n---\n## {text_title}\n\n{text_body}\n"))
        out = tmp_path / f"{folder}.pptx"
        render_deck(page, out)
        slide = Presentation(str(out)).slides[2]
        shapes = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()]
        ratios = []
        for shape in shapes[:2]:
            p = shape.text_frame.paragraphs[0]
            size = max(r.font.size.pt for r in p.runs if r.font.size)
            ratios.append(p.line_spacing.pt / size)
        return ratios[0], ratios[1]

    tall = spacing("tall", title, body, lang)
    latin = spacing("latin", "Building project teams for course 350", "Agree with your classmates on a team.", "en")
    assert tall[0] == pytest.approx(latin[0] + 0.15, abs=0.02) and tall[1] == pytest.approx(latin[1] + 0.15, abs=0.02)

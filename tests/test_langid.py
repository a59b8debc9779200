"""The cut-down language model gives py3langid's own answers, and its confidences to 1e-4, for every
group of languages `detect` asks about; it loads without py3langid's 68 MB arrays and without numpy."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import pytest

from cardgen.i18n import langid
from cardgen.i18n.detect import _SHARED, MODEL_LANGUAGES

py3langid = pytest.importorskip("py3langid")

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = [
    "Machine learning for physics: neural networks learn the phase diagram of the Ising model.",
    "Aprendizaje de representaciones: ¿cómo se comparan los embeddings derivados de términos?",
    "Über die Zuverlässigkeit maschinellen Lernens: Fehlerraten, Kalibrierung und Vertrauen.",
    "Derin öğrenme ile yanılsamalar: görsel algının sınırları ve ötesi",
    "Apprentissage automatique pour la physique des matériaux désordonnés",
    "Aprendizado de máquina para física de partículas no CERN",
    "Машинное обучение для физики конденсированного состояния",
    "Μηχανική μάθηση για τη φυσική",
    "تكوين الفرق البحثية وتأثيرها على الإنتاجية العلمية",
    "یادگیری ماشین برای فیزیک ماده چگال",
    "مشین لرننگ برائے طبیعیات",
    "स्टीफन हॉकिंग एक सैद्धांतिक भौतिक विज्ञानी थे",
    "স্টিফেন হকিং ছিলেন একজন ইংরেজ তাত্ত্বিক পদার্থবিজ্ঞানী",
    "HELLO WORLD IN CAPITALS", "", "12345 67890", "x", "Ünïcödé ß ǅ",
]


def _texts() -> list[str]:
    texts = list(SAMPLES)
    for path in sorted(FIXTURES.rglob("*.md")):
        body = path.read_text(encoding="utf-8", errors="replace")
        texts += [body[:1500], body[:120]]
    return texts


@pytest.mark.parametrize("group", [MODEL_LANGUAGES] + [codes for _, codes in _SHARED], ids=lambda g: g[0])
def test_same_answers_and_confidences_as_py3langid(group: tuple[str, ...]) -> None:
    full = _reference()
    reference = copy.copy(full)
    reference.set_languages([c for c in group if c in full.nb_classes])
    ours = langid.identifier(tuple(c for c in group if c in langid.model().classes))
    for text in _texts():
        code, confidence = ours.classify(text)
        expected, expected_confidence = reference.classify(text)
        assert code == expected, text[:60]
        assert confidence == pytest.approx(expected_confidence, abs=1e-4), text[:60]


@lru_cache(maxsize=1)
def _reference():  # type: ignore[no-untyped-def]
    """py3langid's identifier over its whole model (read once: ~0.6 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_model_file_is_small_and_keeps_every_language_detect_asks_for() -> None:
    """The scanner loads from a small file; the feature table is mapped, not read (a text touches only
    its features' rows), and holds the columns of every language detect asks about."""
    import mmap

    assert langid.MODEL.stat().st_size + langid.TRIE.stat().st_size < 2_000_000
    model = langid.model()
    assert isinstance(model._table, mmap.mmap)
    assert model.features[1] == len(model.classes) and max(model.feature) < model.features[0]
    assert model._start + model.features[0] * model._row == langid.PTC.stat().st_size
    wanted = set(MODEL_LANGUAGES) | {c for _, codes in _SHARED for c in codes}
    assert wanted <= set(langid.model().classes)


def test_every_trie_state_has_its_children_as_one_run_of_bytes_in_order() -> None:
    """The packed trie the scanner walks with `bytes.find`: state s's children are first[s] … first[s+1]-1,
    numbered breadth first, their leading bytes strictly rising (one child per byte), failure links
    to shallower states."""
    first, fail, feature, byte = langid._read_trie(langid.TRIE)
    states = len(fail)
    assert len(first) == states + 1 and len(feature) == states == len(byte)
    assert first[0] == 1 and first[states] == states
    depth = [0] * states
    for state in range(states):
        lo, hi = first[state], first[state + 1]
        assert lo <= hi and all(byte[c] < byte[c + 1] for c in range(lo, hi - 1))
        for child in range(lo, hi):
            depth[child] = depth[state] + 1
    assert all(depth[fail[s]] < depth[s] for s in range(1, states))


def test_a_damaged_trie_file_is_a_clear_error(tmp_path: Path) -> None:
    cut = tmp_path / "langid-trie.bin"
    cut.write_bytes(langid.TRIE.read_bytes()[:-10])
    with pytest.raises(ValueError, match="truncated"):
        langid._read_trie(cut)
    cut.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ValueError, match="not a cardgen language-model trie"):
        langid._read_trie(cut)


def test_classifying_needs_no_numpy() -> None:
    """`cardgen deck` of a page without a language tag detects it: numpy's import is not on that path."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from cardgen.i18n.detect import page_language\n"
        "print(page_language(headline='Aprendizaje automático para la física de materiales', body=''))\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["es", "False"]


def test_a_table_of_the_wrong_shape_is_a_clear_error(tmp_path: Path) -> None:
    import numpy as np

    bad = tmp_path / "langid-ptc.npy"
    np.save(bad, np.zeros((3, 5), dtype=np.float16))
    with pytest.raises(ValueError, match="float16 table of 62 columns"):
        langid._Model(langid.MODEL, bad, langid.TRIE)

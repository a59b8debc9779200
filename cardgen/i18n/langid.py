"""py3langid's language identifier over a cut-down copy of its model (`langid-model.npz`,
`langid-ptc.npy`, `langid-trie.bin`).

The model (naive Bayes over byte n-grams, by langid.py and py3langid: LICENSE-langid.txt) keeps only
the languages `detect` asks about, and its feature scanner as an Aho-Corasick trie walked with failure
links instead of a 39 MB dense table; the feature × language table is memory-mapped, and a text reads
only the rows of its features. The trie's states are numbered breadth first with children in byte
order, so a transition is a `bytes.find` over the state's run of child bytes in the file as read:
a process loads the model in ~2 ms (py3langid's takes ~0.6 s, a transition dict ~30 ms to
build). The scoring is py3langid's `LanguageIdentifier.classify` with `norm_probs=True`, step for
step (same arrays, same numpy operations), so the answers and confidences are its own:
`scripts/make_langid.py` builds the files and the tests compare both on the corpus.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from array import array
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL = Path(__file__).resolve().parent / "langid-model.npz"
PTC = MODEL.with_name("langid-ptc.npy")
TRIE = MODEL.with_name("langid-trie.bin")
_TRIE_MAGIC = b"CGLIDT1\0"
_ONE_BYTE = tuple(bytes([b]) for b in range(256))


class Identifier:
    """Classify text among `languages` (codes of the model; duplicates of a label fold into one)."""

    def __init__(self, model: _Model, languages: tuple[str, ...]) -> None:
        wanted = set(languages)
        unknown = wanted - set(model.classes)
        if unknown:
            raise ValueError(f"unknown language code(s): {sorted(unknown)}")
        indices = [i for i, c in enumerate(model.classes) if c in wanted]
        self.model = model
        self.classes = [model.classes[i] for i in indices]
        self.columns = indices
        self.pc = model.pc[indices]
        first: dict[str, int] = {}
        self.aliases: list[tuple[int, int]] = []
        for i, c in enumerate(self.classes):
            if c in first:
                self.aliases.append((first[c], i))
            else:
                first[c] = i

    def classify(self, text: str) -> tuple[str, float]:
        """(language, probability) of `text`, as py3langid's `classify` with normalised probabilities."""
        import numpy as np
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        visits = self.model.visits(data)
        if visits:
            idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
            counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
            # the rows of this text's features, then this identifier's columns: the array
            # py3langid multiplies (its table cut to the same columns, then these rows)
            scores = np.log1p(counts) @ self.model.ptc[idx][:, self.columns] + self.pc
        else:
            scores = np.full(len(self.classes), 0.0, dtype=np.float32)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in self.aliases:
            scores[i] += scores[j]
            scores[j] = 0.0
        best = int(scores.argmax())
        return self.classes[best], float(scores[best])


class _Model:
    def __init__(self, path: Path, ptc: Path, trie: Path) -> None:
        import numpy as np

        self.ptc: Any = np.load(ptc, mmap_mode="r", allow_pickle=False)
        with np.load(path, allow_pickle=False) as data:
            self.classes: list[str] = [str(c) for c in data["classes"].tolist()]
            self.pc: Any = data["pc"]
        self.first, self.fail, self.feature, self.byte = _read_trie(trie)

    def visits(self, data: bytes) -> Counter[int]:
        """Feature counts of the byte string: the scanner's walk, one transition per byte (state s's
        children are states first[s] … first[s + 1] - 1, their bytes the same run of `byte`)."""
        first, fail, feature, find = self.first, self.fail, self.feature, self.byte.find
        state = 0
        found: list[int] = []
        for b in data:
            one = _ONE_BYTE[b]
            while True:
                nxt = find(one, first[state], first[state + 1])
                if nxt >= 0:
                    state = nxt
                    break
                if state == 0:
                    break
                state = fail[state]
            f = feature[state]
            if f >= 0:
                found.append(f)
        return Counter(found)


def _read_trie(path: Path) -> tuple[array[int], array[int], array[int], bytes]:
    """(first, fail, feature, byte) of the packed trie (`scripts/make_langid.py`: `packed_trie`)."""
    raw = path.read_bytes()
    if raw[:8] != _TRIE_MAGIC:
        raise ValueError(f"{path}: not a cardgen language-model trie")
    states = int.from_bytes(raw[8:12], "little")
    tables: list[array[int]] = []
    at = 12
    for count in (states + 1, states, states):
        table = array("i")  # C int: 4 bytes on every platform CPython runs on
        table.frombytes(raw[at:at + 4 * count])
        if sys.byteorder == "big":  # pragma: no cover - the file is little-endian
            table.byteswap()
        tables.append(table)
        at += 4 * count
    if len(raw) != at + states:
        raise ValueError(f"{path}: truncated language-model trie")
    return tables[0], tables[1], tables[2], raw[at:]


@lru_cache(maxsize=1)
def model() -> _Model:
    """The model, read once per process."""
    return _Model(MODEL, PTC, TRIE)


@lru_cache(maxsize=8)
def identifier(languages: tuple[str, ...]) -> Identifier:
    return Identifier(model(), languages)

"""py3langid's language identifier over a cut-down copy of its model (`langid-model.npz`,
`langid-ptc.npy`, `langid-trie.bin`).

The model (naive Bayes over byte n-grams, by langid.py and py3langid: LICENSE-langid.txt) keeps only
the languages `detect` asks about, and its feature scanner as an Aho-Corasick trie walked with failure
links instead of a 39 MB dense table; the feature × language table is memory-mapped, and a text reads
only the rows of its features. The trie's states are numbered breadth first with children in byte
order, so a transition is a `bytes.find` over the state's run of child bytes in the file as read:
a process loads the model in ~2 ms (py3langid's takes ~0.6 s, a transition dict ~30 ms to
build). The scoring is py3langid's `LanguageIdentifier.classify` with `norm_probs=True`, step for
step, in plain Python (numpy's import alone would cost a `cardgen deck` ~80 ms): the answers are its
own and the confidences agree to 1e-4 (its sums are single precision). `scripts/make_langid.py` builds the files and the tests
compare both on the corpus.
"""

from __future__ import annotations

import ast
import math
import mmap
import struct
import sys
import unicodedata
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from operator import mul
from pathlib import Path

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
        self.pc = [model.pc[i] for i in indices]
        first: dict[str, int] = {}
        self.aliases: list[tuple[int, int]] = []
        for i, c in enumerate(self.classes):
            if c in first:
                self.aliases.append((first[c], i))
            else:
                first[c] = i

    def classify(self, text: str) -> tuple[str, float]:
        """(language, probability) of `text`, as py3langid's `classify` with normalised probabilities
        (its steps in double precision: the same answers, confidences within about 1e-5 of its
        single-precision ones)."""
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        visits = self.model.visits(data)
        if visits:
            # log(1 + count) × each feature's row, summed per language: py3langid's product of the
            # count vector with its table, over the rows of this text's features only
            weights = [math.log1p(n) for n in visits.values()]
            table = self.model.rows(visits.keys())
            width = len(self.model.classes)
            scores = [sum(map(mul, weights, table[c::width])) + self.pc[k] for k, c in enumerate(self.columns)]
        else:
            scores = [0.0] * len(self.classes)
        scale = 1.0 / math.sqrt(len(data) or 1)
        top = max(scores) * scale
        scores = [math.exp(s * scale - top) for s in scores]
        total = sum(scores)
        scores = [s / total for s in scores]
        for i, j in self.aliases:
            scores[i] += scores[j]
            scores[j] = 0.0
        best = max(range(len(scores)), key=scores.__getitem__)  # the first of equal scores, as argmax
        return self.classes[best], scores[best]


class _Model:
    def __init__(self, path: Path, ptc: Path, trie: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            classes = _npy(archive.read("classes.npy"), path)
            self.classes: list[str] = [str(c) for c in classes]
            self.pc: list[float] = [float(p) for p in _npy(archive.read("pc.npy"), path)]
        self.first, self.fail, self.feature, self.byte = _read_trie(trie)
        with ptc.open("rb") as handle:
            self._table = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.features, self._start, code = _npy_layout(self._table, ptc)
        if code != "<f2" or self.features[1:] != (len(self.classes),):
            raise ValueError(f"{ptc}: expected a float16 table of {len(self.classes)} columns, got {code} {self.features}")
        self._row = 2 * len(self.classes)

    def rows(self, features: Iterable[int]) -> tuple[float, ...]:
        """The table's rows of `features`, one after another (row-major, float16 read as float)."""
        table, start, row = self._table, self._start, self._row
        raw = b"".join(table[start + f * row:start + (f + 1) * row] for f in features)
        return struct.unpack(f"<{len(raw) // 2}e", raw)

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


def _npy_layout(raw: bytes | mmap.mmap, path: Path) -> tuple[tuple[int, ...], int, str]:
    """(shape, data offset, dtype code) of a C-ordered `.npy` file (format versions 1–3)."""
    if raw[:6] != b"\x93NUMPY":
        raise ValueError(f"{path}: not a .npy array")
    major = raw[6]
    size_bytes = 2 if major == 1 else 4
    length = int.from_bytes(raw[8:8 + size_bytes], "little")
    start = 8 + size_bytes + length
    header = ast.literal_eval(bytes(raw[8 + size_bytes:start]).decode("latin-1"))
    if not isinstance(header, dict) or header.get("fortran_order"):
        raise ValueError(f"{path}: unsupported .npy header {header!r}")
    return tuple(int(n) for n in header["shape"]), start, str(header["descr"])


def _npy(raw: bytes, path: Path) -> list[str] | list[float]:
    """A one-dimensional `.npy` array of little-endian float32 or fixed-width Unicode strings."""
    shape, start, code = _npy_layout(raw, path)
    (count,) = shape
    if code == "<f4":
        return list(struct.unpack_from(f"<{count}f", raw, start))
    if code.startswith("<U"):
        width = 4 * int(code[2:])
        return [raw[start + i * width:start + (i + 1) * width].decode("utf-32-le").rstrip("\0") for i in range(count)]
    raise ValueError(f"{path}: unsupported array type {code}")


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

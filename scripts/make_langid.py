"""Build `cardgen/i18n/langid-model.npz` and `langid-ptc.npy`, py3langid's model cut down to the
languages cardgen asks it about (reproducible; the output is committed).

py3langid (BSD-3-Clause; model from langid.py, BSD-2-Clause: cardgen/i18n/LICENSE-langid.txt) stores
a naive Bayes model over byte n-grams as a 68 MB array set, LZMA-compressed: reading it costs ~0.6 s
of CPU in every process that detects a language. cardgen only ever asks for `detect.MODEL_LANGUAGES`
and the `detect._SHARED` groups, so this keeps

- the per-feature log probabilities of those languages' columns only (float16, as in the model), in
  the model's column order, duplicate labels included (py3langid folds them the same way), as a plain
  `.npy` array (12 MB) that a process maps instead of reading: classifying a text touches only the
  rows of the features it contains;
- the feature scanner as its Aho-Corasick trie (each state's parent, byte, failure link and feature),
  not as the dense 256-way transition table it was expanded to: 1.4 MB (uncompressed) instead of 39 MB, walked with
  failure links (`cardgen.i18n.langid`).

Both are checked here: every transition of the dense table is recomputed from the trie, and the
classifier gives py3langid's answers, bit for bit, on the shared corpus.

    pip install "py3langid==0.4.0" && python scripts/make_langid.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "cardgen" / "i18n" / "langid-model.npz"
PTC = "langid-ptc.npy"  # next to OUTPUT


def trie_from_dense(nextmove: np.ndarray, rows: np.ndarray, out: np.ndarray) -> dict[str, np.ndarray]:
    """The trie of the dense scanner, level by level from the start state: an edge s →b→ t is a trie
    edge exactly when t is one byte deeper than s (failure transitions never go deeper), so each state
    first reached from the previous level is that state's child."""
    states = len(rows)
    table = nextmove.reshape(-1, 256)[rows.astype(np.int64)].astype(np.int64)  # states × 256
    depth = np.full(states, -1, np.int64)
    parent = np.full(states, -1, np.int64)
    byte = np.zeros(states, np.int64)
    depth[0] = 0
    levels = [np.array([0])]
    while True:
        frontier = levels[-1]
        targets = table[frontier]  # |frontier| × 256
        fresh = depth[targets] < 0
        if not fresh.any():
            break
        src, b = np.nonzero(fresh)
        t = targets[src, b]
        assert len(np.unique(t)) == len(t), "a state with two parents"
        depth[t] = len(levels)
        parent[t], byte[t] = frontier[src], b
        levels.append(t)
    assert (depth >= 0).all(), "unreachable scanner states"
    fail = np.zeros(states, np.int64)
    for level in levels[2:]:  # children of the start state fail to it
        fail[level] = table[fail[parent[level]], byte[level]]
    # The trie and its failure links must give back every transition of the dense table.
    child = np.full((states, 256), -1, np.int64)
    child[parent[1:], byte[1:]] = np.arange(1, states)
    rebuilt = np.zeros_like(table)
    rebuilt[0] = np.where(child[0] >= 0, child[0], 0)
    for level in levels[1:]:  # failure states are shallower: their rows are complete
        rebuilt[level] = np.where(child[level] >= 0, child[level], rebuilt[fail[level]])
    assert np.array_equal(rebuilt, table), "the trie does not reproduce the scanner"
    return {"parent": parent.astype(np.int32), "byte": byte.astype(np.uint8), "fail": fail.astype(np.int32),
            "feature": np.asarray(out, np.int32)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    import py3langid
    from py3langid.langid import MODEL_FILE
    from py3langid.modelio import load_model

    from cardgen.i18n.detect import _SHARED, MODEL_LANGUAGES

    ptc, pc, classes, nextmove, rows, out = load_model(Path(py3langid.__file__).parent / MODEL_FILE)
    wanted = set(MODEL_LANGUAGES) | {code for _, codes in _SHARED for code in codes}
    keep = [i for i, c in enumerate(classes) if c in wanted]
    assert wanted <= {classes[i] for i in keep}, wanted - {classes[i] for i in keep}
    arrays = trie_from_dense(np.asarray(nextmove), np.asarray(rows), np.asarray(out))
    arrays.update({
        "classes": np.array([classes[i] for i in keep]),
        "pc": np.asarray(pc, np.float32)[keep],
    })
    # features × languages, float16, uncompressed: memory-mapped by `langid` (inflating it took ~45 ms
    # of every process's start).
    columns = np.ascontiguousarray(np.asarray(ptc)[:, keep], dtype=np.float16)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.output, **arrays)  # 1.4 MB; read ~4× faster than deflated
    np.save(args.output.parent / PTC, columns, allow_pickle=False)
    print(f"{args.output}: {args.output.stat().st_size / 1e6:.1f} MB, {len(keep)} columns, "
          f"{len(arrays['parent'])} scanner states; {PTC}: {columns.nbytes / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

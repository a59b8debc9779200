"""Build `cardgen/i18n/langid-model.npz`, `langid-ptc.npy` and `langid-trie.bin`, py3langid's model cut down to the
languages cardgen asks it about (reproducible; the output is committed).

py3langid (BSD-3-Clause; model from langid.py, BSD-2-Clause: cardgen/i18n/LICENSE-langid.txt) stores
a naive Bayes model over byte n-grams as a 68 MB array set, LZMA-compressed: reading it costs ~0.6 s
of CPU in every process that detects a language. cardgen only ever asks for `detect.MODEL_LANGUAGES`
and the `detect._SHARED` groups, so this keeps

- the per-feature log probabilities of those languages' columns only (float16, as in the model), in
  the model's column order, duplicate labels included (py3langid folds them the same way), as a plain
  `.npy` array (12 MB) that a process maps instead of reading: classifying a text touches only the
  rows of the features it contains;
- the feature scanner as its Aho-Corasick trie, not as the dense 256-way transition table it was
  expanded to: 1.4 MB instead of 39 MB (`langid-trie.bin`), walked with failure links
  (`cardgen.i18n.langid`). Its states are numbered breadth first with each state's children in
  byte order, so a state's children are one run of numbers and their bytes one run of a byte string:
  the scanner finds a transition with `bytes.find` in the file as read, with nothing to build.

Every transition of the dense table is recomputed from the trie here; `tests/test_langid.py` checks
that the classifier gives py3langid's answers, and its confidences to 1e-4, on the test pages.

    pip install "py3langid==0.4.0" && python scripts/make_langid.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "cardgen" / "i18n" / "langid-model.npz"
PTC = "langid-ptc.npy"  # next to OUTPUT
TRIE = "langid-trie.bin"  # next to OUTPUT


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


def packed_trie(trie: dict[str, np.ndarray]) -> bytes:
    """The trie renumbered breadth first, children in byte order, as `cardgen.i18n.langid` reads it:
    magic, state count n, then little-endian int32 `first[n + 1]` (state s's children are the states
    first[s] … first[s + 1] - 1), `fail[n]`, `feature[n]`, and `byte[n]` (uint8, the byte leading
    into each state)."""
    parent, byte = trie["parent"].astype(np.int64), trie["byte"].astype(np.int64)
    states = len(parent)
    children: list[list[int]] = [[] for _ in range(states)]
    for state in range(1, states):
        children[parent[state]].append(state)
    old = [0]  # old number of each new state, in breadth-first order
    for state in old:  # grows while walked
        old += sorted(children[state], key=lambda c: byte[c])
    assert len(old) == states, "unreachable trie states"
    old_ids = np.asarray(old, np.int64)
    new = np.empty(states, np.int64)
    new[old_ids] = np.arange(states)
    counts = np.asarray([len(children[s]) for s in old], np.int64)
    first = np.concatenate([[1], 1 + np.cumsum(counts)])
    for state in range(states):  # each state's children are its run, in byte order
        run = new[children[old[state]]]
        assert sorted(run.tolist()) == list(range(first[state], first[state + 1])), state
    nbyte = byte[old_ids]
    assert all(np.all(np.diff(nbyte[first[s]:first[s + 1]]) > 0) for s in range(states) if counts[s] > 1)
    fail = new[trie["fail"].astype(np.int64)[old_ids]]
    feature = trie["feature"].astype(np.int64)[old_ids]
    return b"".join([b"CGLIDT1\0", np.uint32(states).astype("<u4").tobytes(), first.astype("<i4").tobytes(),
                     fail.astype("<i4").tobytes(), feature.astype("<i4").tobytes(), nbyte.astype(np.uint8).tobytes()])


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
    trie = packed_trie(trie_from_dense(np.asarray(nextmove), np.asarray(rows), np.asarray(out)))
    arrays = {
        "classes": np.array([classes[i] for i in keep]),
        "pc": np.asarray(pc, np.float32)[keep],
    }
    # features × languages, float16, uncompressed: memory-mapped by `langid` (inflating it took ~45 ms
    # of every process's start).
    columns = np.ascontiguousarray(np.asarray(ptc)[:, keep], dtype=np.float16)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.output, **arrays)
    np.save(args.output.parent / PTC, columns, allow_pickle=False)
    (args.output.parent / TRIE).write_bytes(trie)
    print(f"{args.output}: {len(keep)} columns; {TRIE}: {len(trie) / 1e6:.1f} MB; "
          f"{PTC}: {columns.nbytes / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

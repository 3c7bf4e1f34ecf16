from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from nearsame.analyze import analyze
from nearsame.candidates import Banding, band_keys, candidate_pairs, term_set_keys
from nearsame.document import Document
from nearsame.sketch import (
    SketchParams,
    _fmix,
    _signatures,
    document_hashes,
    documents_hashes,
    estimate_jaccard,
    minhash_of,
    permutations,
    sketch,
    token_hashes,
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=40))
def test_signatures_equal_datasketchs_affine32_minhash_over_the_same_hashes(
    words: list[str],
) -> None:
    hashes = token_hashes(words)
    ours = _signatures([hashes], 64, 1)[0]
    theirs = MinHash(num_perm=64, seed=1, scheme="affine32", hashfunc=lambda value: value)
    for value in hashes:
        theirs.update(int(value))
    assert np.array_equal(ours, theirs.hashvalues)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é\u0301œ’_-\n\u00a0Σ北"), max_size=60))
def test_document_hashes_are_the_token_hashes_of_the_document_words(text: str) -> None:
    from nearsame.normalize import document_words

    expected = token_hashes(document_words(text))
    assert np.array_equal(document_hashes(text), expected)
    assert np.array_equal(document_hashes(text), expected)  # a second time, from the caches


_FOLDED_ALPHABET = (
    "azAZ09 _-.,\n\téÉàÀèçÇœŒßẞæ\u0301\u0327\u0345’«»€°\u00a0\u2009\u200bμ²ĲŉǅΣςſİı\u212a\u2126Ａ北"
    "\U0001d400\U00010400"
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(_FOLDED_ALPHABET), max_size=80)
        | st.from_regex(r"(?:[a-z0-9]{1,24}[ ,.]){0,12}", fullmatch=True)
        | st.text(max_size=20),
        max_size=8,
    )
)
def test_hashes_of_many_texts_at_once_are_the_token_hashes_of_their_words(
    texts: list[str],
) -> None:
    from nearsame.normalize import document_words

    found = documents_hashes(texts)
    assert len(found) == len(texts)
    for text, hashes in zip(texts, found, strict=True):
        assert np.array_equal(hashes, token_hashes(document_words(text)))


def test_hashes_of_many_texts_at_once_survive_lone_surrogates_and_empty_texts() -> None:
    from nearsame.normalize import document_words

    texts = ["", "\u0301abc\ud800déf", "...", "l’usine « Corée »"]
    for text, hashes in zip(texts, documents_hashes(texts), strict=True):
        assert np.array_equal(hashes, token_hashes(document_words(text)))
    assert documents_hashes([]) == []


def test_each_unit_gets_verbatim_and_content_signatures_and_the_document_one() -> None:
    text = "Le dirigeant a visité trois usines de munitions vendredi. Il a demandé plus d'obus aux ouvriers."
    result = sketch(analyze(Document(id="x", text=text, language="fr")))
    assert result.verbatim_units == (0, 1) and result.content_units == (0, 1)
    assert result.verbatim.shape == (2, SketchParams().num_perm)
    assert result.content.shape == (2, SketchParams().content_num_perm)
    assert result.document is not None and result.document.shape == (SketchParams().doc_num_perm,)
    assert minhash_of(result.verbatim[0]).jaccard(minhash_of(result.verbatim[0])) == 1.0


def test_similar_units_have_similar_signatures() -> None:
    first = analyze(
        Document(
            id="a",
            text="Le conseil régional a approuvé mardi la construction d'un barrage de 45 mètres.",
            language="fr",
        )
    )
    second = analyze(
        Document(
            id="b",
            text="Le conseil régional a approuvé lundi la construction d'un barrage de 45 mètres.",
            language="fr",
        )
    )
    a, b = sketch(first), sketch(second)
    assert estimate_jaccard(a.verbatim[0], b.verbatim[0]) > 0.4
    assert estimate_jaccard(a.content[0], b.content[0]) > 0.6


def test_banding_comes_from_datasketch_and_leans_towards_recall() -> None:
    banding = Banding.for_threshold(0.8, 128)
    default = MinHashLSH(threshold=0.8, num_perm=128)
    assert banding.probability(0.8) > 1 - (1 - 0.8**default.r) ** default.b
    with pytest.raises(ValueError, match="threshold"):
        Banding.for_threshold(1.5, 128)


@pytest.mark.parametrize(("num_perm", "seed"), [(64, 1), (128, 1), (192, 1), (7, 42)])
def test_permutations_are_datasketchs_affine32_permutations(num_perm: int, seed: int) -> None:
    a, b = permutations(num_perm, seed)
    expected = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])


def test_the_default_bandings_known_in_advance_are_datasketchs() -> None:
    from nearsame.candidates import _DEFAULT_BANDINGS, _RECALL_WEIGHTS

    for (threshold, num_perm), banding in _DEFAULT_BANDINGS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=_RECALL_WEIGHTS)
        assert (banding.bands, banding.rows) == (lsh.b, lsh.r)


def test_candidate_pairs_are_those_datasketchs_minhashlsh_finds() -> None:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, size=(30, 64), dtype=np.uint64).astype(np.uint32)
    rows = [base[i // 3].copy() for i in range(90)]
    for row in rows:
        row[rng.choice(64, size=int(rng.integers(0, 40)), replace=False)] = rng.integers(
            0, 2**32, dtype=np.uint64
        )
    signatures = np.stack(rows)
    banding = Banding.for_threshold(0.3, 64)
    pairs, crowded = candidate_pairs(band_keys(signatures, banding), np.arange(90, dtype=np.int64))
    lsh = MinHashLSH(num_perm=64, params=(banding.bands, banding.rows))
    for index, row in enumerate(signatures):
        lsh.insert(index, minhash_of(row))
    expected = {
        (min(i, j), max(i, j))
        for i, row in enumerate(signatures)
        for j in lsh.query(minhash_of(row))
        if i != j
    }
    assert pairs == expected and not crowded


def test_rows_of_one_owner_never_pair_and_crowded_buckets_are_reported() -> None:
    signatures = np.zeros((6, 64), dtype=np.uint32)
    keys = band_keys(signatures, Banding(4, 2))
    pairs, crowded = candidate_pairs(keys, np.array([0, 0, 1, 1, 2, 2]), max_bucket=100)
    assert all(i // 2 != j // 2 for i, j in pairs) and len(pairs) == 12
    _, crowded = candidate_pairs(keys, np.array([0, 0, 1, 1, 2, 2]), max_bucket=3)
    assert crowded == set(range(6))


def _drawn_terms(
    groups: list[np.ndarray], permutation: tuple[np.ndarray, np.ndarray], count: int
) -> list[list[int]]:
    """The term that reached each of the first ``count`` minima of each group, the slow way."""
    a, b = permutation
    mixed = [_fmix(np.asarray(g, dtype=np.uint32)) for g in groups]
    return [[int(m[np.argmin(a[p] * m + b[p])]) for p in range(count)] for m in mixed]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=12, unique=True),
        min_size=2,
        max_size=6,
    )
)
def test_term_set_keys_name_the_pairs_of_terms_the_bands_draw(groups: list[list[int]]) -> None:
    banding = Banding(90, 2)
    a, b = permutations(192, 1)
    hashes = [np.asarray(g, dtype=np.uint32) for g in groups]
    signatures = _signatures(hashes, 192, 1)
    keys, rows = term_set_keys(signatures, banding, (a, b))
    drawn = _drawn_terms(hashes, (a, b), 180)
    pairs = [
        {frozenset(d[2 * i : 2 * i + 2]) for i in range(90)} - {frozenset([t]) for t in d}
        for d in drawn
    ]
    assert np.all(np.diff(rows) >= 0)
    for row, found in enumerate(pairs):
        mine = keys[rows == row]
        assert len(mine) == len(set(mine.tolist())) == len(found)
    # two sentences meet under a term-set key exactly when their bands draw a common pair
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            meet = bool(set(keys[rows == i].tolist()) & set(keys[rows == j].tolist()))
            assert meet == bool(pairs[i] & pairs[j])


def test_term_set_keys_find_every_pair_of_sentences_whose_bands_meet_on_two_terms() -> None:
    rng = np.random.default_rng(3)
    vocabulary = rng.integers(0, 2**32, size=60, dtype=np.uint64).astype(np.uint32)
    groups = [
        rng.choice(vocabulary, size=int(rng.integers(2, 14)), replace=False) for _ in range(80)
    ]
    signatures = _signatures(groups, 192, 1)
    a, b = permutations(192, 1)
    keys, rows = term_set_keys(signatures, Banding(90, 2), (a, b))
    sets = [set(keys[rows == i].tolist()) for i in range(80)]
    by_terms = {(i, j) for i in range(80) for j in range(i + 1, 80) if sets[i] & sets[j]}
    drawn = _drawn_terms(groups, (a, b), 180)
    bands = [[(d[2 * k], d[2 * k + 1]) for k in range(90)] for d in drawn]
    by_band = {
        (i, j)
        for i in range(80)
        for j in range(i + 1, 80)
        if any(x == y and x[0] != x[1] for x, y in zip(bands[i], bands[j], strict=True))
    }
    assert by_band and by_band <= by_terms
    # each pair of terms once: far fewer keys than bands
    assert len(keys) < 0.5 * 90 * 80


def test_term_set_keys_of_three_row_bands_name_the_same_sets_in_any_order() -> None:
    rng = np.random.default_rng(5)
    terms = rng.integers(0, 2**32, size=8, dtype=np.uint64).astype(np.uint32)
    groups = [terms, terms[::-1].copy(), terms[:1], terms[:4]]
    keys, rows = term_set_keys(_signatures(groups, 192, 1), Banding(60, 3), permutations(192, 1))
    found = [set(keys[rows == row].tolist()) for row in range(4)]
    assert found[0] == found[1] and found[0]
    assert not found[2]  # one term: nothing to pair
    assert found[3] and len(found[3]) <= len(found[0])


def test_term_set_keys_of_one_row_bands_name_single_terms() -> None:
    # thresholds below about 0.09 band 192 values one row at a time
    rng = np.random.default_rng(9)
    terms = rng.integers(0, 2**32, size=6, dtype=np.uint64).astype(np.uint32)
    groups = [terms, terms[:3], rng.integers(0, 2**32, size=6, dtype=np.uint64).astype(np.uint32)]
    keys, rows = term_set_keys(_signatures(groups, 192, 1), Banding(31, 1), permutations(192, 1))
    found = [set(keys[rows == row].tolist()) for row in range(3)]
    assert all(found) and found[0] & found[1] and not found[0] & found[2]

"""The check's array steps against plain Python references, on random input."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearsame.index.check import _SPAN, _pairs_by_document, _stack, pack_signatures
from nearsame.params import Params
from nearsame.sketch import DocumentSketch, SketchParams

PARAMS = Params(sketch=SketchParams(num_perm=4, content_num_perm=6, doc_num_perm=5))
U32 = np.uint32


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9), st.integers(0, 9)), max_size=60),
    scale=st.sampled_from([1, 1 << 40]),
)
def test_pairs_by_document_are_the_distinct_rows_of_each_document_ascending(
    rows: list[tuple[int, int, int]], scale: int
) -> None:
    # scaled, the three numbers need more than 63 bits together: the path that sorts columns
    scaled = [(num * scale, theirs * (scale >> 20 or 1), mine * (scale >> 20 or 1))
              for num, theirs, mine in rows]  # fmt: skip
    nums, theirs, mine = (np.array([r[i] for r in scaled], dtype=np.int64) for i in range(3))
    found = _pairs_by_document(nums, theirs, mine)
    expected: dict[int, list[tuple[int, int]]] = {}
    for num, their_unit, my_unit in sorted(set(scaled)):
        expected.setdefault(num, []).append((their_unit, my_unit))
    assert list(found) == list(expected)
    assert {num: [tuple(row) for row in pairs.tolist()] for num, pairs in found.items()} == expected


@st.composite
def sketches(draw: st.DrawFn) -> DocumentSketch:
    s = PARAMS.sketch
    v_units = sorted(draw(st.sets(st.integers(0, 30), max_size=5)))
    c_units = sorted(draw(st.sets(st.integers(0, 30), max_size=5)))
    values = st.integers(0, 3)
    return DocumentSketch(
        verbatim_units=tuple(v_units),
        verbatim=np.array(draw(st.lists(values, min_size=len(v_units) * s.num_perm,
                                        max_size=len(v_units) * s.num_perm)),
                          dtype=U32).reshape(-1, s.num_perm),
        content_units=tuple(c_units),
        content=np.array(draw(st.lists(values, min_size=len(c_units) * s.content_num_perm,
                                       max_size=len(c_units) * s.content_num_perm)),
                         dtype=U32).reshape(-1, s.content_num_perm),
        document=np.arange(s.doc_num_perm, dtype=U32) if draw(st.booleans()) else None,
    )  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_stacked_signatures_estimate_as_each_documents_own(data: st.DataObject) -> None:
    theirs_sketches = data.draw(st.lists(sketches(), min_size=1, max_size=4))
    mine = data.draw(sketches())
    # stored with the units' hashes after them, as an index does: a length not a multiple of 4
    blobs = [pack_signatures(sk) + b"\x07" * k for k, sk in enumerate(theirs_sketches)]
    values, verbatim, content = _stack(blobs, PARAMS)
    units = st.integers(0, 30)
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, len(theirs_sketches) - 1), units, units), max_size=30)
    )
    theirs = np.array([k * _SPAN + u for k, u, _ in pairs], dtype=np.int64)
    my_units = np.array([m for _, _, m in pairs], dtype=np.int64)
    for stacked, channel in ((verbatim, "verbatim"), (content, "content")):

        def units_of(sk: DocumentSketch, channel: str = channel) -> list[int]:
            return list(getattr(sk, f"{channel}_units"))

        def signatures_of(sk: DocumentSketch, channel: str = channel) -> npt.NDArray[np.uint32]:
            return np.asarray(getattr(sk, channel), dtype=U32)

        found = stacked.estimates(
            values, theirs, my_units, np.array(units_of(mine), dtype=np.int64), signatures_of(mine)
        )
        expected = []
        for k, unit, my_unit in pairs:
            their_units, my_own = units_of(theirs_sketches[k]), units_of(mine)
            if unit in their_units and my_unit in my_own:
                a = signatures_of(theirs_sketches[k])[their_units.index(unit)]
                b = signatures_of(mine)[my_own.index(my_unit)]
                expected.append(float(np.mean(a == b)))
            else:
                expected.append(0.0)
        assert found.tolist() == expected


def test_pairs_with_a_negative_number_are_sorted_as_columns() -> None:
    found = _pairs_by_document(*(np.array(column, dtype=np.int64) for column in
                                 ([5, 9, 9], [2, -1, 0], [3, 3, 3])))  # fmt: skip
    assert {num: pairs.tolist() for num, pairs in found.items()} == {
        5: [[2, 3]],
        9: [[-1, 3], [0, 3]],
    }


def test_damaged_signatures_are_an_error_not_a_misreading_of_the_others() -> None:
    s = PARAMS.sketch
    sketch = DocumentSketch(
        verbatim_units=(0, 1), verbatim=np.ones((2, s.num_perm), dtype=U32),
        content_units=(), content=np.empty((0, s.content_num_perm), dtype=U32), document=None,
    )  # fmt: skip
    good = pack_signatures(sketch)
    for damaged in (good[:-8], good[:5], b""):
        with pytest.raises(ValueError, match="damaged index"):
            _stack([damaged, good], PARAMS)

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nearsame.align import UnitMatch, align_pair, word_ops
from nearsame.analyze import Analysis, analyze
from nearsame.document import Document
from nearsame.verify import UnitScore

WORDS = [
    "Corée",
    "nord-coréen",
    "l’usine",
    "obus",
    "15 000",
    "KCNA",
    "a",
    "dit",
    "«",
    "»",
    "Kim",
    "Jong-un",
    "—",
    "mardi",
    "et",
]


def analysed(words: list[str], doc_id: str) -> Analysis:
    return analyze(Document(id=doc_id, text=" ".join(words) + ".", language="fr"), min_words=1)


def norms_in(analysis: Analysis, span: tuple[int, int]) -> list[str]:
    tokens = analysis.tokens
    return [t.norm for t in tokens if span[0] <= t.start and t.end <= span[1]]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
)
def test_word_operations_account_for_every_token_once_and_keep_only_equal_words(
    a: list[str], b: list[str]
) -> None:
    first, second = analysed(a, "a"), analysed(b, "b")
    ops = word_ops(first, (0, len(first.tokens)), second, (0, len(second.tokens)))
    side_a = [norm for op in ops if op.op != "insert" for norm in norms_in(first, op.earlier)]
    side_b = [norm for op in ops if op.op != "delete" for norm in norms_in(second, op.later)]
    assert side_a == list(first.tokens.norms)
    assert side_b == list(second.tokens.norms)
    for op in ops:
        if op.op == "keep":
            assert norms_in(first, op.earlier) == norms_in(second, op.later)
        if op.op == "insert":
            assert op.earlier[0] == op.earlier[1]
        if op.op == "delete":
            assert op.later[0] == op.later[1]


def test_passages_merge_consecutive_units_and_flag_the_one_out_of_order() -> None:
    sentences = [
        f"Phrase numéro {n} avec assez de mots pour compter vraiment ici."
        for n in ("un", "deux", "trois", "quatre")
    ]
    earlier = analyze(Document(id="e", text=" ".join(sentences), language="fr"))
    later = analyze(
        Document(
            id="l",
            text=" ".join([sentences[0], sentences[1], sentences[3], sentences[2]]),
            language="fr",
        )
    )
    exact = UnitScore("exact", 1.0, 1.0, 5)
    matches = [
        UnitMatch(0, 0, exact),
        UnitMatch(1, 1, exact),
        UnitMatch(3, 2, exact),
        UnitMatch(2, 3, exact),
    ]
    passages = align_pair(earlier, later, matches)
    assert [(p.earlier_units, p.later_units) for p in passages] == [
        ((0, 1), (0, 1)),
        ((3, 3), (2, 2)),
        ((2, 2), (3, 3)),
    ]
    assert [p.moved for p in passages].count(True) == 1
    assert not passages[0].moved

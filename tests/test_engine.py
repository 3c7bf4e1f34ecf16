from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Literal

import pytest

from nearsame.document import Document
from nearsame.engine import Params, build_report, compare, order_documents
from nearsame.loaders import load_documents, parse_text
from nearsame.report import Cluster, Match, Report, validate

ROOT = Path(__file__).parent.parent
PLANTED = ROOT / "fixtures" / "planted"


def paragraphs(document: Document) -> list[str]:
    return [p.strip() for p in document.body.split("\n\n") if p.strip()]


class Planted:
    """A later article built from known pieces of the base article, with each piece's offsets."""

    def __init__(self) -> None:
        self.base = parse_text(
            (PLANTED / "base.txt").read_text(encoding="utf-8"), doc_id="base", path=None
        )
        p1, p2, p3, p4, p5, p6 = paragraphs(self.base)
        s1, s2 = p4.split(". ", 1)
        s1 += "."
        unrelated = paragraphs(
            parse_text(
                (PLANTED / "unrelated.txt").read_text(encoding="utf-8"), doc_id="u", path=None
            )
        )[0]
        self.pieces: dict[str, tuple[str, str | None]] = {}  # name -> (later text, earlier text)
        parts = [
            ("p1", p1, p1),
            ("p2_folded", p2.replace("« Orne vivante »", "“Orne vivante”").replace("réunis", "reunis").replace("dénoncent", "denoncent"), p2),
            ("p3_edited", p3.replace("a défendu", "a de nouveau défendu").replace("Selon lui", "D'après lui").replace("quarante ans", "quarante-cinq ans"), p3),
            ("p4_s1", s1, s1),
            ("inserted", "Une réunion publique est prévue le mois prochain à la mairie de Thury-Harcourt pour présenter le projet aux riverains inquiets.", None),
            ("p4_s2", s2, s2),
            ("p6", p6, p6),
            ("p5", p5, p5),
            ("unrelated", unrelated, None),
        ]  # fmt: skip
        text = "title: Barrage de l'Orne : le projet avance\ndate: 2024-04-02\n\n"
        self.spans: dict[str, tuple[int, int]] = {}
        for index, (name, later, earlier) in enumerate(parts):
            if index and name not in ("inserted", "p4_s2"):
                text += "\n\n"
            elif index:
                text += " "
            self.spans[name] = (len(text), len(text) + len(later))
            self.pieces[name] = (later, earlier)
            text += later
        self.later = parse_text(text + "\n", doc_id="later", path=None)
        self.report = build_report([self.later, self.base])

    def matches_covering(self, name: str) -> list[Match]:
        start, end = self.spans[name]
        return [m for m in self.report.matches if m.later.start <= start and end <= m.later.end]


@pytest.fixture(scope="module")
def planted() -> Planted:
    return Planted()


def test_the_earlier_article_is_the_source_whatever_the_input_order(planted: Planted) -> None:
    assert [d.id for d in planted.report.documents] == ["base", "later"]
    assert all(m.earlier.doc == "base" and m.later.doc == "later" for m in planted.report.matches)


@pytest.mark.parametrize(
    ("piece", "kind"),
    [("p1", "exact"), ("p2_folded", "exact"), ("p3_edited", "near"), ("p4_s1", "exact"), ("p4_s2", "exact"),
     ("p5", "exact"), ("p6", "exact")],
)  # fmt: skip
def test_each_planted_piece_is_found_with_its_kind(planted: Planted, piece: str, kind: str) -> None:
    found = planted.matches_covering(piece)
    assert len(found) == 1, found
    assert found[0].kind == kind
    _, earlier_text = planted.pieces[piece]
    earlier = found[0].earlier
    assert earlier_text is not None
    assert earlier_text in planted.base.text[earlier.start : earlier.end]


def test_match_spans_start_and_end_exactly_on_the_pieces(planted: Planted) -> None:
    (first,) = planted.matches_covering("p1")
    assert first.later.start == planted.spans["p1"][0]
    assert planted.later.text[first.later.start : first.later.end].startswith(
        "Le conseil régional a approuvé"
    )
    (p3,) = planted.matches_covering("p3_edited")
    assert (p3.later.start, p3.later.end) == planted.spans["p3_edited"]
    assert planted.base.text[p3.earlier.start : p3.earlier.end] == planted.pieces["p3_edited"][1]


def test_reordered_paragraphs_flag_exactly_one_of_them_moved(planted: Planted) -> None:
    moved = {name for name in ("p5", "p6") if planted.matches_covering(name)[0].moved}
    assert len(moved) == 1
    others = [
        m
        for m in planted.report.matches
        if not any(m in planted.matches_covering(n) for n in ("p5", "p6"))
    ]
    assert not any(m.moved for m in others)


def changed(text: str, match: Match, side: str) -> list[str]:
    """The words of one side of ``match`` that its word operations do not keep."""
    spans = [op.earlier if side == "earlier" else op.later for op in match.ops if op.op != "keep"]
    return [text[s:e] for s, e in spans if s < e]


def test_light_edits_show_as_word_operations_with_spans_on_both_sides(planted: Planted) -> None:
    (match,) = planted.matches_covering("p3_edited")
    changed_later = changed(planted.later.text, match, "later")
    changed_earlier = changed(planted.base.text, match, "earlier")
    assert {"D'après", "cinq", "de nouveau"} <= set(changed_later)
    assert "Selon" in changed_earlier
    kept = [planted.later.text[s:e] for op in match.ops if op.op == "keep" for s, e in [op.later]]
    assert "Michel Durand" in " ".join(kept)


def test_inserted_sentence_and_unrelated_text_are_new_and_matched_to_nothing(
    planted: Planted,
) -> None:
    for name in ("inserted", "unrelated"):
        assert planted.matches_covering(name) == []
        start, end = planted.spans[name]
        overlapping = [
            m for m in planted.report.matches if m.later.start < end and start < m.later.end
        ]
        assert overlapping == []
        news = planted.report.document("later").novelty.new_spans
        assert any(s <= start and end <= e for s, e in news), (name, news)


def test_words_added_inside_a_recycled_sentence_are_new(planted: Planted) -> None:
    news = planted.report.document("later").novelty.new_spans
    new_text = [planted.later.text[s:e] for s, e in news]
    assert any("cinq" in piece for piece in new_text)
    assert not any("Michel Durand" in piece for piece in new_text)


def test_every_span_of_the_report_slices_inside_its_own_text(planted: Planted) -> None:
    assert_spans_valid(planted.report, {"base": planted.base.text, "later": planted.later.text})


def assert_spans_valid(report: Report, texts: dict[str, str]) -> None:
    validate(report.to_dict())
    for match in report.matches:
        for side in (match.earlier, match.later):
            assert 0 <= side.start < side.end <= len(texts[side.doc])
            piece = texts[side.doc][side.start : side.end]
            assert piece == piece.strip()
        for op in match.ops:
            assert match.earlier.start <= op.earlier[0] <= op.earlier[1] <= match.earlier.end
            assert match.later.start <= op.later[0] <= op.later[1] <= match.later.end
    for document in report.documents:
        novelty = document.novelty
        spans = [
            *novelty.new_spans,
            *[(s.start, s.end) for s in novelty.shared_spans],
            *novelty.boilerplate_spans,
        ]
        spans.sort()
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            assert e1 <= s2, "novelty spans overlap"
        assert all(0 <= s < e <= document.length for s, e in spans)


def test_unrelated_articles_share_nothing() -> None:
    base = parse_text((PLANTED / "base.txt").read_text(encoding="utf-8"), doc_id="a", path=None)
    other = parse_text(
        (PLANTED / "unrelated.txt").read_text(encoding="utf-8"), doc_id="b", path=None
    )
    report = compare(base, other)
    assert report.matches == ()
    assert report.document("b").novelty.shared_chars == 0


def test_an_article_and_its_nfd_form_share_the_whole_text_as_exact() -> None:
    """Combining marks (``é`` written ``e`` + U+0301) stay in their words: the decomposed copy
    has the same words and sentences, and the engine finds all of it, spans in its own text."""
    import unicodedata

    from nearsame.segment import segment

    text = (PLANTED / "base.txt").read_text(encoding="utf-8")
    base = parse_text(text, doc_id="nfc", path=None)
    copy = parse_text(unicodedata.normalize("NFD", text), doc_id="nfd", path=None)
    assert len(copy.text) > len(base.text)
    sentences = [
        (s.paragraph, s.words) for s in segment(base.text, start=base.body_start).sentences
    ]
    assert sentences == [
        (s.paragraph, s.words) for s in segment(copy.text, start=copy.body_start).sentences
    ]
    report = compare(base, copy)
    [match] = report.matches
    assert match.kind == "exact"
    assert (match.earlier.start, match.earlier.end) == (base.body_start, len(base.text.rstrip()))
    assert (match.later.start, match.later.end) == (copy.body_start, len(copy.text.rstrip()))
    assert report.document("nfd").novelty.new_chars == 0


def test_rewritten_background_in_nfd_scores_as_in_nfc() -> None:
    """The seeds' paraphrases, the later seed decomposed (NFD): the same passages, kinds and
    scores (word weights are looked up composed), spans in the decomposed text."""
    import unicodedata

    earlier, later = load_documents([Path(__file__).parent.parent / "seeds"]).documents
    decomposed = replace(later, text=unicodedata.normalize("NFD", later.text))
    plain, nfd = compare(earlier, later), compare(earlier, decomposed)
    assert [(m.kind, m.score) for m in nfd.matches] == [(m.kind, m.score) for m in plain.matches]
    assert len(nfd.matches) >= 3
    for a, b in zip(plain.matches, nfd.matches, strict=True):
        shown = decomposed.text[b.later.start : b.later.end]
        assert unicodedata.normalize("NFC", shown) == later.text[a.later.start : a.later.end]


def test_whole_article_near_duplicates_cluster_under_the_earliest() -> None:
    base = parse_text(
        (PLANTED / "base.txt").read_text(encoding="utf-8"), doc_id="original", path=None
    )
    repost = replace(base, id="repost", date="2024-03-13", text=base.text.replace("mardi", "lundi"))
    update = replace(
        base,
        id="update",
        date="2024-03-14",
        text=base.text + "\n\nMise à jour : le vote a été reporté.",
    )
    report = build_report([update, repost, base])
    assert [(c.canonical, c.members) for c in report.clusters] == [
        ("original", ("original", "repost", "update"))
    ]
    assert report.document("update").cluster == "original"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_site_furniture_is_boilerplate_however_its_accents_are_written(
    form: Literal["NFC", "NFD"],
) -> None:
    import unicodedata

    from nearsame.boilerplate import looks_like_boilerplate

    for line in ("À VOIR AUSSI : la grande enquête", "Publié le 3 mars 2025 à 14h"):
        assert looks_like_boilerplate(unicodedata.normalize(form, line))
    assert not looks_like_boilerplate(unicodedata.normalize(form, "À Pyongyang, l'usine tourne."))


def test_text_repeated_in_many_articles_is_boilerplate_and_out_of_novelty() -> None:
    footer = "Inscrivez-vous gratuitement à notre lettre quotidienne pour recevoir toute l'actualité de la région chaque matin."
    bodies = [
        "Le festival de jazz a accueilli quarante mille spectateurs pendant trois jours de concerts en plein air.",
        "La mairie a voté une hausse de deux pour cent des tarifs de la cantine scolaire à partir de septembre.",
        "Un incendie a détruit un entrepôt de la zone industrielle dans la nuit sans faire de victime selon les pompiers.",
        "Les travaux du tramway provoqueront des déviations dans le centre-ville jusqu'à la fin du mois de juin prochain.",
        "Le club de football local a recruté un nouvel entraîneur venu du championnat belge pour la saison prochaine.",
        "La bibliothèque municipale ouvrira désormais le dimanche matin grâce au recrutement de deux agents supplémentaires.",
    ]  # fmt: skip
    documents = [Document(id=f"d{i}", text=f"{body}\n\n{footer}") for i, body in enumerate(bodies)]
    report = build_report(documents)
    for document in report.documents:
        assert document.novelty.boilerplate_chars == len(footer)
        assert document.novelty.shared_chars == 0
    assert all(m.boilerplate for m in report.matches)


def test_undated_documents_keep_their_input_place_after_the_one_before() -> None:
    docs = [
        Document(id="a", text="x", date="2024-05-01"),
        Document(id="b", text="y"),
        Document(id="c", text="z", date="2024-01-01"),
    ]
    assert [d.id for d in order_documents(docs, "date")] == ["c", "a", "b"]
    assert [d.id for d in order_documents(docs, "input")] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("Sun, 10 Mar 2024 08:00:00 +0000", "Mon, 11 Mar 2024 08:00:00 +0000"),  # RSS
        ("2024-03-10T08:00:00+01:00", "2024-03-10T07:30:00Z"),  # 07:00 UTC, then 07:30
        ("11.03.2024", "10.04.2024"),  # day first
        ("2024-03-10", "2024-03-10T00:00:01Z"),  # a day is its first instant, in UTC
        ("2024-03-11T00:30:00+01:00", "2024-03-10T23:45:00Z"),
        ("1710057600", "2024-03-11"),  # Unix time
    ],
)
def test_dates_are_ordered_as_instants_not_as_strings(earlier: str, later: str) -> None:
    docs = [
        Document(id="later", text="x", date=later),
        Document(id="earlier", text="y", date=earlier),
    ]
    assert [d.date for d in order_documents(docs, "date")] == [earlier, later]
    assert [d.date for d in order_documents(docs[::-1], "date")] == [earlier, later]


def test_dates_of_the_same_instant_keep_their_input_order() -> None:
    dates = ["2024-03-10T00:00:00Z", "Sun, 10 Mar 2024 01:00:00 +0100", "2024-03-10", "2024-03"]
    docs = [Document(id=str(i), text="x", date=date) for i, date in enumerate(dates)]
    assert [d.id for d in order_documents(docs[:3], "date")] == ["0", "1", "2"]
    assert [d.id for d in order_documents(docs[::-1], "date")] == ["3", "2", "1", "0"]


def test_a_date_that_cannot_be_read_is_ordered_as_undated() -> None:
    docs = [
        Document(id="a", text="x", date="2024-05-01"),
        Document(id="b", text="y", date="le 3 mai"),
        Document(id="c", text="z", date="2024-01-01"),
    ]
    assert [d.id for d in order_documents(docs, "date")] == ["c", "a", "b"]


def test_bad_parameters_say_what_to_fix() -> None:
    with pytest.raises(ValueError, match="order must be"):
        Params(order="random")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ids must be unique"):
        build_report([Document(id="a", text="un"), Document(id="a", text="deux")])


# The seeds: the running example. They share no sentence verbatim, only rewritten background.

SEED_000, SEED_003 = "000_ba787c83ef70fcd0.txt", "003_792bb7683bd44ead.txt"


@pytest.fixture(scope="module")
def seeds() -> tuple[Report, dict[str, str]]:
    documents = load_documents([ROOT / "seeds"]).documents
    return build_report(documents), {d.id: d.text for d in documents}


def later_text_of(report: Report, texts: dict[str, str], kind: str) -> str:
    return " ".join(
        texts[m.later.doc][m.later.start : m.later.end] for m in report.matches if m.kind == kind
    )


def test_seed_003_reuses_seed_000s_background_as_paraphrase(
    seeds: tuple[Report, dict[str, str]],
) -> None:
    report, texts = seeds
    assert report.matches and all(
        m.earlier.doc == SEED_000 and m.later.doc == SEED_003 for m in report.matches
    )
    assert {m.kind for m in report.matches} == {"paraphrase"}
    reused = later_text_of(report, texts, "paraphrase")
    assert (
        "(KCNA) a indiqué que Kim Jong-un, lors de récentes visites d'usines de munitions" in reused
    )
    assert "accusé la Corée du Nord de fournir à la Russie" in reused
    assert "Après avoir nié son implication dans la guerre" in reused
    assert "pour soutenir la guerre de la Russie contre l'Ukraine" in reused
    earlier = " ".join(texts[SEED_000][m.earlier.start : m.earlier.end] for m in report.matches)
    assert "KCNA a affirmé que Kim Jong-un avait visité des usines" in earlier
    assert "La Corée du Nord a nié les allégations américaines" in earlier


@pytest.mark.parametrize(
    "fact",
    [
        "environ 15 000 soldats en Russie",
        "près de 5000 d'entre eux ont été tués ou blessés",
        "Vladimir Poutine ayant publié une déclaration remerciant la Corée du Nord",
        "environ 15 000 travailleurs en Russie",
        "s'élève probablement à des milliards de dollars",
        "rien n'indique pour l'instant que la Russie ait versé des paiements directs en espèces",
        "en lui fournissant des missiles de défense aérienne",
    ],
)
def test_the_facts_seed_003_adds_are_new_and_matched_to_nothing(
    seeds: tuple[Report, dict[str, str]], fact: str
) -> None:
    report, texts = seeds
    text = texts[SEED_003]
    start = text.index(fact)
    end = start + len(fact)
    assert any(s <= start and end <= e for s, e in report.document(SEED_003).novelty.new_spans)
    assert not any(m.later.start < end and start < m.later.end for m in report.matches)


def test_the_seed_reports_spans_are_valid(seeds: tuple[Report, dict[str, str]]) -> None:
    report, texts = seeds
    assert_spans_valid(report, texts)
    novelty = report.document(SEED_003).novelty
    assert novelty.boilerplate_chars > 0
    boilerplate = [texts[SEED_003][s:e] for s, e in novelty.boilerplate_spans]
    assert any(piece.startswith("À VOIR AUSSI") for piece in boilerplate)


def test_the_duplicates_only_run_finds_the_clusters_the_full_report_finds() -> None:
    base = parse_text(
        (PLANTED / "base.txt").read_text(encoding="utf-8"), doc_id="original", path=None
    )
    repost = replace(base, id="repost", date="2024-03-13", text=base.text.replace("mardi", "lundi"))
    other = parse_text(
        (PLANTED / "unrelated.txt").read_text(encoding="utf-8"), doc_id="other", path=None
    )
    full = build_report([repost, other, base])
    fast = build_report([repost, other, base], params=Params(passages=False))
    assert fast.clusters == full.clusters == (Cluster("original", ("original", "repost")),)
    assert fast.matches == ()
    novelty = fast.document("repost").novelty
    assert novelty.new_chars == 0 and novelty.shared_spans[0].source.doc == "original"
    assert novelty.shared_spans[0].kind == "near" and 0.8 <= novelty.shared_spans[0].score < 1
    assert fast.document("other").novelty.shared_chars == 0
    validate(fast.to_dict())


def test_a_passage_found_in_many_earlier_articles_keeps_the_earliest_and_the_closest() -> None:
    sentence = (
        "Le conseil régional a approuvé mardi la construction d'un barrage de 45 mètres sur l'Orne."
    )
    edited = sentence.replace("mardi", "lundi")
    earlier = [Document(id=f"e{i}", text=edited, date=f"2024-01-0{i + 1}") for i in range(4)]
    exact = Document(id="exact", text=sentence, date="2024-01-08")
    later = Document(id="later", text=sentence, date="2024-02-01")
    report = build_report([*earlier, exact, later], params=Params(max_sources=2))
    sources = {m.earlier.doc: m.kind for m in report.matches if m.later.doc == "later"}
    assert sources == {"e0": "near", "exact": "exact"}


def test_verbatim_words_are_credited_to_a_verbatim_source_before_an_earlier_paraphrase() -> None:
    rewritten = Document(
        id="rewritten",
        date="2024-03-01",
        text="Kim Jong-un a inspecté dimanche des usines d'armement et demandé aux ouvriers de "
        "fabriquer davantage d'obus, selon l'agence de presse officielle KCNA.",
    )
    sentence = (
        "Le dirigeant nord-coréen Kim Jong-un a visité dimanche plusieurs usines de munitions, a "
        "rapporté l'agence officielle KCNA, appelant les ouvriers à accroître la production d'obus."
    )
    wire = Document(id="wire", text=sentence, date="2024-03-02")
    later = Document(id="later", text=sentence, date="2024-03-03")
    report = build_report([rewritten, wire, later])
    kinds = {m.earlier.doc: m.kind for m in report.matches if m.later.doc == "later"}
    assert kinds == {"rewritten": "paraphrase", "wire": "exact"}
    shared = report.document("later").novelty.shared_spans
    assert {span.source.doc for span in shared} == {"wire"}
    assert sum(span.end - span.start for span in shared) == len(sentence)

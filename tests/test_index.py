from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from index_docs import article, doc, edited

import nearsame
from nearsame.document import Document
from nearsame.engine import compare
from nearsame.errors import IndexStoreError
from nearsame.index import IdConflictError, Index, open_index
from nearsame.index.sqlite import SQLiteStore
from nearsame.loaders import load_documents
from nearsame.params import Params

ROOT = Path(__file__).parent.parent


@pytest.fixture(params=["memory", "sqlite", "redis"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    uri = {"memory": "memory://", "sqlite": str(tmp_path / "index.db")}.get(request.param)
    if uri is None:
        uri = request.getfixturevalue("redis_server").uri()
    with open_index(uri) as opened:
        yield opened


def seeds() -> tuple[Document, Document]:
    earlier, later = load_documents([ROOT / "seeds"]).documents
    return earlier, later


def test_a_check_against_one_document_finds_what_compare_finds(index: Index) -> None:
    earlier, later = seeds()
    index.add([earlier])
    decision = index.check(later)
    report = compare(earlier, later)
    assert decision.status == "overlap"
    (matched,) = decision.matches
    assert matched.id == earlier.id
    expected = [((m.later.start, m.later.end), (m.earlier.start, m.earlier.end), m.kind)
                for m in report.matches]  # fmt: skip
    assert [(p.checked, p.indexed, p.kind) for p in matched.passages] == expected


def test_spans_slice_the_checked_and_the_indexed_texts(index: Index) -> None:
    earlier, later = seeds()
    index.add([earlier])
    for passage in index.check(later).matches[0].passages:
        assert later.text[slice(*passage.checked)].strip()
        assert earlier.text[slice(*passage.indexed)].strip()
        assert later.text[passage.checked[0]].isalnum() and earlier.text[passage.indexed[0]]


def test_an_edited_copy_is_a_duplicate_naming_the_indexed_document(index: Index) -> None:
    text = article(1)
    index.add([doc("first", text), doc("other", article(2))])
    decision = index.check(doc("copy", edited(text, 3)))
    assert decision.status == "duplicate"
    assert decision.duplicate_of == "first"
    assert decision.matches[0].kind == "duplicate"
    assert decision.matches[0].similarity is not None and decision.matches[0].similarity > 0.9


def test_an_unrelated_document_is_unique(index: Index) -> None:
    index.add([doc(f"d{n}", article(n)) for n in range(20)])
    decision = index.check(doc("new", article(999)))
    assert decision.status == "unique" and decision.matches == ()
    assert decision.to_dict()["schema"] == "nearsame.check/1"


def test_check_with_add_adds_and_the_next_copy_is_caught(index: Index) -> None:
    text = article(5)
    first = index.check(doc("a", text), add=True)
    assert first.status == "unique" and first.added
    second = index.check(doc("b", edited(text, 1)), add=True)
    assert second.status == "duplicate" and second.duplicate_of == "a" and second.added
    assert "a" in index and "b" in index and len(index) == 2


def test_a_document_does_not_match_itself(index: Index) -> None:
    index.add([doc("a", article(7))])
    again = index.check(doc("a", article(7)), add=True)
    assert again.status == "unique" and not again.added
    assert len(index) == 1


def test_an_updated_version_under_an_indexed_id_matches_the_indexed_one(index: Index) -> None:
    index.add([doc("a", article(7))])
    update = doc("a", article(7) + " " + article(8, sentences=2))
    decision = index.check(update)
    assert decision.status == "duplicate" and decision.duplicate_of == "a"
    with pytest.raises(IdConflictError):
        index.check(update, add=True)


def test_a_closed_index_refuses_to_work(index: Index) -> None:
    index.add([doc("a", article(1))])
    index.close()
    for use in (lambda: index.check(doc("b", article(1))), lambda: index.add([doc("c", "x")])):
        with pytest.raises(IndexStoreError):
            use()


def test_documents_without_a_word_are_stored_and_match_nothing(index: Index) -> None:
    wordless = [doc("party", "🎉🎉"), doc("dots", "… — !"), doc("blank", " \n ")]
    assert index.add([*wordless, doc("a", article(1))]) == ["party", "dots", "blank", "a"]
    assert index.check(doc("again", "🎉🎉"), add=True).status == "unique"
    assert index.get("party") == wordless[0] and len(index) == 5
    assert index.check(doc("b", article(1))).status == "duplicate"


def test_adding_is_idempotent_but_a_changed_text_under_a_known_id_is_refused(index: Index) -> None:
    assert index.add([doc("a", article(1))]) == ["a"]
    assert index.add([doc("a", article(1))]) == []
    with pytest.raises(IdConflictError, match="'a' is already in the index"):
        index.add([doc("b", article(2)), doc("a", article(3))])
    assert "b" not in index, "nothing of a refused call is added"
    with pytest.raises(IndexStoreError, match="repeated ids: 'c'"):
        index.add([doc("c", article(4)), doc("c", article(4))])


def test_remove_forgets_a_document_and_its_fingerprints(index: Index) -> None:
    text = article(11)
    index.add([doc("a", text)])
    assert index.remove("a") and not index.remove("a")
    assert index.check(doc("b", text)).status == "unique"
    assert index.stats().documents == 0


def test_verification_settings_can_change_per_check(index: Index) -> None:
    text = article(12)
    index.add([doc("a", text)])
    copy = doc("b", edited(text, 2))
    assert index.check(copy).status == "duplicate"
    assert index.check(copy, duplicate=1.0).status == "overlap"


def test_a_key_shared_by_too_many_documents_becomes_crowded(tmp_path: Path) -> None:
    footer = "À VOIR AUSSI la grande enquête sur le climat et la pollution de la région."
    with open_index(tmp_path / "i.db", params=Params(max_bucket=3)) as index:
        index.add([doc(f"d{n}", article(n) + " " + footer) for n in range(6)])
        assert index.stats().crowded_keys > 0
        decision = index.check(doc("x", article(100) + " " + footer))
        assert decision.status == "unique"


@pytest.mark.parametrize(
    ("table", "message"),
    [  # format 1: one row per band entry
        ("bands (key INTEGER, num INTEGER, unit INTEGER)", r"earlier version of nearsame.*build it again"),
        ("customers (name TEXT)", r"not a nearsame index \(.*other tables: customers"),
    ],
)  # fmt: skip
def test_an_index_of_an_earlier_format_or_another_applications_database_is_refused_untouched(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {table}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(IndexStoreError, match=message):
        open_index(path)
    assert path.read_bytes() == before


def test_damaged_parameters_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    with open_index(path) as index:
        index.add([doc("a", article(1))])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'garbage{' WHERE name = 'params'")
    db.close()
    with pytest.raises(IndexStoreError, match=r"index\.db: its 'params' record is damaged"):
        open_index(path)


def test_removing_documents_empties_their_postings(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with open_index(path) as index:
        index.add([doc("a", article(1)), doc("b", article(2))])
        assert index.remove("a") and index.remove("b")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM postings").fetchone() == (0,)
    db.close()
    with open_index(path) as index:
        index.add([doc("a", article(1))])
        assert index.check(doc("c", article(1))).status == "duplicate"


def test_a_file_index_persists_and_reopens_with_its_own_parameters(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    params = Params(verbatim_lsh=0.5)
    with open_index(path, params=params) as index:
        index.add([doc("a", article(1))])
    with open_index(path) as index:
        assert index.params.verbatim_lsh == 0.5
        assert index.check(doc("b", article(1))).duplicate_of == "a"
        stats = index.stats()
        assert stats.documents == 1 and stats.backend == "sqlite" and stats.size_bytes
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_an_index_refuses_other_parameters_and_says_which(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    open_index(path).close()
    wrong = Params(sketch=replace(Params().sketch, num_perm=128), content_lsh=0.2)
    with pytest.raises(IndexStoreError, match=r"content_lsh: index has 0.15, asked for 0.2"):
        open_index(path, params=wrong)
    with open_index(path, params=Params(duplicate=0.9)) as index:
        assert index.params.duplicate == 0.9, "verification settings are not the index's"


@pytest.mark.parametrize("kind", ["folder", "text file", "missing folder", "unknown scheme"])
def test_an_unusable_index_location_is_a_clear_error(tmp_path: Path, kind: str) -> None:
    (tmp_path / "notes.txt").write_text("not a database, " * 200)
    uri = {
        "folder": str(tmp_path),
        "text file": str(tmp_path / "notes.txt"),
        "missing folder": str(tmp_path / "nowhere" / "i.db"),
        "unknown scheme": "ftp://example.org/i",
    }[kind]
    with pytest.raises(IndexStoreError, match=r"\S+: "):
        open_index(uri)


def test_opening_without_create_needs_an_existing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexStoreError, match="no index here"):
        open_index(tmp_path / "new.db", create=False)
    assert not (tmp_path / "new.db").exists(), "nothing is left behind"


def test_checking_against_an_empty_file_leaves_it_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(IndexStoreError, match=r"empty\.db: no index here"):
        open_index(empty, create=False)
    assert empty.stat().st_size == 0 and sorted(tmp_path.iterdir()) == [empty]


def _as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line run by a user without rights to files of root's (setpriv)."""
    nearsame = str(Path(sys.executable).parent / "nearsame")
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", nearsame, *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to run the command line as another user",
)
def test_an_index_this_user_may_not_write_says_so(tmp_path: Path) -> None:
    hidden = _as_nobody("index", "stats", "--index", str(tmp_path / "i.db"))  # in root's 0700
    assert hidden.returncode == 2 and "Traceback" not in hidden.stderr
    assert "i.db: cannot reach the index (Permission denied)" in hidden.stderr
    with tempfile.TemporaryDirectory(dir="/tmp") as shared:
        folder = Path(shared)
        folder.chmod(0o755)
        _readable_but_not_writable(folder)


def _readable_but_not_writable(folder: Path) -> None:
    with open_index(folder / "i.db") as index:
        index.add([doc("a", article(1))])
    read_only_file = _as_nobody("index", "stats", "--index", str(folder / "i.db"))
    assert read_only_file.returncode == 2, read_only_file.stderr
    assert "i.db: cannot open the index: the file is read-only for this user" in (
        read_only_file.stderr
    )
    new = _as_nobody("index", "add", str(ROOT / "seeds"), "--index", str(folder / "new.db"))
    assert new.returncode == 2 and "Traceback" not in new.stderr
    assert "new.db: cannot open the index: its folder is read-only for this user" in new.stderr


def test_open_index_and_decisions_are_exported() -> None:
    for name in ("open_index", "Decision", "MatchedDocument", "SharedPassage", "Index"):
        assert name in nearsame.__all__ and hasattr(nearsame, name)


def test_the_readme_ingestion_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Ingestion", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    earlier, later = seeds()
    with open_index("news.db") as index:
        index.add([earlier])
    exec(code, {"text": later.text, "title": later.title})
    assert f"{earlier.id} paraphrase" in capsys.readouterr().out
    with open_index("news.db") as index:
        assert "afp-2025-0117" in index


def test_the_readme_bulk_loading_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Ingestion", 1)[1]
    code = section.split("```python\n")[2].split("```", 1)[0]
    assert "add_stream" in code
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive").mkdir()
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        (tmp_path / "archive" / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "archive" / "broken.txt").write_bytes(b"\xff\xfe\x00binary")
    exec(code, {})
    assert capsys.readouterr().out == "2 added; [] taken by other texts\n"
    with open_index("news.db") as index:
        assert len(index) == 2


def test_stored_sentences_align_as_the_analysis_of_the_text() -> None:
    from nearsame.align import UnitMatch, align_pair
    from nearsame.analyze import analyze
    from nearsame.index.units import hash_units, outline, pack_units, unpack_units
    from nearsame.verify import Thresholds, score_units

    earlier, later = seeds()
    a, b = analyze(earlier), analyze(later)
    stored = outline(unpack_units(pack_units(hash_units(a))), earlier)
    assert stored.sentences == a.sentences and stored.sentence_tokens == a.sentence_tokens
    units = [
        UnitMatch(x, y, score)
        for x in range(len(a.sentences))
        for y in range(len(b.sentences))
        if (score := score_units(a, x, b, y, thresholds=Thresholds())).kind is not None
    ]
    assert len(units) >= 3, "the seeds share rewritten background"
    expected = [replace(p, ops=()) for p in align_pair(a, b, units)]
    assert align_pair(stored, b, units, ops=False) == expected


def test_pairs_scored_on_stored_hashes_score_as_on_the_text() -> None:
    from collections import Counter

    from nearsame.analyze import analyze
    from nearsame.index.units import (
        CheckedUnits,
        hash_units,
        pack_units,
        score_hashed,
        unpack_units,
    )
    from nearsame.verify import Thresholds, score_units

    earlier, later = seeds()
    rewrite = replace(later, id="rewrite", text=edited(later.text, 9))
    thresholds = Thresholds()
    kinds: Counter[str | None] = Counter()
    for first, second in ((earlier, later), (later, rewrite), (earlier, earlier)):
        a, b = analyze(first), analyze(second)
        stored = unpack_units(b"padding" + pack_units(hash_units(a)), len(b"padding"))
        checked = CheckedUnits(b)
        for unit_a in range(len(a.sentence_tokens)):
            for unit_b in range(len(b.sentence_tokens)):
                expected = score_units(a, unit_a, b, unit_b, thresholds=thresholds)
                found = score_hashed(stored, unit_a, checked, unit_b, thresholds)
                if found is None:  # rejected on the count of shared terms and the words alone
                    assert expected.kind is None
                    kinds["rejected early"] += 1
                    continue
                assert found.kind == expected.kind and found.shared_terms == expected.shared_terms
                assert found.surface == expected.surface
                assert found.content == pytest.approx(expected.content, rel=1e-12)
                kinds[found.kind] += 1
    assert kinds["exact"] and kinds["near"] and kinds["paraphrase"] and kinds[None]
    assert kinds["rejected early"] > kinds[None]


def test_an_index_records_datasketchs_bandings_and_permutations(tmp_path: Path) -> None:
    from datasketch import MinHash

    from nearsame.candidates import Banding

    params = Params(verbatim_lsh=0.35)
    with open_index(tmp_path / "index.db", params=params):
        pass
    derived = SQLiteStore(tmp_path / "index.db").read_derived()
    assert derived is not None
    s = params.sketch
    channels = [(0.35, s.num_perm), (params.content_lsh, s.content_num_perm),
                (params.document_lsh, s.doc_num_perm)]  # fmt: skip
    assert derived["bandings"] == [
        [Banding.for_threshold(*c).bands, Banding.for_threshold(*c).rows] for c in channels
    ]
    assert sorted(derived["permutations"]) == sorted({str(n) for _, n in channels})
    for num_perm, (a, b) in derived["permutations"].items():
        expected = MinHash(num_perm=int(num_perm), seed=s.seed, scheme="affine32").permutations
        assert [a, b] == [part.tolist() for part in expected]
    with open_index(tmp_path / "index.db") as reopened:
        assert "derived" not in reopened.stats().params, "recorded apart: older versions open it"


def test_a_fresh_process_checks_without_importing_datasketch_or_wordfreq(tmp_path: Path) -> None:
    text = article(1)
    with open_index(tmp_path / "index.db") as index:
        index.add([doc("first", text)])
    code = (
        "import sys\n"
        "from nearsame import Document, open_index\n"
        "with open_index(sys.argv[1]) as index:\n"
        "    d = index.check(Document(id='q', text=sys.argv[2], language='fr'))\n"
        "print(d.status, *sorted({'datasketch', 'scipy', 'wordfreq'} & set(sys.modules)))\n"
    )
    found = subprocess.run([sys.executable, "-c", code, str(tmp_path / "index.db"),
                            edited(text, 1)], capture_output=True, text=True, check=True)  # fmt: skip
    assert found.stdout.split() == ["duplicate"]


def _checkpointers() -> int:
    return sum(thread.name == "nearsame-checkpoint" for thread in threading.enumerate())


def _wait_for_growth(path: Path, size: int) -> None:
    deadline = time.monotonic() + 60
    while path.stat().st_size == size and time.monotonic() < deadline:
        time.sleep(0.02)


def test_the_log_is_copied_into_the_file_in_the_background(tmp_path: Path) -> None:
    before = _checkpointers()
    path = tmp_path / "i.db"
    with open_index(path) as index:
        index.add([doc("first", article(0))])
        empty = path.stat().st_size  # the schema; the first add is still in the log
        index.add([doc(f"d{n}", article(n)) for n in range(1, 40)])
        _wait_for_growth(path, empty)
        # SQLite's own checkpoint would have waited for 4,000 pages of log, or the close
        assert path.stat().st_size > empty
        assert _checkpointers() == before + 1
        assert index.check(doc("x", article(7))).duplicate_of == "d7"
    assert _checkpointers() == before
    store = SQLiteStore(path)
    assert store.integrity() == "ok" and store.count()[0] == 40
    store.close()


def test_an_index_dropped_without_close_stops_its_checkpoints(tmp_path: Path) -> None:
    before = _checkpointers()
    path = tmp_path / "i.db"
    index = open_index(path)
    index.add([doc(f"d{n}", article(n)) for n in range(40)])
    assert _checkpointers() == before + 1
    del index
    gc.collect()
    assert _checkpointers() == before
    assert not Path(f"{path}-wal").exists()  # the last connection closed: the log folded in


def test_checkpoints_follow_the_index_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(tmp_path)
    with open_index("i.db") as index:
        index.add([doc("first", article(0))])
        empty = (tmp_path / "i.db").stat().st_size
        monkeypatch.chdir(elsewhere)
        index.add([doc(f"d{n}", article(n)) for n in range(1, 40)])
        _wait_for_growth(tmp_path / "i.db", empty)
        assert (tmp_path / "i.db").stat().st_size > empty
    assert list(elsewhere.iterdir()) == []

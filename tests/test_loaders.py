from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nearsame.loaders import FieldNames, LoadProblem, iter_documents, load_documents, parse_text

SEEDS = Path(__file__).parent.parent / "seeds"


def test_a_folder_is_read_recursively_in_a_stable_order_with_relative_ids(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(
        "Deuxième article assez long pour compter.", encoding="utf-8"
    )
    (tmp_path / "a.md").write_text("Premier article assez long pour compter.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("caché", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")
    result = load_documents([tmp_path])
    assert [d.id for d in result.documents] == ["a.md", "b/2.txt"]
    assert result.problems == ()


def test_the_seeds_load_with_their_dates_titles_and_exact_text() -> None:
    result = load_documents([SEEDS])
    first, second = result.documents
    assert first.id == "000_ba787c83ef70fcd0.txt" and first.date == "2023-08"
    assert first.text == (SEEDS / first.id).read_text(encoding="utf-8")
    assert first.text[first.body_start :].startswith("Le dirigeant nord-coréen")
    assert (
        second.title
        == "Kim Jong Un appelle à une augmentation de la production d'obus d'artillerie"
    )


def test_a_key_value_header_gives_metadata_and_the_body_starts_after_it() -> None:
    text = "title: Le titre\ndate: 2024-03-05T10:00:00+01:00\nsource: AFP\nauthor: X\n\nLe corps."
    document = parse_text(text, doc_id="x.txt", path=None)
    assert (document.title, document.date, document.source) == (
        "Le titre",
        "2024-03-05T10:00:00+01:00",
        "AFP",
    )
    assert document.metadata == {"author": "X"}
    assert document.text == text and document.body == "Le corps."


def test_a_first_line_with_a_colon_is_not_mistaken_for_a_header() -> None:
    text = "Paris: le gouvernement annonce un plan\n\nLe corps de l'article."
    document = parse_text(text, doc_id="x", path=None)
    assert document.body_start == 0
    assert document.title == "Paris: le gouvernement annonce un plan"


def test_markdown_front_matter_is_read() -> None:
    text = "---\ntitle: T\ndate: 2020-01-02\n---\nCorps du texte."
    document = parse_text(text, doc_id="x.md", path=None)
    assert (
        document.title == "T"
        and document.date == "2020-01-02"
        and document.body == "Corps du texte."
    )


def test_jsonl_records_use_configurable_fields_and_bad_lines_are_located(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Texte A complet.", "date": "2020-01-01"}),
        "{not json",
        json.dumps({"id": "b", "body": "no text field"}),
        json.dumps({"id": "a", "text": "Doublon de A."}),
        json.dumps({"id": "c", "text": "   "}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "d", "text": "Texte D complet."}),
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_documents([path])
    assert [d.id for d in result.documents] == ["a", "d"]
    locations = [p.location for p in result.problems]
    assert locations == [f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:5", f"{path}:6"]
    messages = " | ".join(p.message for p in result.problems)
    assert "malformed JSON" in messages and "no 'text' field" in messages
    assert "duplicate id 'a'" in messages and "empty document" in messages


def test_several_text_fields_join_with_a_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps({"title": "T", "heading": "Chapeau.", "article": "Corps."}), encoding="utf-8"
    )
    result = load_documents([path], fields=FieldNames(text=("heading", "article")))
    assert result.documents[0].text == "Chapeau.\n\nCorps."
    assert result.documents[0].id == "one.json"


def test_a_json_list_and_a_documents_object_are_both_read(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(
        json.dumps([{"id": "x", "text": "X."}, {"id": "y", "text": "Y."}])
    )
    (tmp_path / "obj.json").write_text(json.dumps({"documents": [{"id": "z", "text": "Z."}]}))
    assert [d.id for d in load_documents([tmp_path]).documents] == ["x", "y", "z"]


def test_binary_undecodable_empty_and_missing_files_are_problems_and_the_rest_is_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "bin.txt").write_bytes(b"abc\x00def")
    (tmp_path / "latin1.txt").write_bytes("ligne un\nCorée".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Un article lisible.", encoding="utf-8")
    result = load_documents([tmp_path, tmp_path / "missing.txt"])
    assert [d.id for d in result.documents] == ["ok.txt"]
    problems = {p.location: p.message for p in result.problems}
    assert "binary" in problems[str(tmp_path / "bin.txt")]
    assert "not valid UTF-8" in problems[f"{tmp_path / 'latin1.txt'}:2"]
    assert "empty" in problems[str(tmp_path / "empty.txt")]
    assert "no such file" in problems[str(tmp_path / "missing.txt")]


def test_a_document_over_the_size_limit_is_skipped_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("mot " * 5000, encoding="utf-8")
    (tmp_path / "small.txt").write_text("Petit.", encoding="utf-8")
    result = load_documents([tmp_path], max_chars=1000)
    assert [d.id for d in result.documents] == ["small.txt"]
    assert "over the limit" in result.problems[0].message


def test_standard_input_reads_plain_text_or_jsonl() -> None:
    text = load_documents(["-"], stdin=io.BytesIO("Un texte sur l'entrée.".encode()))
    assert text.documents[0].id == "<stdin>"
    records = load_documents(
        ["-"], stdin=io.BytesIO(b'{"id": "1", "text": "A."}\n{"id": "2", "text": "B."}\n')
    )
    assert [d.id for d in records.documents] == ["1", "2"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom_decodes_to_the_same_text(tmp_path: Path, bom: bytes) -> None:
    (tmp_path / "a.txt").write_bytes(bom + "Corée".encode())
    assert load_documents([tmp_path]).documents[0].text == "Corée"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_text_with_its_mark_decodes_as_utf8_does(
    tmp_path: Path, encoding: str
) -> None:
    text = "Le dirigeant nord-coréen a visité l’usine.\r\nDeuxième ligne 🙂."
    mark = {"utf-16-be": "\ufeff"}.get(encoding, "")  # the BE codec writes none of its own
    (tmp_path / "wide.txt").write_bytes((mark + text).encode(encoding))
    record = json.dumps({"id": "j", "text": text}, ensure_ascii=False)
    (tmp_path / "wide.json").write_bytes((mark + record).encode(encoding))
    line = json.dumps({"id": "s", "text": text[:20]}, ensure_ascii=False) + "\n"
    stream = load_documents(["-"], stdin=io.BytesIO((mark + line).encode(encoding)))
    result = load_documents([tmp_path])
    assert [(d.id, d.text) for d in result.documents] == [("j", text), ("wide.txt", text)]
    assert [(d.id, d.text) for d in stream.documents] == [("s", text[:20])]


def test_jsonl_in_utf16_is_one_clear_problem(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_bytes('{"id": "a", "text": "A."}\n{"id": "b", "text": "B."}\n'.encode("utf-16"))
    result = load_documents([path])
    assert result.documents == ()
    assert [(p.location, p.message) for p in result.problems] == [
        (str(path), "JSONL in UTF-16: re-encode it as UTF-8")
    ]


def test_an_encoding_named_reads_every_input_in_it(tmp_path: Path) -> None:
    text = "Le ministre a annoncé mercredi une réforme très attendue « à l’été »."
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe" + "ont dit les élus.".encode("cp1252"))
    line = json.dumps({"id": "j", "text": text}, ensure_ascii=False) + "\n"
    (tmp_path / "c.jsonl").write_bytes(line.encode("cp1252"))
    plain = load_documents([tmp_path])
    assert plain.documents == ()
    assert [p.message for p in plain.problems] == [
        "not valid UTF-8 (byte 20: b'\\xe9'); re-encode the file as UTF-8, or name its encoding"
        " (--encoding cp1252)",
        "not valid UTF-16 (byte 18); re-encode it as UTF-8, or name its encoding if it is another"
        " (--encoding cp1252)",
        "not valid UTF-8 (byte 41: b'\\xe9'); re-encode the file as UTF-8, or name its encoding"
        " (--encoding cp1252)",
    ]
    named = load_documents([tmp_path], encoding="cp1252")
    texts = {d.id: d.text for d in named.documents}
    assert named.problems == () and texts["a.txt"] == texts["j"] == text
    assert texts["b.txt"] == "ÿþont dit les élus."  # two letters, not a UTF-16 mark
    stream = load_documents(["-"], stdin=io.BytesIO(line.encode("cp1252")), encoding="cp1252")
    assert [d.text for d in stream.documents] == [text]


def test_a_control_character_in_a_jsonl_string_is_located_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "tab\there"}\n', encoding="utf-8")
    (problem,) = load_documents([path]).problems
    assert problem.message == "malformed JSON (Invalid control character at column 25)"


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("Sun, 10 Mar 2024 08:00:00 +0100", "Sun, 10 Mar 2024 08:00:00 +0100"),
        ("10.03.2024", "10.03.2024"),
        ("2024-03-10 08:00:00 +0100", "2024-03-10 08:00:00 +0100"),  # its offset kept
        ("2024-03-10 08:00", "2024-03-10T08:00"),  # ISO 8601 with T, as before
        ("2023-08-14 (mis à jour le 15)", "2023-08-14"),  # the ISO date inside
    ],
)
def test_a_date_is_kept_as_written(written: str, kept: str) -> None:
    document = parse_text(f"date: {written}\n\nLe corps du texte.", doc_id="x.txt", path=None)
    assert document.date == kept


def test_a_date_that_cannot_be_read_is_a_located_warning_before_its_document(
    tmp_path: Path,
) -> None:
    path = tmp_path / "feed.jsonl"
    records = [{"id": "a", "text": "Un texte.", "date": "hier"}, {"id": "b", "text": "Un autre."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = list(iter_documents([path]))
    assert [type(item).__name__ for item in items] == ["LoadProblem", "Document", "Document"]
    warning = items[0]
    assert isinstance(warning, LoadProblem) and not warning.skipped
    assert (warning.location, warning.id) == (f"{path}:1", "a")
    assert "cannot read the date 'hier'" in warning.message and "undated" in warning.message
    assert [d.date for d in load_documents([path]).documents] == ["hier", None]


def test_different_files_of_the_same_name_are_named_by_their_paths_from_a_common_folder(
    tmp_path: Path,
) -> None:
    for folder in ("x", "y", "z/deep"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "article.txt").write_text(f"Un article de {folder}.", encoding="utf-8")
    (tmp_path / "x" / "other.txt").write_text("Un autre article.", encoding="utf-8")
    x, y = tmp_path / "x", tmp_path / "y"
    files = load_documents([x / "article.txt", y / "article.txt", x / "other.txt"])
    assert [d.id for d in files.documents] == ["x/article.txt", "y/article.txt", "other.txt"]
    assert files.problems == ()
    folders = load_documents([x, y, tmp_path / "z"])  # folder ids clash too: deep/article.txt
    assert [d.id for d in folders.documents] == [
        "x/article.txt",
        "other.txt",
        "y/article.txt",
        "deep/article.txt",
    ]
    assert [d.id for d in load_documents([x / "article.txt", y / ".." / "x"]).documents] == [
        "article.txt",  # the same file twice is one document, read once
        "other.txt",
    ]


def test_names_made_to_part_two_files_part_them_from_every_other_file(tmp_path: Path) -> None:
    # p/a and p/b both hold article.txt: a/article.txt and b/article.txt, the id q gives its own
    for folder in ("p/a", "p/b", "q/a"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "article.txt").write_text(f"Un article de {folder}.", encoding="utf-8")
    result = load_documents([tmp_path / "p", tmp_path / "q"])
    assert result.problems == ()
    assert [d.id for d in result.documents] == [
        "p/a/article.txt",
        "b/article.txt",
        "q/a/article.txt",
    ]
    # a folder and a file inside it: the file is read once, under the folder's name for it
    nested = load_documents([tmp_path / "p", tmp_path / "p" / "a" / "article.txt"])
    assert [d.id for d in nested.documents] == ["a/article.txt", "b/article.txt"]
    assert [p.message for p in nested.problems] == [
        f"duplicate id 'a/article.txt' (first read from {tmp_path / 'p' / 'a' / 'article.txt'})"
    ]


def test_an_id_the_input_gives_twice_is_still_a_duplicate(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text("id: same\n\nUn article.", encoding="utf-8")
    result = load_documents([tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt"])
    assert [d.id for d in result.documents] == ["same"]
    assert [p.message for p in result.problems] == [
        f"duplicate id 'same' (first read from {tmp_path / 'x' / 'a.txt'})"
    ]

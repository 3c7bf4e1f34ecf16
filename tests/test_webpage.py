"""HTML pages read as the article they carry (trafilatura), with exact offsets in that text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nearsame.engine import build_report
from nearsame.loaders import LoadProblem, load_documents
from nearsame.webpage import INSTALL_HINT, PageError, looks_like_html, read_page

ROOT = Path(__file__).parent.parent
PAGES = ROOT / "fixtures" / "pages"
ENTRY = "from nearsame.cli import entry_point; entry_point()"
#: a page with no text at all: a gallery
PHOTOS = b"<!DOCTYPE html><html><head><title>Photos</title></head><body><script>var a = 1;</script><img src='a.jpg'></body></html>"


def test_a_page_gives_its_article_and_not_the_rest_of_the_page() -> None:
    page = read_page((PAGES / "wire.html").read_bytes())
    assert page.title == "Kim Jong-un visite des usines de munitions"
    assert page.date == "2024-03-10T09:15:00+01:00"  # the time and zone the page gives
    assert page.source == "L'Observateur du Matin"
    assert page.url == "https://observateur.example/monde/kim-usines-munitions"
    assert "a visité dimanche plusieurs usines de munitions" in page.text
    assert "Nations unies." in page.text
    for clutter in ("Accueil", "Rechercher", "À lire aussi", "crêpes", "Tous droits réservés",
                    "cookies"):  # fmt: skip
        assert clutter not in page.text
    paragraphs = page.text.split("\n\n")
    assert len(paragraphs) == 5 and all(p == p.strip() and "\n" not in p for p in paragraphs)


def test_comments_are_left_out_and_the_page_charset_is_read() -> None:
    data = (PAGES / "repost.html").read_bytes()
    assert "é".encode() not in data  # windows-1252, as its meta tag says
    page = read_page(data)
    assert "l'armée sud-coréenne a par ailleurs signalé" in page.text
    assert "Jean-Pierre" not in page.text and "Encore une provocation" not in page.text
    assert page.date == "2024-03-11"  # a day without a time stays a day, not midnight
    assert page.source == "Le Courrier régional"


def test_a_page_without_an_article_is_an_error() -> None:
    with pytest.raises(PageError, match="no article text found in this page"):
        read_page(PHOTOS)


def test_html_is_told_by_its_opening() -> None:
    assert looks_like_html(b"\xef\xbb\xbf\n<!-- saved -->\n<!doctype HTML><html>")
    assert looks_like_html(b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    assert not looks_like_html(b"<b>bold</b> is not a page")
    assert not looks_like_html(b"Le dirigeant <html> nord-coreen")


def test_a_folder_of_pages_is_reported_and_every_span_slices_the_extracted_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "photos.html").write_bytes(PHOTOS)
    loaded = load_documents([PAGES, tmp_path])
    assert [d.id for d in loaded.documents] == ["repost.html", "wire.html"]
    [problem] = loaded.problems
    assert problem.location.endswith("photos.html") and "no article text" in problem.message
    texts = {d.id: d.text for d in loaded.documents}
    report = build_report(loaded.documents)
    [match] = report.matches
    assert (match.earlier.doc, match.later.doc) == ("wire.html", "repost.html")  # by date
    assert match.kind == "exact"
    earlier = texts["wire.html"][match.earlier.start : match.earlier.end]
    later = texts["repost.html"][match.later.start : match.later.end]
    assert earlier == later
    assert earlier.startswith("Le dirigeant nord-coréen") and earlier.endswith("toujours démenti.")


def test_without_trafilatura_a_page_is_a_located_problem_and_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if not installed: import fails
    (tmp_path / "note.txt").write_text("Une note de plus de six mots, sans page web autour.\n")
    (tmp_path / "wire.html").write_bytes((PAGES / "wire.html").read_bytes())
    loaded = load_documents([tmp_path])
    assert [d.id for d in loaded.documents] == ["note.txt"]
    assert loaded.problems == (LoadProblem(str(tmp_path / "wire.html"), INSTALL_HINT),)


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args], input=stdin, capture_output=True, cwd=ROOT,
        timeout=120, check=False,
    )  # fmt: skip


def test_inspect_prints_the_text_that_the_offsets_are_in_and_reads_a_page_from_stdin() -> None:
    data = (PAGES / "wire.html").read_bytes()
    result = run("inspect", "-", "--format", "json", stdin=data)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == "<stdin>" and record["date"] == "2024-03-10T09:15:00+01:00"
    assert record["source"] == "L'Observateur du Matin" and record["url"].startswith("https://")
    assert record["text"] == read_page(data).text
    for sentence in record["sentences"]:
        assert record["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    assert len(record["sentences"]) == 5


def test_a_page_in_utf_16_is_read_and_a_binary_one_is_said_to_be_binary(tmp_path: Path) -> None:
    text = (PAGES / "wire.html").read_text(encoding="utf-8")
    (tmp_path / "wide.html").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    loaded = load_documents([tmp_path])
    [page] = loaded.documents
    assert page.id == "wide.html" and page.text == read_page(text).text
    assert loaded.problems == (
        LoadProblem(str(tmp_path / "image.html"), "binary file (it contains NUL bytes)"),
    )


def test_no_date_is_guessed_from_the_words_of_the_article() -> None:
    body = "".join(
        f"<p>Le 12 mars 2019, le conseil municipal a voté la délibération numéro {n} sur le budget"
        " des écoles, après un long débat entre la majorité et l'opposition.</p>"
        for n in range(1990, 2000)
    )
    page = read_page(f"<html><body><article>{body}</article></body></html>".encode())
    assert "12 mars 2019" in page.text and page.date is None

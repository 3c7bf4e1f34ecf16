from __future__ import annotations

import json
from pathlib import Path

import pytest

from nearsame.engine import build_report
from nearsame.errors import ReportError
from nearsame.loaders import load_documents
from nearsame.render import render_html, render_jsonl, render_markdown
from nearsame.report import SCHEMA, Report, report_schema, validate

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def seeds() -> tuple[Report, dict[str, str]]:
    documents = load_documents([ROOT / "seeds"]).documents
    return build_report(documents, include_text=True), {d.id: d.text for d in documents}


def test_the_schema_ships_in_the_package_and_names_the_version() -> None:
    assert report_schema()["properties"]["schema"]["const"] == SCHEMA


def test_a_report_round_trips_through_json(seeds: tuple[Report, dict[str, str]]) -> None:
    report, _ = seeds
    again = Report.from_dict(json.loads(report.to_json()))
    assert again.to_dict() == report.to_dict()
    assert again.documents[0].text == report.documents[0].text


def test_a_broken_report_is_rejected_with_the_place_named(
    seeds: tuple[Report, dict[str, str]],
) -> None:
    data = seeds[0].to_dict()
    data["matches"][0]["kind"] = "copy"
    with pytest.raises(ReportError, match="matches/0/kind"):
        validate(data)
    with pytest.raises(ReportError, match="schema"):
        validate({"documents": []})


def test_jsonl_lines_each_carry_their_type(seeds: tuple[Report, dict[str, str]]) -> None:
    lines = [json.loads(line) for line in render_jsonl(seeds[0]).splitlines()]
    assert lines[0]["type"] == "header" and lines[0]["schema"] == SCHEMA
    assert [line["type"] for line in lines[1:3]] == ["document", "document"]
    assert {line["type"] for line in lines[3:]} == {"match"}


def test_markdown_and_html_show_the_reused_words_and_escape_the_text(
    seeds: tuple[Report, dict[str, str]],
) -> None:
    report, texts = seeds
    texts = {
        k: v.replace("Kim Jong-un a exhorté", "Kim <b>Jong-un</b> a exhorté")
        for k, v in texts.items()
    }
    markdown = render_markdown(report, texts)
    assert "**paraphrase**" in markdown and "| 2 |" in markdown
    html = render_html(report, texts)
    assert (
        "<b>Jong-un</b>" not in html and "paraphrase" in html and html.startswith("<!doctype html>")
    )

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the real console entry point in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from nearsame.cli import entry_point; entry_point()", *args],
        input=stdin, capture_output=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


def test_inspect_shows_the_seeds_documents_languages_and_sentences() -> None:
    result = run("inspect", "seeds/")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "000_ba787c83ef70fcd0.txt" in out and "language: fr" in out and "date: 2023-08" in out
    assert "Kim Jong Un appelle" in out


def test_inspect_json_spans_slice_the_original_text() -> None:
    result = run("inspect", "seeds/", "--format", "json")
    for line in result.stdout.decode().splitlines():
        record = json.loads(line)
        text = (ROOT / "seeds" / record["id"]).read_text(encoding="utf-8")
        for sentence in record["sentences"]:
            assert text[sentence["start"] : sentence["end"]] == sentence["text"]


def test_bad_inputs_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    result = run("inspect", str(tmp_path / "bin.txt"), "seeds/003_792bb7683bd44ead.txt")
    assert result.returncode == 0
    assert b"binary" in result.stderr and b"Traceback" not in result.stderr
    assert b"003_792bb7683bd44ead.txt" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("inspect", "no-such-file"),
        ("inspect", "seeds/", "missing.txt", "--strict"),
        ("no-such-command",),
        ("inspect",),
        ("inspect", "seeds/", "--language", "xx"),
        ("report", "seeds/", "--language", "klingon"),
    ],
)
def test_usage_and_input_errors_exit_2_without_a_traceback(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr


def test_jsonl_on_standard_input_is_read() -> None:
    result = run(
        "inspect", "-", stdin=b'{"id": "x", "text": "Une phrase complete et assez longue."}\n{bad\n'
    )
    assert result.returncode == 0
    assert b"x\n" in result.stdout and b"<stdin>:2" in result.stderr


def test_every_command_has_help() -> None:
    from click.testing import CliRunner

    from nearsame.cli import cli

    runner = CliRunner()
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_a_50_mb_file_is_skipped_with_a_clear_message_and_the_rest_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"mot " * (13 * 1024 * 1024))  # 52 MiB
    result = run("inspect", str(big), "seeds/003_792bb7683bd44ead.txt")
    assert result.returncode == 0
    assert b"big.txt" in result.stderr and b"over the limit" in result.stderr
    assert b"003_792bb7683bd44ead.txt" in result.stdout


def test_a_language_is_read_as_people_write_it_on_the_command_line_and_in_documents(
    tmp_path: Path,
) -> None:
    forced = run("inspect", "seeds/000_ba787c83ef70fcd0.txt", "--language", "French")
    assert forced.returncode == 0 and b"language: fr" in forced.stdout
    unstemmed = run("inspect", "seeds/000_ba787c83ef70fcd0.txt", "--language", "ja")
    assert unstemmed.returncode == 0 and b"language: ja" in unstemmed.stdout
    assert b"no stemmer or stop words for 'ja'" in unstemmed.stderr
    text = (ROOT / "seeds" / "003_792bb7683bd44ead.txt").read_text(encoding="utf-8")
    written = ["French", "fr-FR", "FR", "fra", "Klingon", "en-GB"]
    (tmp_path / "docs.jsonl").write_text("".join(
        json.dumps({"id": f"d{n}", "text": text, "language": language}) + "\n"
        for n, language in enumerate(written)
    ), encoding="utf-8")  # fmt: skip
    result = run("report", str(tmp_path / "docs.jsonl"), "--format", "json")
    assert result.returncode == 1, result.stderr  # the copies are found
    languages = [d["language"] for d in json.loads(result.stdout)["documents"]]
    # a name or tag is read; one that names no language is detected; a wrong one is obeyed
    assert languages == ["fr", "fr", "fr", "fr", "fr", "en"]


def test_encoding_names_how_the_inputs_are_written(tmp_path: Path) -> None:
    text = "Le ministre a annoncé mercredi une réforme de la santé publique très attendue."
    (tmp_path / "old.txt").write_bytes(text.encode("latin-1"))
    refused = run("inspect", str(tmp_path), "--format", "json")
    assert refused.returncode == 2 and b"--encoding cp1252" in refused.stderr
    read = run("inspect", str(tmp_path), "--format", "json", "--encoding", "Latin-1")
    assert read.returncode == 0 and json.loads(read.stdout)["text"] == text
    wrong = run("inspect", str(tmp_path), "--encoding", "klingon")
    assert wrong.returncode == 2 and b"'klingon' is no encoding Python knows" in wrong.stderr
    assert b"Traceback" not in refused.stderr + read.stderr + wrong.stderr

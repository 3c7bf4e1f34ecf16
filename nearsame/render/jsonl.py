"""JSONL: one record a line (``header``, then ``document``, ``match`` and ``cluster`` records)."""

from __future__ import annotations

import json

from nearsame.report import SCHEMA, Report

__all__ = ["render_jsonl"]


def render_jsonl(report: Report) -> str:
    """The report as JSON lines, each with a ``type`` field, for streams and ``jq``."""
    data = report.to_dict()
    lines = [
        {
            "type": "header",
            "schema": SCHEMA,
            "version": data["version"],
            **({"base": data["base"]} if "base" in data else {}),
            "parameters": data["parameters"],
        }
    ]
    lines += [{"type": "document", **d} for d in data["documents"]]
    lines += [{"type": "match", **m} for m in data["matches"]]
    lines += [{"type": "cluster", **c} for c in data["clusters"]]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)

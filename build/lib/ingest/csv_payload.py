"""CSV files in the raw layer: the landed file keeps its bytes, the raw table gets JSON.

Staging parses payloads with JSON functions both DuckDB and BigQuery have, and neither engine
can parse CSV held in a column. So a CSV source's rows are converted, losslessly, to the shape
staging already reads for stats.nba.com: `{"format": "csv", "resultSets": [{"name": <name>,
"headers": [...], "rowSet": [[...], ...]}]}`, every value the cell's text and an empty cell
null. raw.sha256 and raw.bytes still describe the landed CSV bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any


def csv_rows(text: str, strip_headers: bool = True) -> tuple[list[str], list[list[str]]]:
    """Header and rows of CSV text (a UTF-8 BOM is dropped, blank lines skipped); ValueError
    when the file is empty or a row has the wrong number of values. Header names are trimmed
    unless `strip_headers` is false (BigDataBall's are taken exactly as sent)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        headers = next(reader)
        if strip_headers:
            headers = [h.strip() for h in headers]
    except StopIteration:
        raise ValueError("empty file") from None
    rows = []
    for line_no, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != len(headers):
            raise ValueError(f"line {line_no}: {len(record)} values for {len(headers)} columns")
        rows.append(record)
    return headers, rows


def result_set_json(data: bytes, result_set: str, strip_headers: bool = True) -> str:
    """Landed CSV bytes -> the JSON text the raw layer stores."""
    headers, rows = csv_rows(data.decode("utf-8"), strip_headers)
    document = {
        "format": "csv",
        "resultSets": [
            {
                "name": result_set,
                "headers": headers,
                "rowSet": [[cell if cell != "" else None for cell in row] for row in rows],
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def check_result_set(payload: Any, result_set: str, required: Sequence[str]) -> str | None:
    """The loader's gate for a converted CSV: one named result set with the columns staging
    reads and at least one row."""
    if not isinstance(payload, dict) or not isinstance(payload.get("resultSets"), list):
        return "missing resultSets"
    sets = [rs for rs in payload["resultSets"] if isinstance(rs, dict)]
    if len(sets) != 1 or sets[0].get("name") != result_set:
        return f"expected one {result_set} result set"
    headers = sets[0].get("headers")
    if not isinstance(headers, list):
        return "no headers"
    missing = [h for h in required if h not in headers]
    if missing:
        return f"CSV lacks columns {missing}"
    rows = sets[0].get("rowSet")
    if not isinstance(rows, list) or not rows:
        return "no rows"
    return None

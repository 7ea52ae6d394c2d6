"""Whether a landed payload's content is loadable, in the loader's words.

The raw loader quarantines with these reasons, and the line-file sources check files with the
same function before landing, so a user hears the reason the loader would give."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def snippet(data: bytes) -> str:
    """The first characters of a payload, for a reason a person can act on."""
    head = data[:60].decode("utf-8", errors="replace").replace("\n", " ").strip()
    return repr(head)


def payload_problem(
    data: bytes,
    payload_text: Callable[[bytes], str],
    check_payload: Callable[[Any], str | None],
    file_format: str,
) -> tuple[str | None, str | None]:
    """(reason, None) when the content cannot be loaded, else (None, the JSON text to load)."""
    try:
        # JSON payloads as they came; CSV sources converted to JSON rows by payload_text.
        text = payload_text(data)
    except UnicodeDecodeError as err:
        return f"not valid UTF-8: {err}", None
    except ValueError as err:
        return f"not valid {file_format.upper()}: {err}", None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return f"not valid JSON ({err}); starts with {snippet(data)}", None
    problem = check_payload(document)
    if problem is not None:
        return f"unexpected payload shape: {problem}", None
    return None, text

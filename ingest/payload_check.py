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


class DuplicateKeyError(ValueError):
    """An object names the same key twice. Python keeps the last value, DuckDB and BigQuery
    may keep another, so what staging reads would depend on the engine: refused, not guessed."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return document


class NonStandardNumberError(ValueError):
    """A bare NaN, Infinity or -Infinity: Python's json and DuckDB read them, RFC 8259 and
    BigQuery's JSON functions do not, so the same payload would parse on one engine only."""


def _refuse_constant(name: str) -> Any:
    raise NonStandardNumberError(name)


class _Pairs(list):  # type: ignore[type-arg]
    """An object as parsed, duplicates kept: only built to say where a duplicate is."""


def _first_duplicate(text: str, key: str) -> str:
    """'duplicate key 'k' in <where>' for the first object, in document order, naming a key
    twice. Only called once a duplicate (key) is known to be there, so its cost never matters."""
    try:
        parsed = json.loads(text, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        # The first parse stopped at the duplicate; what follows it does not parse either.
        return f"duplicate key {key!r}"
    stack: list[tuple[Any, str]] = [(parsed, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, _Pairs):
            seen: set[str] = set()
            for key, _ in value:
                if key in seen:
                    return f"duplicate key {key!r} in {path or 'the top-level object'}"
                seen.add(key)
            children = [(child, f"{path}.{key}" if path else key) for key, child in value]
        elif isinstance(value, list):
            children = [(child, f"{path}[{i}]") for i, child in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))
    return f"duplicate key {key!r}"


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
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant)
    except NonStandardNumberError as err:
        return (
            f"not valid JSON (a bare {err.args[0]}, which is not a JSON value: send null or a "
            f"string); starts with {snippet(data)}",
            None,
        )
    except DuplicateKeyError as err:
        return (
            f"ambiguous JSON: {_first_duplicate(text, err.args[0])} (JSON parsers disagree on "
            "which value counts)",
            None,
        )
    except json.JSONDecodeError as err:
        return f"not valid JSON ({err}); starts with {snippet(data)}", None
    except RecursionError:
        # Python's parser recurses once per nesting level; the limit is not a JSON error.
        return (
            "not valid JSON (nested deeper than Python's parser allows); "
            f"starts with {snippet(data)}",
            None,
        )
    problem = check_payload(document)
    if problem is not None:
        return f"unexpected payload shape: {problem}", None
    return None, text

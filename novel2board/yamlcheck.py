"""What every checked YAML file (the project file, rules.yaml, data files)
reports the same way: syntax errors with file:line:column, unknown keys and
near-miss words with a "did you mean"."""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .errors import ConfigError


def did_you_mean(word: str, choices, cutoff: float = 0.6) -> str:
    """"; did you mean 'x'?" for the closest choice, or "" when none is close."""
    guess = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean '{guess[0]}'?" if guess else ""


def unknown_key(path_text: str, key: str, known) -> str:
    """The message for a key the schema does not have."""
    hint = did_you_mean(key, known) or f"; known keys here: {', '.join(sorted(known))}"
    return f"unknown key '{path_text}'{hint}"


def syntax_error(exc: yaml.MarkedYAMLError, path: Path) -> ConfigError:
    """A YAML syntax error as one ConfigError at the line and column it names."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or str(exc)
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        # "found unexpected end of stream" points at the end of the file;
        # where the unclosed quote or bracket began is what the user needs.
        problem = (f"{problem}, {exc.context} that starts at line "
                   f"{exc.context_mark.line + 1}, column {exc.context_mark.column + 1}")
    err = ConfigError([(mark.line + 1 if mark else None,
                        f"is not valid YAML: {problem}")], path)
    if mark:
        err.column = mark.column + 1
    return err

"""The one error type users see.

Every problem with the user's input, config, templates or environment is a
`Novel2BoardError`; the CLI prints it as one `error: ...` line and exits 1.
Anything else is a bug: the CLI says so in one line too, and shows the
traceback only with -v.
"""

from __future__ import annotations

import re
from pathlib import Path

# C0 and C1 control characters but tab: in a file name or a line of hostile
# text they could end the one error line or drive the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """One terminal-safe line: control characters shown as escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class Novel2BoardError(Exception):
    """A problem the user can fix: names the file (and line) and what to do."""

    def __init__(self, message: str, path: str | Path | None = None,
                 line: int | None = None, column: int | None = None,
                 hint: str | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.render())

    def location(self) -> str:
        if self.path is None:
            return ""
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def render(self) -> str:
        text = self.message
        where = self.location()
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class InputError(Novel2BoardError):
    """A chapter file that cannot be read or makes no sense."""


class ConfigError(Novel2BoardError):
    """novel2board.yaml or a rules file is wrong; carries every problem found."""

    def __init__(self, problems: list[tuple[int | None, str]], path: str | Path):
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        first_line = self.problems[0][0] if self.problems else None
        super().__init__(self.problems[0][1] if self.problems else "invalid",
                         path=path, line=first_line)

    def render(self) -> str:
        if len(self.problems) <= 1:
            return super().render()
        # One line still, each problem with its own file:line, as compilers do.
        return "; ".join(f"{self.path}:{line}: {msg}" if line else f"{self.path}: {msg}"
                         for line, msg in self.problems)


class TemplateError(Novel2BoardError):
    """A Jinja2 template that does not compile or uses an unknown variable."""


class EnvironmentProblem(Novel2BoardError):
    """Something missing or broken on the machine: model, disk, permissions."""

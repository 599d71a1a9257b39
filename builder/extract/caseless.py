"""Case-insensitive patterns on the fast path of ``re``."""

from __future__ import annotations

import re
from typing import Iterator


class Caseless:
    """A case-insensitive pattern, run case-sensitively on lower-cased text
    where that gives the same matches: IGNORECASE keeps ``re`` off its fast
    paths. Write the pattern in lower case; matches are found in the
    lower-cased text, so use their positions, not their text."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.any_case = re.compile(pattern, re.IGNORECASE)
        self.lower_case = re.compile(pattern)

    def _on(self, text: str) -> tuple[re.Pattern, str]:
        # str.lower() folds case as IGNORECASE does only on ASCII text.
        return (self.lower_case, text.lower()) if text.isascii() else (self.any_case, text)

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        pattern, text = self._on(text)
        return pattern.search(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match]:
        pattern, text = self._on(text)
        return pattern.finditer(text)

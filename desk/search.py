"""Keyword matching for Chinese text: LIKE over normalised columns (FTS5 trigram cannot match
one- or two-character words such as 张三), with wildcards in the user's words taken literally."""

from __future__ import annotations

from desk.validators import normalise_search_text

ESCAPE = "\\"


def like_pattern(keyword: str) -> str:
    """'%'-wrapped pattern for ``column.like(pattern, escape='\\\\')`` matching the keyword literally."""
    kw = normalise_search_text(keyword)
    kw = kw.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{kw}%"

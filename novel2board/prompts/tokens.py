"""How many CLIP tokens a text takes, estimated without the tokenizer.

SDXL's text encoders read 77 tokens per chunk (75 of them usable).  The real
CLIP BPE tokenizer (49,408 entries) is a heavy dependency; this estimate
follows its pre-tokenisation (lower-case; letter runs, single digits and
punctuation runs are split apart) and errs on the side of MORE tokens: a
letter run counts one token per 7 letters begun, every digit and every
punctuation mark one token.  Common English words are one real token and
count one here; rare long names count 2-3 here (the real count is similar).
Erring high means "fits in 75" is a promise, not a hope.
"""

from __future__ import annotations

import math
import re

CHUNK = 75          # usable tokens per CLIP chunk (77 less start/end markers)
_PIECES = re.compile(r"[^\W\d_]+|\d|[^\w\s]|_", re.UNICODE)


def clip_tokens(text: str) -> int:
    """Estimated CLIP token count of `text` (no start/end markers)."""
    count = 0
    for piece in _PIECES.findall(text.lower()):
        if piece[0].isalpha():
            count += math.ceil(len(piece) / 7)
        else:
            count += 1
    return count

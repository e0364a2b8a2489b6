"""How the word fields' postings are made when a sentence is indexed: Whoosh's own
formats, fed by our analyzers without making a token per word (issue 26).

Whoosh's `Positions` and `Frequency` formats read an analyzer's tokens through four nested
generators (tokenizer, stemmer, the language dispatch, Whoosh's stop filter), setting a
Token's attributes for every word. Our analyzers can give the same terms and positions as
plain tuples (`NewsroomTokenizer.terms`): these formats ask them for that and encode the
postings exactly as Whoosh's formats do (the same bytes: same terms, positions,
frequencies and weights), and fall back to Whoosh's way for any other analyzer or call.
"""

from __future__ import annotations

from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint


class TermPositions(Positions):
    """`Positions`, read from `term_positions(value)` when the analyzer has it."""

    def word_values(self, value, analyzer, **kwargs):
        read = getattr(analyzer, "term_positions", None)
        found = read(value) if read is not None and kwargs == {"mode": "index"} else None
        if found is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        once = _ONCE
        for word, positions in found.items():
            if len(positions) == 1 and positions[0] < ONCE_KEPT:  # most words occur once
                encoded = once.get(positions[0])
                if encoded is None:
                    encoded = once[positions[0]] = self.encode(positions)
                yield word, 1, 1.0 * boost, encoded
            else:
                yield word, len(positions), float(len(positions)) * boost, self.encode(positions)


# The encoding of a word seen once in a sentence, by its position, for the first positions.
ONCE_KEPT = 1024
_ONCE: dict[int, bytes] = {}


class TermFrequency(Frequency):
    """`Frequency`, read from `term_counts(value)` when the analyzer has it."""

    def word_values(self, value, analyzer, **kwargs):
        read = getattr(analyzer, "term_counts", None)
        found = read(value) if read is not None and kwargs == {"mode": "index"} else None
        if found is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for word, count in found.items():
            yield word, count, float(count) * boost, pack_uint(count)

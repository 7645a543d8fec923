"""The optional generative answerer: an LLM writes the answer, and every sentence is checked.

Off by default (`COUNCILQA_LLM__ENABLED=1` turns it on). The model sees the retrieved paragraphs
fenced and numbered [1]..[n] (assistant/prompts.py) and must cite one on every sentence. Its reply
is then split into sentences and each is kept only when

1. it cites at least one number, and every number it cites was retrieved (fabricated ones are caught);
2. it repeats no word that the records hold only inside an instruction-like sentence
   ("ignore previous instructions and say ..."), and such sentences never count as support;
3. one cited paragraph holds every figure (digits or "two".."twelve") and every capitalised name in
   it, counting that paragraph's meeting, item and date;
4. it states no outcome the paragraph contradicts ("approved" citing "REFUSED") and no negation
   the paragraph lacks;
5. that paragraph supports it: the mean of content-word coverage and embedding similarity
   (coverage alone without an embedder) reaches `min_support`.

A kept sentence carries the cited paragraph's Citation narrowed to its best-matching sentence, whose
text is the verbatim quote. When nothing survives, or the endpoint fails, times out or answers
garbage, the extractive answer is returned with a note saying why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index import Embedder

from .compose import mark_sources
from .errors import ModelError
from .prompts import NO_ANSWER, build_messages
from .settings import LLMSettings
from .text import gives_orders, sentence_spans, tokenize
from .types import Answer, AnswerSentence, Chunk, ScoredChunk

log = logging.getLogger(__name__)

_CITES = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_TRAILING_CITES = re.compile(r"([.!?])((?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(£$€]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(?:Cllr|Mr|Mrs|Ms|Dr|No|St|Rev|Prof|approx|para|e\.g|i\.e|etc|vs)\.$", re.I)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?])")
# Small number words count as figures ("two other members"); "one" is too often a pronoun to.
_NUMBER_WORDS = {
    w: str(i) for i, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), 2)
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’&-]*[a-z][\w'’&-]*")
# A decision stated one way must not cite a record that states another ("approved" vs "REFUSED").
_OUTCOMES = {
    "approved": re.compile(r"\b(?:approv|grant|accept|adopt|carried\b|agree)", re.I),
    "refused": re.compile(r"\b(?:refus|reject|turned down|declin|not (?:be )?approved|lost\b)", re.I),
    "deferred": re.compile(r"\b(?:defer|postpon|adjourn)", re.I),
    "withdrawn": re.compile(r"\bwithdr[ae]w", re.I),
}
_NEGATION = re.compile(r"\b(?:not|no|never|none|neither|nor)\b|n[’']t\b", re.I)
_WORD = re.compile(r"[\w'’&-]+")


@dataclass
class Verdict:
    """What the check made of one generated sentence."""

    text: str
    kept: AnswerSentence | None
    reason: str = ""
    support: float | None = None


def generate_answer(
    question: str,
    chunks: Sequence[ScoredChunk],
    fallback: Answer,
    settings: LLMSettings,
    embedder: Embedder | None = None,
) -> Answer:
    """Ask the LLM for a cited answer and keep only its checked sentences, else return `fallback`."""
    if fallback.refused or not chunks:
        return fallback  # the relevance gate already refused: an LLM must not answer from weak evidence
    try:
        reply = chat(build_messages(question, chunks, settings.max_sentences), settings)
    except ModelError as exc:
        log.warning("LLM answer failed: %s", exc)
        return _with_note(fallback, f"The LLM was not used ({exc}); showing the extractive answer.")
    if NO_ANSWER.lower() in reply.lower() and not _CITES.search(reply):
        return _with_note(fallback, "The LLM found no answer in the records; showing the extractive answer.")
    verdicts = check_reply(reply, question, chunks, settings.min_support, embedder)
    kept = [v.kept for v in verdicts if v.kept is not None]
    dropped = [v for v in verdicts if v.kept is None]
    for v in dropped:
        log.info("dropped generated sentence %r: %s", v.text, v.reason)
    if not kept:
        return _with_note(
            fallback,
            f"The LLM's answer was discarded: none of its {len(verdicts)} sentence(s) was supported by "
            "the records it cited; showing the extractive answer.",
        )
    note = None
    if dropped:
        reasons = "; ".join(dict.fromkeys(v.reason for v in dropped))
        note = f"Removed {len(dropped)} of {len(verdicts)} generated sentence(s) ({reasons})."
    text = mark_sources(kept)
    return Answer(question=question, text=text, sentences=kept, retrieved=list(chunks), note=note)


def chat(messages: Sequence[tuple[str, str]], settings: LLMSettings) -> str:
    """One chat completion from the configured endpoint; every failure becomes a ModelError."""
    # Imported here: openai and llama-index's OpenAI classes cost seconds, and the LLM is optional.
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike
    from openai import APIConnectionError, APIStatusError, APITimeoutError, OpenAIError

    key = settings.api_key.get_secret_value() if settings.api_key else "none"  # Ollama ignores it
    llm = OpenAILike(
        model=settings.model,
        api_base=settings.base_url,
        api_key=key,
        is_chat_model=True,
        timeout=settings.timeout,
        max_retries=0,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )
    where = f"{settings.model} at {settings.base_url}"
    try:
        response = llm.chat([ChatMessage(role=role, content=content) for role, content in messages])
        content = response.message.content
    except APITimeoutError as exc:
        raise ModelError(f"{where} did not answer within {settings.timeout:g}s") from exc
    except APIStatusError as exc:
        raise ModelError(f"{where} answered HTTP {exc.status_code}") from exc
    except APIConnectionError as exc:
        raise ModelError(f"cannot connect to {where}") from exc
    except (OpenAIError, AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise ModelError(f"{where} sent a reply that is not a chat completion") from exc
    if not isinstance(content, str) or not content.strip():
        raise ModelError(f"{where} sent an empty reply")
    return content


def split_sentences(reply: str) -> list[str]:
    """The reply's sentences, with citations that follow a full stop moved inside it."""
    reply = _TRAILING_CITES.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", reply)
    blocks: list[str] = []  # paragraphs and list items; a line wrapped inside a sentence is rejoined
    fresh = True
    for line in reply.splitlines():
        if not line.strip():
            fresh = True
            continue
        if fresh or _LIST_MARKER.match(line):
            blocks.append(_LIST_MARKER.sub("", line).strip())
        else:
            blocks[-1] = f"{blocks[-1]} {line.strip()}"
        fresh = False
    sentences: list[str] = []
    for block in blocks:
        pieces = _SENTENCE_END.split(block)
        merged: list[str] = []
        for piece in pieces:
            if merged and _ABBREVIATION.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        sentences.extend(p.strip() for p in merged if p.strip())
    return sentences


def check_reply(
    reply: str,
    question: str,
    chunks: Sequence[ScoredChunk],
    min_support: float,
    embedder: Embedder | None = None,
) -> list[Verdict]:
    """Check every sentence of a generated reply against the paragraphs it cites."""
    sentences = split_sentences(reply)
    records = [_Record.of(s.chunk) for s in chunks]
    tainted = _tainted_words(records, question)
    plain = [_SPACE_BEFORE_STOP.sub(r"\1", " ".join(_CITES.sub(" ", s).split())) for s in sentences]
    cited = {int(n) for s in sentences for n in re.findall(r"\d+", " ".join(_CITES.findall(s)))}
    vectors = _embed_all(plain, [r for n, r in enumerate(records, 1) if n in cited], embedder)
    return [
        _check(sentence, text, records, tainted, min_support, vectors)
        for sentence, text in zip(sentences, plain, strict=True)
    ]


@dataclass
class _Record:
    """A retrieved paragraph split into the sentences that may support a claim."""

    chunk: Chunk
    spans: list[tuple[int, int]]  # eligible sentences: offsets into chunk.text
    instructions: list[str]  # sentences that address the model: data, never support
    tokens: frozenset[str]
    numbers: frozenset[str]
    words: frozenset[str]  # every word, lower-cased, for the check on names

    @classmethod
    def of(cls, chunk: Chunk) -> _Record:
        spans: list[tuple[int, int]] = []
        instructions: list[str] = []
        for start, end in sentence_spans(chunk.text):
            piece = chunk.text[start:end]
            if gives_orders(piece):
                instructions.append(piece)
            else:
                spans.append((start, end))
        eligible = " ".join(chunk.text[a:b] for a, b in spans)
        when = chunk.citation.meeting_date
        about = f"{chunk.context} {chunk.citation.label} {chunk.citation.council or ''} {when or ''}"
        about += f" {when:%d %B %Y %A}" if when else ""  # the label says "Jul"; a sentence may say "July"
        return cls(
            chunk=chunk,
            spans=spans,
            instructions=instructions,
            tokens=frozenset(tokenize(f"{eligible} {about}")),
            numbers=frozenset(_numbers(f"{eligible} {about}")),
            words=frozenset(_bare(w) for w in _WORD.findall(f"{eligible} {about}")),
        )


def _tainted_words(records: Sequence[_Record], question: str) -> frozenset[str]:
    """Words the records hold only inside instructions to the model: echoing one means obeying."""
    said = set(tokenize(question))
    for r in records:
        said |= r.tokens
    injected = {t for r in records for text in r.instructions for t in tokenize(text)}
    return frozenset(injected - said)


def _embed_all(
    sentences: Sequence[str], records: Sequence[_Record], embedder: Embedder | None
) -> dict[str, list[float]] | None:
    if embedder is None or not sentences:
        return None
    texts = list(dict.fromkeys([*sentences, *(r.chunk.text[a:b] for r in records for a, b in r.spans)]))
    return dict(zip(texts, embedder.embed(texts), strict=True))


def _check(
    sentence: str,
    text: str,
    records: Sequence[_Record],
    tainted: frozenset[str],
    min_support: float,
    vectors: dict[str, list[float]] | None,
) -> Verdict:
    cited = [int(n) for group in _CITES.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]
    if not cited:
        return Verdict(sentence, None, "no citation")
    bad = sorted({n for n in cited if not 1 <= n <= len(records)})
    if bad:
        return Verdict(sentence, None, f"cites [{bad[0]}], which was not retrieved")
    tokens = set(tokenize(text))
    if not tokens:
        return Verdict(sentence, None, "says nothing checkable")
    if tokens & tainted:
        return Verdict(sentence, None, "repeats an instruction found in a record")
    best: tuple[float, _Record, tuple[int, int]] | None = None
    reason = ""
    for n in dict.fromkeys(cited):
        record = records[n - 1]
        missing = sorted(set(_numbers(text)) - record.numbers)
        if missing:
            reason = reason or f"figure {missing[0]} is not in [{n}]"
            continue
        unknown = sorted(_names(text) - record.words)
        if unknown:
            reason = reason or f"name {unknown[0]!r} is not in [{n}]"
            continue
        clash = _contradiction(text, record)
        if clash:
            reason = reason or f"{clash} [{n}]"
            continue
        if not record.spans:
            reason = reason or f"[{n}] holds no statement"
            continue
        support, span = _support(text, tokens, record, vectors)
        if best is None or support > best[0]:
            best = (support, record, span)
    if best is None:
        return Verdict(sentence, None, reason)
    support, record, (start, end) = best
    if support < min_support:
        return Verdict(sentence, None, f"support {support:.2f} below {min_support:g}", support)
    chunk = record.chunk
    kept = AnswerSentence(text=text, quote=chunk.text[start:end], citation=chunk.cite(start, end))
    return Verdict(sentence, kept, support=support)


def _support(
    text: str, tokens: set[str], record: _Record, vectors: dict[str, list[float]] | None
) -> tuple[float, tuple[int, int]]:
    """How well the record supports the sentence, and its best-matching sentence (offsets)."""
    coverage = len(tokens & record.tokens) / len(tokens)
    best_span, best_score, best_cos = record.spans[0], -1.0, 0.0
    for start, end in record.spans:
        piece = record.chunk.text[start:end]
        overlap = len(tokens & set(tokenize(piece))) / len(tokens)
        cos = _cosine(vectors[text], vectors[piece]) if vectors is not None else 0.0
        if overlap + cos > best_score:
            best_span, best_score = (start, end), overlap + cos
        best_cos = max(best_cos, cos)
    support = (coverage + best_cos) / 2 if vectors is not None else coverage
    return support, _widen(best_span, set(_numbers(text)), record)


def _widen(span: tuple[int, int], figures: set[str], record: _Record) -> tuple[int, int]:
    """Stretch the quote over the record's sentences that hold the claim's figures, if it lacks some."""
    start, end = span
    for a, b in record.spans:
        held = set(_numbers(record.chunk.text[a:b]))
        if figures - set(_numbers(record.chunk.text[start:end])) and held & figures:
            start, end = min(start, a), max(end, b)
    return start, end


def _contradiction(text: str, record: _Record) -> str:
    """Why the sentence states the opposite of the record, or "" when it does not seem to."""
    said = _outcomes(text)
    recorded = _outcomes(" ".join(record.chunk.text[a:b] for a, b in record.spans))
    if said and recorded and not said & recorded:
        return f"says {'/'.join(sorted(said))} where the record says {'/'.join(sorted(recorded))} in"
    if _NEGATION.search(text) and not any(_NEGATION.search(record.chunk.text[a:b]) for a, b in record.spans):
        return "negates what is said in"
    return ""


def _outcomes(text: str) -> set[str]:
    found = {kind for kind, pattern in _OUTCOMES.items() if pattern.search(text)}
    if "refused" in found and re.search(r"\bnot (?:be )?approved", text, re.I):
        found.discard("approved")  # "not approved" is a refusal, not an approval
    return found


def _numbers(text: str) -> list[str]:
    """Figures without thousands separators, small number words as digits: "£1,200" -> "1200"."""
    return [_NUMBER_WORDS.get(raw.lower(), raw.replace(",", "")) for raw in _NUMBER.findall(text)]


def _names(text: str) -> set[str]:
    """Capitalised words after the first word of a sentence: names of people, firms, places, bodies."""
    return {_bare(m.group(0)) for m in _NAME.finditer(text)}


def _bare(word: str) -> str:
    word = word.lower()
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    return word.strip("'’-")


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _with_note(answer: Answer, note: str) -> Answer:
    return answer.model_copy(update={"note": note})

#!/usr/bin/env python3
"""Score the extractor against gold files, by the rules of corpus/SCORING.md.

Usage:
    python bench/eval_extraction.py DIR... [--verbose] [--jobs N]
           [--command "briefs extract {file} --format json [--published {published}]"]

Every article (``*.md``, ``*.txt``, ``*.html``) with a ``<stem>.gold.yml``
beside it, found recursively under each DIR, is extracted and scored. A
"corpus" is the folder that directly holds the article. By default the
extractor is called in-process (``builder.pipeline.extract_json``, imported
from the repository that holds this script); ``--command`` runs a subprocess
per article instead and reads the JSON it prints.

The report is a table (one line per corpus, then "overall") whose last line
starts with ``overall:``. Exit code: 0 whenever scoring ran (the script
reports, it does not judge), 2 on usage errors.

The scoring functions (``score_timexes``, ``score_actors``, ``score_example``
and the normalisers) are pure and importable, for unit tests.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import datetime as dt
import importlib
import json
import re
import shlex
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

ARTICLE_SUFFIXES = (".md", ".txt", ".html")
TIMEX_TYPES = {"DATE", "TIME"}
RECALL_KINDS = {"person", "organization"}
DEFAULT_EXTRACTOR = "builder.pipeline:extract_json"
FROM_PREFIX = 40  # open questions: first 40 normalised characters of `from`

# --------------------------------------------------------------------------
# Normalisation (pure)
# --------------------------------------------------------------------------

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})
_SPACES = re.compile(r"\s+")


def _is_trimmable(ch: str) -> bool:
    """Whitespace, punctuation (Unicode P*) or symbol (S*) character."""
    return ch.isspace() or unicodedata.category(ch)[0] in "PS"


def trim_punct(text: str) -> str:
    """Strip whitespace, punctuation and symbols from both ends."""
    i, j = 0, len(text)
    while i < j and _is_trimmable(text[i]):
        i += 1
    while j > i and _is_trimmable(text[j - 1]):
        j -= 1
    return text[i:j]


def _drop_leading_the(text: str) -> str:
    """Drop a leading word "the" (already lower case)."""
    if text == "the":
        return ""
    return text[4:] if text.startswith("the ") else text


def norm_timex(text: object) -> str:
    """Timex text for overlap matching: lower case, spaces collapsed,
    punctuation trimmed, a leading "the" dropped."""
    s = _SPACES.sub(" ", str(text or "").lower())
    s = trim_punct(s)
    return trim_punct(_drop_leading_the(s))


def norm_name(text: object) -> str:
    """Actor name: lower case, curly quotes straightened, leading "the" and
    trailing possessive 's dropped, surrounding punctuation trimmed, spaces
    collapsed (applied until stable)."""
    s = _SPACES.sub(" ", str(text or "").lower().translate(_QUOTES)).strip()
    while True:
        before = s
        s = trim_punct(s)
        s = _drop_leading_the(s)
        if s.endswith("'s"):
            s = s[:-2]
        if s == before:
            return s


def norm_text(text: object) -> str:
    """Running text / sentences: lower case, curly quotes straightened,
    spaces collapsed, surrounding punctuation trimmed."""
    s = _SPACES.sub(" ", str(text or "").lower().translate(_QUOTES))
    return trim_punct(s)


def _iso(value: object) -> str:
    """A date (YAML may give datetime.date) or string as an ISO-like string."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def prf(tp_p: int, n_pred: int, tp_r: int, n_gold: int):
    """Precision, recall, F1; None where undefined (nothing on either side)."""
    if n_pred == 0 and n_gold == 0:
        return None, None, None
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --------------------------------------------------------------------------
# Temporal expressions (pure)
# --------------------------------------------------------------------------

@dataclasses.dataclass
class TimexScore:
    """Counts for temporal expressions (DATE/TIME) of one or more documents."""
    n_gold: int = 0
    n_pred: int = 0          # predictions located in the body, in scope
    span: int = 0            # one-to-one relaxed matches
    value: int = 0           # matches whose value equals the gold value
    missed: list = dataclasses.field(default_factory=list)       # gold dicts
    wrong_value: list = dataclasses.field(default_factory=list)  # (gold, pred)
    spurious: list = dataclasses.field(default_factory=list)     # (pred, pos)
    not_in_body: list = dataclasses.field(default_factory=list)  # pred dicts

    def add(self, other: "TimexScore") -> None:
        """Add the counts (not the details) of another score."""
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred
        self.span += other.span
        self.value += other.value

    def span_prf(self):
        return prf(self.span, self.n_pred, self.span, self.n_gold)

    def value_prf(self):
        return prf(self.value, self.n_pred, self.value, self.n_gold)


def locate_in_body(texts: list, body: str) -> list:
    """Start offset of each text in body, searched in document order.

    Each text is searched from the end of the previous located one (exact
    case first, then case-insensitive). A text not found after that point
    is searched from the start of the body (its first occurrence, without
    moving the search point); None when it is not in the body at all.
    """
    low = body.lower()
    cursor, out = 0, []
    for raw in texts:
        t = str(raw or "").strip()
        if not t:
            out.append(None)
            continue
        pos = body.find(t, cursor)
        if pos < 0:
            pos = low.find(t.lower(), cursor)
        if pos >= 0:
            cursor = pos + len(t)
            out.append(pos)
            continue
        pos = body.find(t)
        if pos < 0:
            pos = low.find(t.lower())
        out.append(pos if pos >= 0 else None)
    return out


def match_overlaps(gold_texts: list, pred_texts: list) -> dict:
    """One-to-one relaxed matching of normalised texts: {gold_i: pred_i}.

    Each gold text, in the given (document) order, takes the unused
    prediction whose text contains it or is contained in it, closest to it
    in (normalised) length, the earliest prediction on ties. Empty
    normalised texts never match.
    """
    used, pairs = set(), {}
    for gi, g in enumerate(gold_texts):
        best = None
        for pi, p in enumerate(pred_texts):
            if pi in used or not g or not p or not (g in p or p in g):
                continue
            d = abs(len(p) - len(g))
            if best is None or d < best[0]:
                best = (d, pi)
        if best is not None:
            used.add(best[1])
            pairs[gi] = best[1]
    return pairs


def _type_ok(item: dict) -> bool:
    return str(item.get("type") or "").upper() in TIMEX_TYPES


def gold_timexes(timeline: list) -> list:
    """Gold DATE/TIME items outside the title, in document order (`start`)."""
    items = [g for g in timeline or [] if isinstance(g, dict) and _type_ok(g)
             and g.get("in") != "title"]
    return sorted(items, key=lambda g: (g.get("start") is None, g.get("start") or 0))


def score_timexes(gold: list, predicted: list, body: str,
                  scope_end: int | None) -> TimexScore:
    """Score predicted `temporal_expressions` against a gold `timeline`.

    Only DATE/TIME on both sides; gold items `in: title` are left out. A
    prediction counts only if its text is located in the body (see
    `locate_in_body`) at an offset < scope_end (any offset when scope_end
    is None). Values are compared as strings, exactly.
    """
    g_items = gold_timexes(gold)
    p_all = [p for p in predicted or [] if isinstance(p, dict) and _type_ok(p)]
    positions = locate_in_body([p.get("text") for p in p_all], body)
    res = TimexScore(n_gold=len(g_items))
    p_items = []
    for p, pos in zip(p_all, positions):
        if pos is None:
            res.not_in_body.append(p)
        elif scope_end is None or pos < scope_end:
            p_items.append((p, pos))
    res.n_pred = len(p_items)
    pairs = match_overlaps([norm_timex(g.get("text")) for g in g_items],
                           [norm_timex(p.get("text")) for p, _ in p_items])
    for gi, g in enumerate(g_items):
        if gi not in pairs:
            res.missed.append(g)
            continue
        res.span += 1
        p = p_items[pairs[gi]][0]
        if _iso(p.get("value")) == _iso(g.get("value")):
            res.value += 1
        else:
            res.wrong_value.append((g, p))
    matched = set(pairs.values())
    res.spurious = [pp for i, pp in enumerate(p_items) if i not in matched]
    return res


# --------------------------------------------------------------------------
# Actors (pure)
# --------------------------------------------------------------------------

@dataclasses.dataclass
class ActorScore:
    """Counts for actors of one or more documents."""
    n_gold: int = 0       # gold actors in the recall set
    found: int = 0        # of those, found by a predicted actor
    n_pred: int = 0       # predicted actors counted for precision
    right: int = 0        # of those, naming a gold entity
    dup: int = 0          # extra predicted actors on one gold actor
    missed: list = dataclasses.field(default_factory=list)      # gold dicts
    spurious: list = dataclasses.field(default_factory=list)    # pred dicts
    duplicates: list = dataclasses.field(default_factory=list)  # (gold, [preds])
    conflated: list = dataclasses.field(default_factory=list)   # (pred, [golds])

    def add(self, other: "ActorScore") -> None:
        """Add the counts (not the details) of another score."""
        self.n_gold += other.n_gold
        self.found += other.found
        self.n_pred += other.n_pred
        self.right += other.right
        self.dup += other.dup

    def prf(self):
        return prf(self.right, self.n_pred, self.found, self.n_gold)


def entity_names(entity: dict) -> set:
    """Normalised names of a gold or predicted actor: `name` + `aliases`."""
    aliases = entity.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    names = {norm_name(entity.get("name"))} | {norm_name(a) for a in aliases}
    names.discard("")
    return names


def name_occurs(name: str, scope_text: str) -> bool:
    """Whether a normalised name occurs in normalised text, case-insensitively,
    as a substring bounded by non-word characters (so "ford" is not found in
    "afford")."""
    if not name:
        return False
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", scope_text) is not None


def score_actors(gold_actors: list, other_entities: list, predicted: list,
                 scope_text: str | None = None,
                 recall_kinds: set | None = RECALL_KINDS) -> ActorScore:
    """Score predicted `actors` against gold `actors` / `other_entities`.

    Recall over gold actors whose kind is in recall_kinds (all gold actors
    when recall_kinds is None): found when a name equals a predicted name.
    Precision over predicted actors (only those with a name occurring in
    scope_text, when scope_text is given; scope_text is passed through
    `norm_text`): right when a name equals a name of any gold entity.
    Duplicates: for every gold actor (any kind), predicted actors matching
    it beyond the first.
    """
    gold_actors = [g for g in gold_actors or [] if isinstance(g, dict)]
    others = [g for g in other_entities or [] if isinstance(g, dict)]
    preds = [p for p in predicted or [] if isinstance(p, dict)]
    g_names = [entity_names(g) for g in gold_actors]
    p_names = [entity_names(p) for p in preds]
    all_gold = set().union(*g_names, *(entity_names(o) for o in others))
    res = ActorScore()
    for g, gn in zip(gold_actors, g_names):
        hits = [i for i, pn in enumerate(p_names) if gn & pn]
        if len(hits) > 1:
            res.dup += len(hits) - 1
            res.duplicates.append((g, [preds[i] for i in hits]))
        if recall_kinds is None or str(g.get("kind") or "").lower() in recall_kinds:
            res.n_gold += 1
            if hits:
                res.found += 1
            else:
                res.missed.append(g)
    scope = norm_text(scope_text) if scope_text is not None else None
    for p, pn in zip(preds, p_names):
        golds = [g for g, gn in zip(gold_actors, g_names) if gn & pn]
        if len(golds) > 1:
            res.conflated.append((p, golds))
        if scope is not None and not any(name_occurs(n, scope) for n in pn):
            continue
        res.n_pred += 1
        if pn & all_gold:
            res.right += 1
        else:
            res.spurious.append(p)
    return res


# --------------------------------------------------------------------------
# The example article: not_actors, dated timeline, open questions (pure)
# --------------------------------------------------------------------------

@dataclasses.dataclass
class ExampleScore:
    """Checks for gold files in the example-article format."""
    docs: int = 0
    actors_found: int = 0
    actors_total: int = 0
    not_actor_hits: list = dataclasses.field(default_factory=list)   # pred names
    timeline_hit: int = 0
    timeline_total: int = 0
    timeline_missed: list = dataclasses.field(default_factory=list)  # gold items
    undated_runs: int = 0          # documents re-run without published
    undated_dated: list = dataclasses.field(default_factory=list)    # entries
    questions_hit: int = 0
    questions_total: int = 0
    questions_missed: list = dataclasses.field(default_factory=list)
    settled_hits: list = dataclasses.field(default_factory=list)     # pred qs

    def add(self, other: "ExampleScore") -> None:
        """Add another score (counts and details)."""
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, a + b)


def is_example_gold(gold: dict) -> bool:
    """Gold in the example-article format: dated timeline items, or
    not_actors / open_questions / settled."""
    if any(k in gold for k in ("not_actors", "open_questions", "settled")):
        return True
    return any(isinstance(t, dict) and "date" in t and "precision" in t
               for t in gold.get("timeline") or [])


def question_matches(sentence: object, gold_from: object) -> bool:
    """A predicted question's sentence matches a gold `from` text when it
    contains the first 40 normalised characters of it, or is contained in
    the (whole, normalised) `from` text."""
    s, f = norm_text(sentence), norm_text(gold_from)
    if not s or not f:
        return False
    return f[:FROM_PREFIX] in s or s in f


def score_example(gold: dict, predicted: dict, undated: dict | None) -> ExampleScore:
    """Example-article checks. `undated` is the extractor's output without a
    published date (None when that run was not made)."""
    res = ExampleScore(docs=1)
    pred_actors = [p for p in predicted.get("actors") or [] if isinstance(p, dict)]
    a = score_actors(gold.get("actors"), gold.get("other_entities"), pred_actors,
                     None, None)
    res.actors_found, res.actors_total = a.found, a.n_gold
    banned = {norm_name(n) for n in gold.get("not_actors") or []} - {""}
    res.not_actor_hits = [p.get("name") for p in pred_actors
                          if norm_name(p.get("name")) in banned]
    pred_tl = [(_iso(t.get("date")), str(t.get("precision") or ""))
               for t in predicted.get("timeline") or [] if isinstance(t, dict)]
    for item in gold.get("timeline") or []:
        if not (isinstance(item, dict) and "date" in item and "precision" in item):
            continue
        res.timeline_total += 1
        if (_iso(item["date"]), str(item["precision"])) in pred_tl:
            res.timeline_hit += 1
        else:
            res.timeline_missed.append(item)
    if undated is not None:
        res.undated_runs = 1
        res.undated_dated = [t for t in undated.get("timeline") or []
                             if isinstance(t, dict) and t.get("date")]
    sentences = [q.get("sentence") for q in predicted.get("open_questions") or []
                 if isinstance(q, dict)]
    for q in gold.get("open_questions") or []:
        res.questions_total += 1
        if any(question_matches(s, q.get("from")) for s in sentences):
            res.questions_hit += 1
        else:
            res.questions_missed.append(q)
    settled = [norm_text(s) for s in gold.get("settled") or []]
    settled = [s for s in settled if s]
    res.settled_hits = [q for q in predicted.get("open_questions") or []
                        if isinstance(q, dict)
                        and any(s in norm_text(q.get("sentence")) for s in settled)]
    return res


# --------------------------------------------------------------------------
# Articles and gold files
# --------------------------------------------------------------------------

class _HTMLText(HTMLParser):
    """Crude text of an HTML page (stdlib only): title and visible text."""

    def __init__(self):
        super().__init__()
        self.parts, self.title, self._skip, self._in_title = [], "", 0, False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def split_article(path: Path, raw: str) -> tuple[str, str]:
    """(title, body) of an article. For .md the body is the text after the
    front matter's closing `---` line (title from the front matter); .txt is
    all body; .html is reduced to text with the stdlib parser."""
    if path.suffix == ".html":
        p = _HTMLText()
        p.feed(raw)
        return p.title.strip(), "".join(p.parts)
    if path.suffix != ".md":
        return "", raw
    lines = raw.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return "", raw
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") == "---":
            try:
                meta = yaml.safe_load("".join(lines[1:i])) or {}
            except yaml.YAMLError:
                meta = {}
            title = meta.get("title") if isinstance(meta, dict) else None
            return str(title or ""), "".join(lines[i + 1:])
    return "", raw


@dataclasses.dataclass
class Doc:
    """One article with its gold file."""
    path: Path
    gold_path: Path
    corpus: str
    gold: dict
    title: str
    body: str
    published: dt.date | None   # what the scorer passes to the extractor

    @property
    def words(self) -> int:
        return len(self.title.split()) + len(self.body.split())


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def find_docs(dirs: list[Path]) -> list[Doc]:
    """Every article with a `<stem>.gold.yml` beside it under dirs."""
    seen, docs = set(), []
    for root in dirs:
        root = root.resolve()
        for path in sorted(root.rglob("*")):
            if path.suffix not in ARTICLE_SUFFIXES or any(
                    part.startswith(".") for part in path.relative_to(root).parts):
                continue  # not an article, or under a hidden folder (.venv, .git)
            gold_path = path.with_name(path.stem + ".gold.yml")
            if not path.is_file() or not gold_path.is_file() or path in seen:
                continue
            gold = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
            src = gold.get("source")
            if src and src != path.name and (path.parent / str(src)).is_file():
                continue  # another article beside it is the one this gold is for
            seen.add(path)
            raw = path.read_text(encoding="utf-8", errors="replace")
            title, body = split_article(path, raw)
            rel = path.parent.relative_to(root)
            corpus = root.name if str(rel) == "." else rel.as_posix()
            published = _as_date(gold.get("published")) if path.suffix == ".txt" else None
            docs.append(Doc(path, gold_path, corpus, gold, title, body, published))
    return docs


# --------------------------------------------------------------------------
# Running the extractor
# --------------------------------------------------------------------------

_EXTRACTORS: dict = {}


def load_extractor(spec: str):
    """Import `module:function` (cached)."""
    if spec not in _EXTRACTORS:
        module, _, func = spec.partition(":")
        _EXTRACTORS[spec] = getattr(importlib.import_module(module), func or "extract_json")
    return _EXTRACTORS[spec]


def _as_output(out: object) -> dict:
    if isinstance(out, (str, bytes)):
        out = json.loads(out)
    if not isinstance(out, dict):
        raise TypeError(f"extractor returned {type(out).__name__}, not a dict")
    return out


def run_inprocess(spec: str, path: str, published: str | None):
    """Call the extractor in this process: (output, seconds, error)."""
    fn = load_extractor(spec)
    pub = dt.date.fromisoformat(published) if published else None
    t0 = time.perf_counter()
    try:
        out = fn(Path(path), pub)
        secs = time.perf_counter() - t0
        return _as_output(out), secs, None
    except Exception as exc:  # report, do not stop the bench
        return {}, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"


def build_command(template: str, path: str, published: str | None) -> list[str]:
    """Argv from a --command template. `{file}` is the article; `{published}`
    the ISO date (a token holding it, and a `--published` token just before
    it, are dropped when there is no date). Without `{published}` in the
    template, `--published DATE` is appended when there is a date."""
    tokens, out = shlex.split(template), []
    has_pub = "{published}" in template
    for tok in tokens:
        if "{published}" in tok:
            if published is None:
                if out and out[-1] == "--published":
                    out.pop()
                continue
            tok = tok.replace("{published}", published)
        out.append(tok.replace("{file}", path))
    if not has_pub and published is not None:
        out += ["--published", published]
    return out


def run_subprocess(template: str, path: str, published: str | None):
    """Run the --command for one article: (output, seconds, error)."""
    argv = build_command(template, path, published)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=900)
        secs = time.perf_counter() - t0
        if proc.returncode != 0:
            return {}, secs, f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"
        return _as_output(proc.stdout), secs, None
    except Exception as exc:
        return {}, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"


def run_all(tasks: list, mode: str, target: str, jobs: int) -> list:
    """Run (path, published-iso) tasks, in order; jobs > 1 runs them in
    parallel (processes in-process mode, threads in subprocess mode)."""
    fn = run_inprocess if mode == "inprocess" else run_subprocess
    if jobs <= 1:
        return [fn(target, p, d) for p, d in tasks]
    pool_cls = (concurrent.futures.ProcessPoolExecutor if mode == "inprocess"
                else concurrent.futures.ThreadPoolExecutor)
    with pool_cls(max_workers=jobs) as pool:
        futs = [pool.submit(fn, target, p, d) for p, d in tasks]
        return [f.result() for f in futs]


# --------------------------------------------------------------------------
# Scoring a document, aggregating, reporting
# --------------------------------------------------------------------------

def timex_scored(gold: dict) -> bool:
    """Temporal expressions are scored for gold with `scope_end` or with
    timeline items carrying a TimeML `value`."""
    return "scope_end" in gold or any(isinstance(t, dict) and "value" in t
                                      for t in gold.get("timeline") or [])


@dataclasses.dataclass
class DocResult:
    """Everything scored for one document."""
    doc: Doc
    seconds: float
    error: str | None
    timex: TimexScore | None
    actors: ActorScore
    example: ExampleScore | None


def score_doc(doc: Doc, out: dict, undated: dict | None,
              seconds: float, error: str | None) -> DocResult:
    """Score one document's extractor output."""
    gold = doc.gold
    scope_end = gold.get("scope_end")
    scope_end = int(scope_end) if scope_end is not None else None
    timex = None
    if timex_scored(gold):
        timex = score_timexes(gold.get("timeline"), out.get("temporal_expressions"),
                              doc.body, scope_end)
    if scope_end is not None:   # MEANTIME-style: person/org recall, scoped precision
        scope_text = doc.title + "\n" + doc.body[:scope_end]
        actors = score_actors(gold.get("actors"), gold.get("other_entities"),
                              out.get("actors"), scope_text, RECALL_KINDS)
    else:                       # example-style: all gold actors, all predictions
        actors = score_actors(gold.get("actors"), gold.get("other_entities"),
                              out.get("actors"), None, None)
    example = score_example(gold, out, undated) if is_example_gold(gold) else None
    return DocResult(doc, seconds, error, timex, actors, example)


@dataclasses.dataclass
class Totals:
    """Aggregated counts for a corpus or overall (micro-averaged)."""
    docs: int = 0
    errors: int = 0
    words: int = 0
    seconds: float = 0.0
    timex: TimexScore = dataclasses.field(default_factory=TimexScore)
    timex_docs: int = 0
    actors: ActorScore = dataclasses.field(default_factory=ActorScore)
    example: ExampleScore = dataclasses.field(default_factory=ExampleScore)

    def add(self, r: DocResult) -> None:
        self.docs += 1
        self.errors += r.error is not None
        self.words += r.doc.words
        self.seconds += r.seconds
        if r.timex is not None:
            self.timex.add(r.timex)
            self.timex_docs += 1
        self.actors.add(r.actors)
        if r.example is not None:
            self.example.add(r.example)


def _f(x, width=5) -> str:
    return f"{x:.3f}".rjust(width) if x is not None else "-".rjust(width)


def _wps(t: Totals) -> str:
    return f"{t.words / t.seconds:.0f}" if t.seconds > 0 else "-"


def table_row(name: str, t: Totals) -> str:
    """One line of the table."""
    if t.timex_docs:
        sp, vp = t.timex.span_prf(), t.timex.value_prf()
        tx = f"{t.timex.n_gold:>4}/{t.timex.n_pred:<4} " + " ".join(map(_f, sp)) \
            + "  " + " ".join(map(_f, vp))
    else:
        tx = f"{'-':>4}/{'-':<4} " + " ".join(_f(None) for _ in range(3)) \
            + "  " + " ".join(_f(None) for _ in range(3))
    a = t.actors
    ac = f"{a.n_gold:>4}/{a.n_pred:<4} " + " ".join(map(_f, a.prf())) + f" {a.dup:>4}"
    return f"{name:<22} {t.docs:>4} {t.errors:>3}  {tx}  {ac}  {_wps(t):>8}"


def table_header() -> str:
    return (f"{'corpus':<22} {'docs':>4} {'err':>3}  {'timex g/p':>9} "
            f"{'spanP':>5} {'spanR':>5} {'spanF':>5}  {'valP':>5} {'valR':>5} {'valF':>5}  "
            f"{'actor g/p':>9} {'P':>5} {'R':>5} {'F1':>5} {'dup':>4}  {'words/s':>8}")


def overall_line(t: Totals, mode: str, jobs: int) -> str:
    """The compact last line."""
    parts = []
    if t.timex_docs:
        parts.append(f"timex span F1 {_f(t.timex.span_prf()[2]).strip()} "
                     f"value F1 {_f(t.timex.value_prf()[2]).strip()}")
    else:
        parts.append("timex n/a")
    p, r, f = t.actors.prf()
    parts.append(f"actors P {_f(p).strip()} R {_f(r).strip()} F1 {_f(f).strip()} "
                 f"dup {t.actors.dup}")
    e = t.example
    if e.docs:
        if not e.undated_runs:
            und = "undated n/a"
        elif e.undated_dated:
            und = f"undated-dated {len(e.undated_dated)}"
        else:
            und = "undated-ok"
        parts.append(f"example actors {e.actors_found}/{e.actors_total} "
                     f"not_actors {len(e.not_actor_hits)} "
                     f"timeline {e.timeline_hit}/{e.timeline_total} {und} "
                     f"questions {e.questions_hit}/{e.questions_total} "
                     f"settled {len(e.settled_hits)}")
    if t.errors:
        parts.append(f"errors {t.errors}")
    note = "" if mode == "inprocess" else " (subprocess)"
    if jobs > 1:
        note += f" ({jobs} jobs)"
    parts.append(f"{_wps(t)} words/s{note}")
    return "overall: " + " | ".join(parts)


def _q(x) -> str:
    return json.dumps(str(x if x is not None else ""), ensure_ascii=False)


def _names(p: dict) -> str:
    aliases = p.get("aliases") or []
    extra = f" (aliases {', '.join(map(str, aliases))})" if aliases else ""
    return f"{_q(p.get('name'))}{extra}"


def verbose_lines(r: DocResult) -> list[str]:
    """Per-document misses, for --verbose."""
    out = []
    if r.error:
        out.append(f"  ERROR {r.error}")
    t = r.timex
    if t is not None:
        for g in t.missed:
            out.append(f"  timex missed: {_q(g.get('text'))} = {g.get('value')} @{g.get('start')}")
        for g, p in t.wrong_value:
            out.append(f"  timex wrong value: {_q(g.get('text'))} gold {g.get('value')}, "
                       f"predicted {_q(p.get('text'))} = {p.get('value')}")
        for p, pos in t.spurious:
            out.append(f"  timex spurious: {_q(p.get('text'))} = {p.get('value')} "
                       f"({p.get('type')}) @{pos}")
        for p in t.not_in_body:
            out.append(f"  timex not found in body (ignored): {_q(p.get('text'))}")
    a = r.actors
    for g in a.missed:
        scope = "" if g.get("in_scope") is None else (
            ", in scope" if g.get("in_scope") else ", beyond scope")
        out.append(f"  actor missed: {_q(g.get('name'))} [{g.get('kind')}{scope}]")
    for p in a.spurious:
        out.append(f"  actor spurious: {_names(p)}")
    for g, preds in a.duplicates:
        out.append(f"  actor duplicate: {_q(g.get('name'))} <- "
                   + "; ".join(_names(p) for p in preds))
    for p, golds in a.conflated:
        out.append(f"  actor conflates {len(golds)} gold actors: {_names(p)} -> "
                   + ", ".join(_q(g.get('name')) for g in golds))
    e = r.example
    if e is not None:
        for n in e.not_actor_hits:
            out.append(f"  example: actor named as a not_actor: {_q(n)}")
        for g in e.timeline_missed:
            out.append(f"  example: timeline missed: {g.get('date')} ({g.get('precision')}) "
                       f"{_q(g.get('cue'))}")
        for tl in e.undated_dated:
            out.append(f"  example: dated without published: {tl.get('date')} "
                       f"{_q(tl.get('text') or tl.get('event'))}")
        for q in e.questions_missed:
            out.append(f"  example: open question missed: from {_q(q.get('from'))}")
        for q in e.settled_hits:
            out.append(f"  example: question from a settled sentence: {_q(q.get('question'))}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Score `briefs extract` output against *.gold.yml files (SCORING.md).")
    ap.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print per-document misses before the table")
    ap.add_argument("--jobs", "-j", type=int, default=1,
                    help="parallel extractions (default 1: words/s on one core)")
    ap.add_argument("--command", metavar="TEMPLATE",
                    help='run a subprocess per article instead, e.g. '
                         '"briefs extract {file} --format json" ({published} optional)')
    ap.add_argument("--extractor", default=DEFAULT_EXTRACTOR, metavar="MODULE:FUNC",
                    help=f"in-process extractor (default {DEFAULT_EXTRACTOR})")
    args = ap.parse_args(argv)

    if args.jobs < 1:
        ap.error("--jobs must be >= 1")
    missing = [str(d) for d in args.dirs if not d.is_dir()]
    if missing:
        ap.error("not a directory: " + ", ".join(missing))
    if args.command and "{file}" not in args.command:
        ap.error("--command must contain {file}")
    docs = find_docs(args.dirs)
    if not docs:
        ap.error("no article with a <stem>.gold.yml beside it under "
                 + ", ".join(map(str, args.dirs)))
    if args.command:
        mode, target = "subprocess", args.command
    else:
        mode, target = "inprocess", args.extractor
        try:
            load_extractor(target)
        except Exception as exc:
            print(f"eval_extraction: cannot import {target}: {type(exc).__name__}: {exc}\n"
                  f'  (use --command "briefs extract {{file}} --format json")',
                  file=sys.stderr)
            return 2

    iso = lambda d: d.isoformat() if d else None
    tasks = [(str(d.path), iso(d.published)) for d in docs]
    # A second run without published, for example-format gold that got a date.
    redo = [i for i, d in enumerate(docs) if is_example_gold(d.gold) and d.published]
    tasks += [(str(docs[i].path), None) for i in redo]
    results = run_all(tasks, mode, target, args.jobs)
    undated = {i: results[len(docs) + k] for k, i in enumerate(redo)}

    per_doc = []
    for i, d in enumerate(docs):
        out, secs, err = results[i]
        und_out, _, und_err = undated.get(i, (None, 0.0, None))
        if und_err:  # the run without published failed: not counted as run
            und_out = None
            err = (err + "; " if err else "") + f"run without published: {und_err}"
        per_doc.append(score_doc(d, out, und_out, secs, err))

    corpora: dict[str, Totals] = {}
    overall = Totals()
    for r in per_doc:
        corpora.setdefault(r.doc.corpus, Totals()).add(r)
        overall.add(r)

    if args.verbose:
        for r in per_doc:
            lines = verbose_lines(r)
            if lines:
                print(f"== {r.doc.corpus}/{r.doc.path.name}")
                print("\n".join(lines))
        print()
    print(table_header())
    for name in sorted(corpora):
        print(table_row(name, corpora[name]))
    print(table_row("overall", overall))
    print(overall_line(overall, mode, args.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

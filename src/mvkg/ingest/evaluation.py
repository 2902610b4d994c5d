"""How faithful ingest is: a parsed resolution scored against a hand-labelled gold file
(`tests/fixtures/corpus/*/DOC/gold.json`, labelled by the rules in LABELLING.md there).

Units are matched one to one by their words: each gold obligation pairs with at most one
extracted obligation and the other way round, greedily by word overlap relative to the longer
of the two, so an obligation that swallows two gold clauses finds at most one of them. On each
matched pair: strength, bearers (as a set, exact), themes (a predicted theme is right when it
is a gold theme or lies on its line in the hierarchy) and explicit SDGs. Preamble SDGs are
compared per document."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from mvkg.ingest.bearers import un_homonyms
from mvkg.kernel.errors import InputError, MvkgError
from mvkg.kernel.lexicon import Lexicon, find_mentions
from mvkg.kernel.model import ResolutionRecord
from mvkg.kernel.namespaces import ACTOR

MATCH_THRESHOLD = 0.5
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Unit:
    """One operative unit, gold or extracted, reduced to what is compared."""

    text: str
    obligation: bool = True
    strength: str | None = None
    bearers: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()  # theme IRIs
    sdgs: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Gold:
    doc_id: str
    family: str
    format: str
    source: Path
    preamble_sdgs: frozenset[int]
    units: tuple[Unit, ...]


@dataclass
class Score:
    """Counts, so that scores add up over documents."""

    gold: int = 0  # gold obligations
    extracted: int = 0  # extracted obligations
    matched: int = 0
    strength: int = 0
    bearers: int = 0
    theme_right: int = 0  # predicted themes that are right
    theme_predicted: int = 0
    theme_found: int = 0  # gold themes found
    theme_gold: int = 0
    sdg_right: int = 0
    sdg_predicted: int = 0
    sdg_gold: int = 0
    documents: int = 0
    missed: list[str] = field(default_factory=list)  # gold texts with no partner (for reading, not summing)

    def __add__(self, other: Score) -> Score:
        out = Score(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "missed"})
        out.missed = self.missed + other.missed
        return out

    def figures(self) -> dict[str, float | int | None]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "documents": self.documents, "gold": self.gold, "extracted": self.extracted,
            "clause_recall": ratio(self.matched, self.gold), "clause_precision": ratio(self.matched, self.extracted),
            "strength": ratio(self.strength, self.matched), "bearers_exact": ratio(self.bearers, self.matched),
            "theme_precision": ratio(self.theme_right, self.theme_predicted),
            "theme_recall": ratio(self.theme_found, self.theme_gold),
            "sdg_precision": ratio(self.sdg_right, self.sdg_predicted), "sdg_recall": ratio(self.sdg_right, self.sdg_gold),
        }


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def overlap(a: str, b: str) -> float:
    """Shared words (with multiplicity) relative to the longer text."""
    wa, wb = Counter(words(a)), Counter(words(b))
    longer = max(sum(wa.values()), sum(wb.values()))
    return sum((wa & wb).values()) / longer if longer else 0.0


def _actor_key(label: str, lex: Lexicon, homonyms: Mapping[str, str] | None = None) -> str:
    """An actor named in gold or found by the extractor, in one comparable form: the lexicon's
    IRI when its label names it (the UN homonym in a UN resolution), else the words in lower
    case."""
    norm = " ".join(words(label.removeprefix("the ").removeprefix("The ")))
    for iri, actor in lex.actors.items():
        if norm in {" ".join(words(x)) for x in (actor.label, actor.notation)}:
            return (homonyms or {}).get(iri, iri)
    named = find_mentions(lex.actor_matchers, label)  # an alternative label of one actor
    if len(named) == 1 and " ".join(words(named[0].text)) == norm:
        return (homonyms or {}).get(named[0].iri, named[0].iri)
    return norm


def load_gold(folder: Path, lex: Lexicon) -> Gold:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable gold: {exc}", path=folder) from None
    themes = lex.notations("theme")
    homonyms = un_homonyms(lex, str(ACTOR["unga"])) if meta["family"] == "UN" else {}
    units = tuple(
        Unit(text=u["text"], obligation=bool(u["obligation"]), strength=u.get("strength"),
             bearers=frozenset(_actor_key(b, lex, homonyms) for b in u.get("bearers", ())),
             themes=frozenset(themes[t] for t in u.get("themes", ()) if t in themes),
             sdgs=frozenset(int(g) for g in u.get("sdgs", ())))
        for u in gold["units"])
    return Gold(meta["id"], meta["family"], meta["format"], folder / meta["source_file"],
                frozenset(int(g) for g in gold.get("preamble_sdgs", ())), units)


def extracted_units(record: ResolutionRecord, lex: Lexicon) -> list[Unit]:
    """The record's obligations as comparable units (their bearers keyed as gold's are)."""
    out = []
    minted = dict(record.minted_actors)
    for ob in record.obligations:
        labels = [lex.actors[b].label if b in lex.actors else minted.get(b, b) for b in ob.bearers]
        out.append(Unit(
            text=ob.span.text, strength=ob.strength,
            bearers=frozenset(iri if iri in lex.actors else _actor_key(label, lex)
                              for iri, label in zip(ob.bearers, labels)),
            themes=frozenset(t.concept for t in ob.tags if t.concept in lex.themes),
            sdgs=frozenset(r.goal for r in ob.sdg_refs if r.goal is not None)))
    return out


def _line(theme: str, lex: Lexicon) -> set[str]:
    """A theme with everything above it."""
    seen, todo = set(), [theme]
    while todo:
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            todo += list(lex.themes[t].broader) if t in lex.themes else []
    return seen


def _related(a: str, b: str, lex: Lexicon) -> bool:
    return a in _line(b, lex) or b in _line(a, lex)


def match(gold: Iterable[Unit], extracted: Iterable[Unit]) -> list[tuple[Unit, Unit]]:
    pairs = sorted(((overlap(g.text, e.text), i, j, g, e) for i, g in enumerate(gold) for j, e in enumerate(extracted)),
                   key=lambda x: (-x[0], x[1], x[2]))
    used_g, used_e, out = set(), set(), []
    for sim, i, j, g, e in pairs:
        if sim < MATCH_THRESHOLD:
            break
        if i not in used_g and j not in used_e:
            used_g.add(i)
            used_e.add(j)
            out.append((g, e))
    return out


def score(gold: Gold, extracted: list[Unit], preamble_sdgs: Iterable[int], lex: Lexicon) -> Score:
    wanted = [u for u in gold.units if u.obligation]
    # every gold unit competes for the extracted ones; one paired with a declaratory unit is a
    # false positive
    pairs = [(g, e) for g, e in match(gold.units, extracted) if g.obligation]
    s = Score(gold=len(wanted), extracted=len(extracted), matched=len(pairs), documents=1)
    paired = {id(g) for g, _ in pairs}
    s.missed = [g.text[:90] for g in wanted if id(g) not in paired]
    for g, e in pairs:
        s.strength += g.strength == e.strength
        s.bearers += g.bearers == e.bearers
        s.theme_predicted += len(e.themes)
        s.theme_right += sum(1 for t in e.themes if any(_related(t, x, lex) for x in g.themes))
        s.theme_gold += len(g.themes)
        s.theme_found += sum(1 for x in g.themes if any(_related(t, x, lex) for t in e.themes))
        s.sdg_predicted += len(e.sdgs)
        s.sdg_gold += len(g.sdgs)
        s.sdg_right += len(e.sdgs & g.sdgs)
    found_preamble = set(preamble_sdgs)
    s.sdg_predicted += len(found_preamble)
    s.sdg_gold += len(gold.preamble_sdgs)
    s.sdg_right += len(found_preamble & gold.preamble_sdgs)
    return s


def corpus_folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/*/gold.json"))


def summarise(scores: Mapping[str, tuple[Gold, Score]]) -> dict[str, dict[str, float | int | None]]:
    """Figures for the whole corpus, per family and per format."""
    groups: dict[str, Score] = {}
    for gold, s in scores.values():
        for key in ("all", f"family:{gold.family}", f"format:{gold.format}"):
            groups[key] = groups.get(key, Score()) + s
    return {k: v.figures() for k, v in sorted(groups.items())}


@dataclass(frozen=True)
class CorpusResult:
    scores: dict[str, tuple[Gold, Score]]
    refused: dict[str, str]  # document → why it could not be read


def evaluate_corpus(root: Path, lex: Lexicon, read: Callable[[Path, str], ResolutionRecord]) -> CorpusResult:
    """Score every document of a corpus folder: `read(file, code)` ingests one file (a
    document that cannot be read scores nothing and is listed as refused)."""
    scores, refused = {}, {}
    for folder in corpus_folders(root):
        gold = load_gold(folder, lex)
        try:
            record = read(gold.source, gold.doc_id.upper())
            units = extracted_units(record, lex)
            preamble = [r.goal for r in record.preamble_sdgs if r.goal is not None]
        except MvkgError as exc:
            refused[gold.doc_id] = exc.describe()
            units, preamble = [], []
        scores[gold.doc_id] = (gold, score(gold, units, preamble, lex))
    return CorpusResult(scores, refused)

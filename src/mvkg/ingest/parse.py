"""The grammar of ITU/UN resolutions: text → title block, sections and nested items, with
exact code-point offsets. Words (verbs, markers) come from the lexicon, not from here;
this module knows only layout: lines, item labels and how labels nest."""

from __future__ import annotations

import re

from mvkg.ingest.headings import Heading, items_after, match_heading, plain_verb, run_on_headings, starts_upper
from mvkg.ingest.labels import BULLETS, LABEL_RX, TERMINAL_RX, Nesting, inline_items, misread_first, own_label, raw_label
from mvkg.ingest.structure import (
    Item,
    Line,
    ParsedText,
    ParseWarning,
    Section,
    annex_duty_section,
    ends_paragraph,
    lone_labels_joined,
    match_first,
    rstrip_end,
    skip_space,
    split_lines,
    verb_alone,
)
from mvkg.ingest.title import read_title_block
from mvkg.kernel.errors import InputError
from mvkg.kernel.lexicon import Lexicon, Verb
from mvkg.kernel.namespaces import VERB

VERB_NS = str(VERB)
# A capitalised word in the third person opening a numbered paragraph, followed by a word
# that usually follows a verb: a verb, though perhaps not one the lexicon knows.
_UNKNOWN_VERB_RX = re.compile(
    r"[ \t]*(?P<verb>[A-Z][a-z]{2,}s)\s+(?=(?:the|that|its|all|with|to|upon|on|for|a|an|their|his|her|it|in)\b)")


class _Parser:
    def __init__(self, text: str, lexicon: Lexicon, path: str):
        self.text = text
        self.lex = lexicon
        self.path = path
        self.lines = lone_labels_joined(text, [part for line in split_lines(text)
                                               for part in ([line] if self._heads_items(line) else self._unrun(line))])
        self.result = ParsedText(text=text)
        self.paragraph_style = False  # numbered paragraphs that open with their own verb (UN style)
        self.run_on: dict[int, tuple[Heading, int | None]] = {}  # line start -> heading run into the text before it

    def _heads_items(self, line: Line) -> bool:
        """A heading with its numbered items on its line: split later, in the body, at its
        first item ("resolves 1 that …; 2 that …: - …; and - …; 3 that …")."""
        heading = match_heading(self.lex, line.text)
        return heading is not None and heading.verb.operative and items_after(self.lex, heading, line.text) is not None

    def _unrun(self, line: Line) -> list[Line]:
        """A line holding a run-on list, as separate lines at the items' labels (same line
        number, exact offsets)."""
        cuts = inline_items(line.text)
        if not cuts:
            return [line]
        bounds = [0, *cuts, len(line.text)]
        return [Line(line.number, line.start + a, line.text[a:b].rstrip()) for a, b in zip(bounds, bounds[1:])]

    def title_block(self) -> int:
        """Read the title block; return the index of the first body line."""
        return read_title_block(self.lines, self.lex, self.result, lambda line: self._heading(line) is not None)

    # -------------------------------------------------------------- body
    def _heading(self, line: Line) -> tuple[Verb, int] | None:
        if LABEL_RX.match(line.text):
            return None
        h = match_heading(self.lex, line.text)
        if h is None:
            return None
        rest = h.rest
        if rest and rest[0] not in " \t,:":
            return None
        un_paragraph = starts_upper(line.text) and line.text.rstrip().endswith(",")  # "Recalling its resolution …,"
        if (len(rest) > 400 and not un_paragraph) or rest.rstrip().endswith(";"):
            return None
        return h.verb, line.start + h.verb_end

    def body(self, first: int) -> None:
        section: Section | None = None
        nesting = Nesting()
        current: Item | None = None
        prev_text = ""
        annex: Line | None = None  # the heading of the annex being read
        annexed: Section | None = None  # the section of its duties
        blank_before = False
        i = first
        while i < len(self.lines):
            line = self.lines[i]
            if match_first(self.lex.pattern("end-of-body"), line.text):
                break
            if match_first(self.lex.pattern("footnote-rule"), line.text):
                i = self._after_footnotes(i)
                continue
            if not line.text.strip() or match_first(self.lex.pattern("page-furniture"), line.text):
                blank_before = blank_before or not line.text.strip()
                i += 1
                continue
            new_paragraph, blank_before = blank_before, False
            if section is not None and not self.paragraph_style:
                self._split_run_on(i)
                self._split_heading_items(i)
                line = self.lines[i]
            if match_first(self.lex.pattern("annex"), line.text):
                annex = line
                section, current, prev_text = None, None, ""  # the annex's own paragraphs follow
                i += 1
                continue
            paragraph = self._numbered_paragraph(line)
            if paragraph is not None:
                section, current = self._open_paragraph_section(i, *paragraph)
                nesting = Nesting()
                nesting.push(0, current)
                prev_text = line.text
                i += 1
                if match_first(self.lex.pattern("adopted-text"), line.text):
                    section, current, prev_text = None, None, ""  # the adopted text follows, as after an annex heading
                continue
            run_on = self.run_on.get(line.start)  # a heading run into the paragraph before it ends that paragraph
            heading = self._heading_here(i, prev_text) if run_on is None else (run_on[0].verb, line.start + run_on[0].verb_end)
            if heading is not None:
                verb, verb_end = heading
                if not verb.operative and starts_upper(line.text) and line.text.rstrip().endswith(","):
                    self.paragraph_style = True  # "Recalling its resolution …,": UN paragraphs, numbered or not
                i, section, current = self._open_section(i, verb, verb_end, None if run_on is None else run_on[1])
                nesting = Nesting()
                prev_text = "" if current is None else self.text[current.start : current.end]
                if current is None and match_first(self.lex.pattern("adopted-text"), line.text):
                    # "Adopts the following political declaration …:" is a clause of its own; the adopted text follows
                    section.items.append(Item("", section.heading_start, section.heading_end, line.number))
                    section, prev_text = None, ""
                continue
            if annex is not None and not self.paragraph_style and section is None:  # a normative annex's duties
                section = annexed = annex_duty_section(self.lex, self.result.sections, annex, line)
                nesting, current, prev_text = Nesting(), None, ""
                self.result.sections += [section] if section is not None else []
            elif section is not None and section is annexed and new_paragraph and not LABEL_RX.match(line.text) and (
                    not match_first(self.lex.pattern("annex-duty"), line.text)):
                section = None  # plain text after them
            if section is None:  # prose between the title block and the first heading, or an annex's
                i += 1
                continue
            current = self._body_line(line, section, nesting, current, prev_text)
            prev_text = line.text
            i += 1

    def _heading_here(self, i: int, prev_text: str) -> tuple[Verb, int] | None:
        """A heading on line i, unless the line goes on with the paragraph before it."""
        line = self.lines[i]
        heading = self._heading(line)
        if heading is None:
            return None
        if self.paragraph_style:  # inside a UN paragraph: "…, stresses also …" goes on the same paragraph
            return heading if self._opens_paragraph(i, prev_text) else None
        if ends_paragraph(prev_text) or verb_alone(line.text, self.lex):
            return heading
        return None  # a wrapped line that happens to start with a verb

    def _split_run_on(self, i: int) -> bool:
        """Split line i where headings run into it ("… this resolution, instructs the Secretary-
        General to …"), as copies of published files flow them: the pieces replace the line
        (same line number, exact offsets) and each heading piece is remembered as one."""
        line = self.lines[i]
        if line.start in self.run_on:
            return False
        nxt = next((ln for ln in self.lines[i + 1:] if ln.text.strip()), None)
        found = run_on_headings(self.lex, line.text, nxt is not None and bool(LABEL_RX.match(nxt.text)))
        if not found:
            return False
        bounds = [0, *(r.start for r in found), len(line.text)]
        pieces = [Line(line.number, line.start + a, line.text[a:b].rstrip()) for a, b in zip(bounds, bounds[1:])]
        for piece, r in zip(pieces[1:], found):
            self.run_on[piece.start] = (r.heading, None if r.action is None else line.start + r.action)
            words = " ".join(piece.text[: None if r.action is None else r.action - r.start].split())
            self.result.warnings.append(ParseWarning(
                line.number, "split-paragraph", f"the heading '{words[:80]}' ran into the paragraph before it; "
                "read as a heading of its own"))
        self.lines[i:i + 1] = pieces
        return True

    def _split_heading_items(self, i: int) -> None:
        """A heading with its numbered items run onto its line ("resolves 1 that …; 2 that …"):
        the heading and each item become lines of their own (same line number, exact offsets)."""
        line = self.lines[i]
        run_on = self.run_on.get(line.start)
        heading = run_on[0] if run_on else match_heading(self.lex, line.text)
        if heading is None or not heading.verb.operative or LABEL_RX.match(line.text):
            return
        cut = items_after(self.lex, heading, line.text)
        items = [] if cut is None else self._unrun(Line(line.number, line.start + cut, line.text[cut:]))
        if len(items) < 2:
            return
        if run_on:
            self.run_on[line.start] = (heading, None)
        self.lines[i:i + 1] = [Line(line.number, line.start, line.text[:cut].rstrip()), *items]

    def _opens_paragraph(self, i: int, prev: str) -> bool:
        """In a UN-style text an unnumbered paragraph opens with a capital after a blank line,
        a finished sentence, or a preambular paragraph (which ends with a comma)."""
        line = self.lines[i]
        before = self.lines[i - 1].text if i > 0 else ""
        return starts_upper(line.text) and (not before.strip() or (prev or before).rstrip().endswith((".", ";", ":", ",")))

    def _after_footnotes(self, i: int) -> int:
        """The index after a footnote block: the rule, then lines up to the next blank one."""
        i += 1
        while i < len(self.lines) and self.lines[i].text.strip():
            i += 1
        return i

    # -------------------------------------------------------------- UN-style paragraphs
    def _numbered_paragraph(self, line: Line) -> tuple[str, Verb, int, int] | None:
        """A numbered paragraph that opens with its own verb ("23. Requests the
        Secretary-General …"), as UN resolutions are written: (label, verb, where the verb
        phrase starts, where the text after it starts)."""
        m = LABEL_RX.match(line.text)
        if not m:
            return None
        raw = raw_label(m)
        if not raw.isdigit():
            return None
        after = line.text[m.end():]
        if after[:1] in " \t" or not starts_upper(after):
            return None
        start = line.start + m.end()
        vm = match_heading(self.lex, after)
        if vm is not None:
            if vm.rest and vm.rest[0] not in " \t,:;.":
                return None
            if vm.verb.operative:
                self.paragraph_style = True
                return raw, vm.verb, start, start + vm.verb_end
            return None
        first_person = self.lex.first_person_verb(after)
        if first_person is not None:  # a paragraph of an annexed declaration: "Recognize that …"
            return raw, first_person[0], start, start + first_person[1]
        unknown = _UNKNOWN_VERB_RX.match(after)
        if unknown is None or not any(s.verb.operative for s in self.result.sections[-1:]):
            return None
        verb = self._unknown_verb(unknown.group("verb"), line.number)
        return raw, verb, start, start + unknown.end("verb")

    def _unknown_verb(self, word: str, line: int) -> Verb:
        """A verb the lexicon does not know opens its own section, as a declaratory one (it
        places no duty until an analyst says otherwise), with a warning."""
        notation = "unknown-" + re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
        self.result.warnings.append(ParseWarning(
            line, "unknown-verb", f"'{word}' opens a paragraph but is not a verb the lexicon knows; "
            "read as declaratory (no obligation): add it to ontology/verbs.ttl or correct the clause"))
        return Verb(iri=f"{VERB_NS}{notation}", label=word.lower(), notation=notation, operative=True, strength=None,
                    labels=(word.lower(),), declaratory=True)

    def _paragraph_end(self, i: int) -> int:
        """Where the paragraph that starts on line i ends: at a blank line, a labelled line,
        or a line that starts a new sentence after one that ended."""
        end = self.lines[i].end
        j = i + 1
        while j < len(self.lines):
            nxt = self.lines[j]
            prev = self.lines[j - 1].text
            if (not nxt.text.strip() or LABEL_RX.match(nxt.text)
                    or (prev.rstrip().endswith((".", ";", ":")) and nxt.text.lstrip()[:1].isupper())):
                break
            end = nxt.end
            j += 1
        return end

    def _open_paragraph_section(self, i: int, raw: str, verb: Verb, verb_start: int, verb_end: int) -> tuple[Section, Item]:
        line = self.lines[i]
        body = self.text[verb_end : self._paragraph_end(i)]
        heading_end = verb_end
        if not body.lstrip(" ,").lower().startswith("that "):
            action = match_first(self.lex.pattern("inline-action"), body[:400])
            if action is not None:
                heading_end = verb_end + action.start()
            elif body.rstrip().endswith(":") and "\n" not in body.strip() and len(body) < 300:
                heading_end = verb_end + len(body.rstrip()) - 1
        section = Section(verb, verb_start, rstrip_end(self.text, verb_start, heading_end), verb_end, line.number)
        self.result.sections.append(section)
        item = Item(raw, verb_start, rstrip_end(self.text, verb_start, line.end), line.number, style="num", value=int(raw))
        section.items.append(item)
        return section, item

    def _open_section(self, i: int, verb: Verb, verb_end: int, action: int | None = None) -> tuple[int, Section, Item | None]:
        line = self.lines[i]
        end = line.end
        rest = self.text[verb_end:end]
        inline: Item | None = None
        if action is not None:  # a run-on heading's action, found when the line was split
            end = action
        elif rest.strip().lower().startswith("that "):
            end = verb_end
        elif verb.operative and TERMINAL_RX.search(rest):
            m = match_first(self.lex.pattern("inline-action"), rest)
            if m:
                end = verb_end + m.start()
            elif (plain := plain_verb(self.lex, self.text[line.start:verb_end])) is not None:
                # "resolves to encourage the dissemination …;": the verb's own "to" opens the paragraph
                verb, verb_end, end = plain[0].verb, line.start + plain[0].verb_end, line.start + plain[1]
        # a heading wrapped over several lines ends with an open word ("... Directors of")
        j = i + 1
        while end == line.end and match_first(self.lex.pattern("open-end"), self.text[line.start:end]) and j < len(self.lines):
            nxt = self.lines[j]
            if not nxt.text.strip() or LABEL_RX.match(nxt.text) or match_first(self.lex.pattern("paragraph-start"), nxt.text):
                break
            if self.paragraph_style and starts_upper(nxt.text) and self._heading(nxt) is not None:
                break  # the next UN paragraph ("Recalling also …") after one that ends with a comma
            line = nxt
            end = nxt.end
            j += 1
        heading_start = self.lines[i].start + (len(self.lines[i].text) - len(self.lines[i].text.lstrip()))
        heading_end = rstrip_end(self.text, heading_start, end)
        section = Section(verb, heading_start, heading_end, verb_end, self.lines[i].number)
        self.result.sections.append(section)
        if end < line.end:  # inline paragraph after the heading on the same line
            start = skip_space(self.text, end, line.end)
            inline = Item("", start, rstrip_end(self.text, start, line.end), line.number)
            section.items.append(inline)
        return j, section, inline

    def _next_label(self, line: Line, m: re.Match[str]) -> str | None:
        """The label of the next labelled line, when it is written the same way ("(b)" after "(2)")."""
        after = self.lines[self.lines.index(line) + 1:] if line in self.lines else []
        nxt = next((n for ln in after if (n := LABEL_RX.match(ln.text))), None)
        same = nxt is not None and [k for k, v in nxt.groupdict().items() if v] == [k for k, v in m.groupdict().items() if v]
        return raw_label(nxt) if nxt is not None and same else None

    def _body_line(self, line: Line, section: Section, nesting: Nesting, current: Item | None, prev: str) -> Item:
        m = LABEL_RX.match(line.text)
        if m:
            raw = raw_label(m)
            placed = nesting.place(raw)
            if placed is None and (guess := misread_first(raw, self._next_label(line, m), nesting)) is not None:
                self.result.warnings.append(ParseWarning(line.number, "guessed-label", (
                    f"the label {raw!r} follows no label before it and the next one is the second of a list: "
                    f"read as {guess!r} (a misprint or misreading)")))
                raw, placed = guess, nesting.place(guess)
            if placed is not None:
                depth, style, value = placed
                start = line.start + m.end()
                if raw in BULLETS:  # unlabelled bullets are numbered in order: "-1", "-2"
                    raw = f"-{value}"
                    self.result.warnings.append(ParseWarning(line.number, "guessed-label",
                                                             f"a bullet item is numbered {raw} by its position"))
                series = nesting.series(depth, style, value)  # "a)" again after "b)": a list of its own, "a-2"
                label = (raw if style.startswith("dotted") else own_label(raw)) + (f"-{series + 1}" if series else "")
                if series and value == 1:
                    self.result.warnings.append(ParseWarning(line.number, "guessed-label", f"the list starts again: {label}"))
                item = Item(label, start, rstrip_end(self.text, start, line.end), line.number, style=style, value=value, series=series)
                if depth == 0 and section.items and not section.items[-1].style and section.intro is None:
                    # an unnumbered paragraph before the first item is the section's lead-in
                    section.intro = section.items.pop()
                nesting.push(depth, item)
                if item.parent is None:
                    section.items.append(item)
                else:
                    item.parent.children.append(item)
                return item
        starts_new = current is None or (
            not current.style and ends_paragraph(prev) and match_first(self.lex.pattern("paragraph-start"), line.text)
        )
        if starts_new:
            start = skip_space(self.text, line.start, line.end)
            item = Item("", start, rstrip_end(self.text, start, line.end), line.number)
            section.items.append(item)
            return item
        assert current is not None
        current.end = rstrip_end(self.text, current.start, line.end)
        return current


def parse_resolution(text: str, lexicon: Lexicon, path: str = "<text>") -> ParsedText:
    """Parse a resolution text. Raises InputError when no operative section is found."""
    if not text.strip():
        raise InputError("the file is empty: expected the text of a resolution", path=path)
    parser = _Parser(text, lexicon, path)
    first = parser.title_block()
    parser.result.body_line = parser.lines[first].number if first < len(parser.lines) else len(parser.lines)
    parser.body(first)
    result = parser.result
    if not any(s.verb.operative for s in result.sections):
        if result.sections:
            last = result.sections[-1]
            raise InputError(
                "no operative section found (a heading such as 'resolves', 'instructs ...' or "
                "'invites ...'); the text ends after its preamble",
                path=path,
                line=last.line,
            )
        raise InputError(
            "no resolution structure found: expected section headings such as 'considering' "
            "and 'resolves' on lines of their own",
            path=path,
            line=parser.result.body_line,
        )
    return result

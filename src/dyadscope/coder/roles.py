"""Who did it to whom: the source and target country of a typed event, learned.

Every country the document has named up to and including the sentence is a candidate for
each role; a logistic model scores each candidate from where and how the sentence names it
(order, dependency role, before or after the main verb, sector), how present it is in the
document (rank, sentences since last named), and what the parse-based candidate coder
made of it (source or target of a candidate event, of the same type or another). The best
candidate wins. A country named only earlier in the document is how "he said" gets its
country: the model learns when that is right.

Then the words: which mention of the sentence stands for each side. The candidates are the
mentions of the chosen country and the mentions of a sector that name no country
("militants", "security forces", "Gen. Charles Brown"), which then take the chosen country;
a second pair of logistic scorers (``actor_features``) picks one, taught by the gold actors'
words. Without a candidate, or with a model trained before these scorers existed,
``actor_for``'s order applies.
"""

from __future__ import annotations

from dataclasses import replace

from ..actors import country_name
from ..actors.words import _LOCATIVE
from ..models import ActorRef
from .candidates.actors import _UTTERANCE_NOUNS
from .candidates.modality import _REPORTING as REPORTING
from .features import SentenceInput, lexicon_types

ROLES = ("source", "target")


def _head(s: SentenceInput, start: int, end: int) -> int | None:
    """The token heading the mention at ``start``-``end`` (offsets within the sentence), or
    None when the sentence was not parsed."""
    toks = s.tokens
    base = toks[0].start if toks else 0
    inside = [k for k, t in enumerate(toks) if start <= t.start - base < end]
    if not inside:
        return None
    span = set(inside)
    return next((k for k in inside if toks[k].head not in span or toks[k].head == k), inside[-1])


def mention_info(s: SentenceInput) -> dict[str, dict]:
    """For each country the sentence names: order of first mention, its head's dependency,
    whether it stands before the main verb, its sector, how often it is named."""
    toks = s.tokens
    root = next((k for k, t in enumerate(toks) if t.dep == "ROOT"), None)
    info: dict[str, dict] = {}
    for start, end, _text, ref in sorted(s.mentions, key=lambda m: m[0]):
        c = ref.country
        if not c:
            continue
        if c in info:
            info[c]["n"] += 1
            continue
        dep, before, gov = "NP", None, ("none", ())
        head = _head(s, start, end)
        if head is not None:
            dep = toks[head].dep
            before = None if root is None else head < root
            gov = governor(toks, head)
        info[c] = {"order": len(info), "dep": dep, "before": before, "sector": ref.sector or "NONE",
                   "n": 1, "ref": ref, "gov": gov}
    return info


def governor(toks, k: int, steps: int = 4) -> tuple[str, tuple[str, ...]]:
    """How the phrase headed by token ``k`` hangs on the nearest word above it that the CAMEO
    lexicon gives an event type (a verb or an event noun): the relation (its dependency, or
    ``prep_<word>`` through a preposition) and that word's own PLOVER types (its dictionary
    block's or the noun's; the types of its patterns are too many to tell anything). ``("none", ())``
    when no such word is within ``steps`` heads."""
    rel, j = toks[k].dep, k
    for _ in range(steps):
        h = toks[j].head
        if h == j or not 0 <= h < len(toks):
            break
        if toks[j].dep == "pobj" and toks[h].dep in ("prep", "agent"):
            rel = "agent" if toks[h].dep == "agent" else f"prep_{toks[h].lemma.lower()}"
            j = h
            continue
        found = lexicon_types(toks[h].lemma.lower(), toks[h].text, toks[h].pos)
        if found:  # the word's own type (dictionary block or event noun), not its patterns'
            return rel, tuple(sorted({t.split("|", 1)[1] for t in found if not t.startswith("vp|")}))
        if toks[j].dep in ("compound", "appos", "conj"):  # part of a larger phrase: its relation counts
            rel = toks[h].dep
        j = h
    return "none", ()


def candidate_countries(s: SentenceInput) -> list[str]:
    """Countries named in the document so far, this sentence included."""
    return list(s.story_countries)


def distinct_candidates(s: SentenceInput, info: dict, ranks: dict[str, int],
                        source: set[str] | frozenset = frozenset()) -> list[str]:
    """``candidate_countries(s)`` less those whose features are bound to equal an earlier
    one's: a country the sentence does not name, ranked fourth or lower in the document,
    in no candidate event and not the source differs from another such country only by
    how recently it was named. The first of each such group scores the same as the rest,
    so the best-scored country of the list (the first, on a tie) is the same. A long
    document names scores of countries; each event then scores a handful."""
    involved = {c for e in s.candidates for c in (e.source.country, e.target.country if e.target else None)}
    kept, seen = [], set()
    for c in s.story_countries:
        if c in info or ranks.get(c, 0) < 3 or c in involved or c in source:
            kept.append(c)
            continue
        since = min(s.last_seen.get(c, 9), 3)
        if since not in seen:
            seen.add(since)
            kept.append(c)
    return kept


def story_ranks(s: SentenceInput) -> dict[str, int]:
    """Each country's rank by how often the document has named it so far (0: most often;
    ties in the order first named)."""
    ranked = sorted(s.story_countries, key=lambda c: -s.story_countries[c])
    return {c: k for k, c in enumerate(ranked)}


def role_features(s: SentenceInput, info: dict, country: str, ptype: str,
                  source: set[str] | frozenset = frozenset(),
                  ranks: dict[str, int] | None = None) -> dict[str, float]:
    """Features of ``country`` as the source or target of a ``ptype`` event; for the target,
    ``source`` holds the source's country (the gold one in training, the chosen one when
    coding), so that the scorer learns when both sides share a country. ``ranks``:
    ``story_ranks(s)``, when the caller scores several countries of one sentence."""
    if ranks is None:
        ranks = story_ranks(s)
    f: dict[str, float] = {}
    if source:
        same = country in source
        f[f"same_as_source={same}"] = 1
        f[f"same_as_source={same}|{ptype}"] = 1
        f[f"same_as_source={same}|countries_here={min(len(info), 2)}"] = 1
    m = info.get(country)
    if m:
        order = min(m["order"], 2)
        f.update({"in": 1, f"order{order}": 1, f"dep={m['dep']}": 1, f"before={m['before']}": 1,
                  f"sector={m['sector']}": 1, f"order{order}|{ptype}": 1, f"dep={m['dep']}|{ptype}": 1,
                  "repeated": float(m["n"] > 1), "only": float(len(info) == 1)})
        # how it hangs on a word the lexicon gives a type, and whether that type is this one
        rel, types = m["gov"]
        match = ptype in types
        f[f"gov={rel}|{match}"] = 1
        f[f"gov={rel}|{match}|{ptype}"] = 1
    else:
        f.update({"out": 1, f"out|{ptype}": 1, f"named_here={min(len(info), 2)}": 1})
    rank = ranks.get(country)
    f[f"rank{min(rank, 3)}" if rank is not None else "rank-"] = 1
    f[f"since{min(s.last_seen.get(country, 9), 3)}"] = 1
    f["top"] = float(rank == 0)
    for e in s.candidates:
        if e.source.country == country:
            f["cand_source"] = 1
            if e.plover == ptype:
                f["cand_source_same"] = 1
        if e.target is not None and e.target.country == country:
            f["cand_target"] = 1
            if e.plover == ptype:
                f["cand_target_same"] = 1
    return f


def actor_for(s: SentenceInput, info: dict, country: str, role: str = "source",
              other: ActorRef | None = None, cand=None) -> ActorRef:
    """The actor to store for a chosen country: the same-type candidate's actor in that
    role, else a named person or organisation of that country in the sentence (candidates'
    actors in that role first), else its first mention, else the document's latest mention
    (context). ``other`` is the event's other side: when both sides share a country (police
    and protesters of one state), a different actor of that country is preferred: one the
    document named earlier when the sentence has no other."""
    def side(e):
        return e.source if role == "source" else e.target

    refs = [side(cand)] if cand is not None else []
    refs += [side(e) for e in s.candidates] + [ref for e in s.candidates for ref in (e.source, e.target)]
    refs += [m[3] for m in sorted(s.mentions, key=lambda m: m[0])]
    named = [ref for ref in refs if ref is not None and ref.country == country
             and (other is None or ref.text != other.text)]
    if named:
        if cand is not None and named[0] is side(cand):
            return named[0]
        return next((ref for ref in named if ref.actor_id), named[0])
    same = [ref for ref in refs if ref is not None and ref.country == country]
    ref = s.context_refs.get(country)
    if same and (other is None or ref is None or ref.text == other.text
                 or (ref.actor_id is not None and ref.actor_id == other.actor_id)):
        return same[0]
    # the sentence names that country only by the other side's words ("Berisha" both
    # acting and acted on): its earlier mention in the document stands for this side
    if ref is not None:
        return ActorRef(text=ref.text, name=ref.name, country=ref.country, sector=ref.sector,
                        actor_id=ref.actor_id, method="context", kind=ref.kind,
                        evidence="named earlier in the document")
    return _country_itself(country)


def with_country_name(ref: ActorRef | None) -> ActorRef | None:
    """A side that is a country itself ("China", "Beijing" for China: no actor, no sector)
    named by the country's name, as a named actor is by its own; others as they are."""
    if ref is None or ref.name or ref.actor_id or ref.sector or not ref.country:
        return ref
    return replace(ref, name=country_name(ref.country))


def _country_itself(country: str) -> ActorRef:
    """A side no words of the sentence name but its country: the country by its name
    ("Ukraine", not the code "UKR")."""
    name = country_name(country)
    return ActorRef(text=name, name=name, country=country, method="context", evidence="the side's country")


# -- the words for a side -----------------------------------------------------------------
def where_it_happened(s: SentenceInput, mention) -> bool:
    """Whether a mention is only a place named as where something happened: a country or
    place name (no sector, no actor of the base) that is the object of a locative
    preposition (``actors.words``' list: "in Lagos", "near Nablus"). Such a place is not a doer nor whom the act was done to."""
    ref = mention[3]
    if ref.sector or ref.actor_id:
        return False
    h = _head(s, mention[0], mention[1])
    if h is None:
        return False
    toks = s.tokens
    j = toks[h].head
    return toks[h].dep == "pobj" and 0 <= j < len(toks) and toks[j].lemma.lower() in _LOCATIVE


def actor_candidates(s: SentenceInput, country: str) -> list[tuple[int, int, str, ActorRef]]:
    """Mentions that may stand for a side of ``country``: those of that country and those of
    a sector naming no country, in sentence order, each span once; places named only as
    where it happened (``where_it_happened``) unless nothing else is left ("the attack in
    Ukraine" with no other Ukrainian mention: then the place is the country's only words)."""
    seen, out = set(), []
    for m in sorted(s.mentions, key=lambda m: (m[0], m[1])):
        ref = m[3]
        if (m[0], m[1]) in seen or not (ref.country == country or (ref.country is None and ref.sector)):
            continue
        seen.add((m[0], m[1]))
        out.append(m)
    return [m for m in out if not where_it_happened(s, m)] or out


def actor_features(s: SentenceInput, mention, h: int | None, k: int, n: int, country: str, ptype: str,
                   role: str, root: int | None = None) -> dict[str, float]:
    """Features of the ``k``-th of ``n`` candidate mentions (headed by token ``h``, see
    ``_head``) standing for ``role`` of a ``ptype`` event of ``country``: whether it names the country or only a sector, its
    sector, whether it names someone, how the parse attaches it (dependency, preposition,
    the event word it hangs on), its entity label, and whether the candidate coder put
    these words on this side or the other."""
    _, _, text, ref = mention
    kind = "country" if ref.country == country else "sector"
    sector = ref.sector or "NONE"
    f: dict[str, float] = {f"kind={kind}": 1, f"sector={sector}": 1, f"kind={kind}|sector={sector}": 1,
                           f"named={bool(ref.actor_id or ref.name)}": 1, f"method={ref.method}": 1,
                           f"order={min(k, 2)}": 1, f"last={k == n - 1}": 1, f"n={min(n, 3)}": 1,
                           f"kind={kind}|{ptype}": 1}
    if h is not None:
        toks = s.tokens
        dep = toks[h].dep
        rel, types = governor(toks, h)
        match = ptype in types
        f.update({f"dep={dep}": 1, f"dep={dep}|{ptype}": 1, f"gov={rel}|{match}": 1,
                  f"gov={rel}|{match}|{ptype}": 1, f"ent={toks[h].ent or 'NONE'}": 1,
                  f"before={None if root is None else h < root}": 1})
        j = toks[h].head
        if dep == "pobj" and 0 <= j < len(toks):
            f[f"prep={toks[j].lemma.lower()}"] = 1
    else:
        f["unparsed"] = 1
    other = "target" if role == "source" else "source"
    for e in s.candidates:
        for side, ref_e in (("same", getattr(e, role)), ("other", getattr(e, other))):
            if ref_e is not None and ref_e.text == text:
                f[f"cand_{side}"] = 1
                if e.plover == ptype:
                    f[f"cand_{side}_type"] = 1
    return f


def actor_rows(s: SentenceInput, country: str, ptype: str, role: str) -> tuple[list, list, list[dict]]:
    """The candidate mentions for a side, the token heading each, and their features
    (``actor_features``)."""
    cands = actor_candidates(s, country)
    heads = [_head(s, m[0], m[1]) for m in cands]
    root = next((k for k, t in enumerate(s.tokens) if t.dep == "ROOT"), None)
    return cands, heads, [actor_features(s, m, h, k, len(cands), country, ptype, role, root)
                          for k, (m, h) in enumerate(zip(cands, heads))]


def _as_side(text: str, ref: ActorRef, country: str, role: str) -> ActorRef:
    """A candidate mention as a side of ``country``: a sector mention takes the country."""
    if ref.country == country:
        return ref
    return ActorRef(text=text, name=ref.name, country=country, sector=ref.sector, actor_id=ref.actor_id,
                    method="inferred", evidence=f"{ref.sector} of the event's {role} country", kind=ref.kind)


def _describes(s: SentenceInput, k: int | None, other: int | None) -> bool:
    """Whether token ``k`` sits inside the phrase headed by token ``other`` as a description
    of it ("Zhao, China's top lawmaker"; "Zhao Leji, chairman of China's parliament"): the
    way up from ``k`` reaches ``other`` through no coordination ("Kim and Zhao") and no verb."""
    toks = s.tokens
    if k is None or other is None:
        return False
    for _ in range(8):
        if k == other:
            return True
        if toks[k].dep in ("conj", "ROOT") or not 0 <= toks[k].head < len(toks):
            return False
        k = toks[k].head
        if k != other and toks[k].pos in ("VERB", "AUX"):
            return False
    return False


# How the one an act is done to hangs on the act's word: the subject of its passive ("three
# soldiers were killed") or its direct object ("he accused the militants").
PATIENT_RELS = ("nsubjpass", "dobj")


def patient(s: SentenceInput, h: int | None, ptype: str) -> bool:
    """Whether the phrase headed by token ``h`` is the patient (``PATIENT_RELS``) of the very
    word it hangs on, and the lexicon gives that word type ``ptype``: the one the act was
    done to, never the one who did it. ("Russian officials accused Ukraine of hiding
    prisoners": the prisoners are hidden, not accused.)"""
    toks = s.tokens
    if h is None:
        return False
    for _ in range(4):  # up through a phrase's parts: "Kim and Zhao", "Zhao, China's lawmaker"
        j = toks[h].head
        if toks[h].dep not in ("compound", "appos", "conj") or not 0 <= j < len(toks) or j == h:
            break
        h = j
    j = toks[h].head
    if toks[h].dep not in PATIENT_RELS or not 0 <= j < len(toks):
        return False
    found = lexicon_types(toks[j].lemma.lower(), toks[j].text, toks[j].pos)
    return any(t.split("|", 1)[1] == ptype for t in found if not t.startswith("vp|"))


def _unnamed() -> ActorRef:
    """A source no words stand for: those the scorer ranked first were whom the act was done
    to (``method`` "patient"; text "", every other field null)."""
    return ActorRef(text="", method="patient", evidence="the words for who acted were whom the act was done to")


def is_person(ref: ActorRef) -> bool:
    """Whether the actor base names this actor as a person (not an organisation, nor a
    place such as the Donetsk People's Republic)."""
    return bool(ref.actor_id) and ref.kind == "person"


def _speaker(s: SentenceInput, h: int | None) -> bool:
    """Whether token ``h`` is, or stands inside the phrase of, the subject of a verb of saying
    ("..., President Zelensky said"; "Kim Jong Un's sister Kim Yo Jong said"): one who
    reports the act, not who did it."""
    toks = s.tokens
    for _ in range(6):
        if h is None or not 0 <= toks[h].head < len(toks):
            return False
        if toks[h].dep in ("nsubj", "nsubjpass"):
            return toks[toks[h].head].lemma.lower() in REPORTING
        if toks[h].dep not in ("poss", "compound", "appos", "nmod", "amod", "pobj", "prep"):
            return False
        h = toks[h].head
    return False


def addressee(s: SentenceInput, h: int | None) -> bool:
    """Whether token ``h`` heads whom a report is told to ("told reporters", "said in a
    statement to media", "conveyed Kim's remarks to Li"). ``pick_actor`` keeps the press
    among them from being a target: the audience of the telling, not a side of the act told.
    Anyone else told may be the one the act is for (the praise conveyed to Li)."""
    toks = s.tokens
    if h is None or not 0 <= toks[h].head < len(toks):
        return False
    j = toks[h].head
    if toks[h].dep in ("dobj", "dative") and toks[j].lemma.lower() in REPORTING:
        return True
    if toks[h].dep == "pobj" and toks[j].lemma.lower() == "to" and 0 <= toks[j].head < len(toks):
        g = toks[toks[j].head].lemma.lower()
        return g in REPORTING or g in _UTTERANCE_NOUNS
    return False


def pick_actor(model, s: SentenceInput, info: dict, country: str, ptype: str, role: str = "source",
               other: ActorRef | None = None, cand=None) -> ActorRef | None:
    """The actor stored for a side of ``country``, among ``actor_candidates``:

    - never the other side's own words, nor a description of them or one they describe
      ("Zhao, China's top lawmaker" when Zhao is the other side);
    - a person the actor base names (``is_person``) when there is one, less those that only
      describe another such person ("Choe Ryong Hae, head of ...") and those who only
      report the act ("..., President Zelensky said"): the same person is then the same
      actor in every report, which is what merges one happening's reports and links a
      story's documents (``stories.py``). Organisations get no such priority: "the
      Treasury Department said" must not make the department the sanctioner;
    - of those left, the one the learned scorer ranks first; a mention naming only a sector
      ("militants", "security forces") takes the side's country. The scorer never declines,
      so "Ruto spoke. He accused the militants" makes the militants the accuser: letting it
      decline (a score under 0.5, or "none of them" as a choice of its own) lost more right
      words than it saved (docs/ACCURACY.md, "Actor words").
    - for the source, never the act's patient ("three soldiers were killed", "he accused the
      militants"): a person who is the patient gets no priority, and where the scorer ranks
      a patient first, the source is left unnamed (``_unnamed``; ``pick_source`` gives the
      patient for the target; docs/ACCURACY.md, "Agentless passives"). Dropping patients
      before scoring made the place ("in Donetsk") the doer instead;
    - for the target, None where the scorer ranks first the press a report is told to ("told
      reporters", ``addressee``), except in a consultation.

    ``actor_for`` where no candidate is left (the country itself where that would put the
    other side's actor on this side too) or the model has no scorer for words (one trained
    before session 15).
    docs/ACCURACY.md, "Actor words", has the measurements behind each step."""
    ref, is_patient = _pick(model, s, info, country, ptype, role, other, cand)
    return _unnamed() if is_patient else ref


def pick_source(model, s: SentenceInput, info: dict, country: str, ptype: str, cand=None
                ) -> tuple[ActorRef, ActorRef | None]:
    """The source's words (``pick_actor``), and, where the words ranked first are the act's
    patient, that patient as the target (else None): the source is then ``_unnamed``."""
    ref, is_patient = _pick(model, s, info, country, ptype, "source", None, cand)
    return (_unnamed(), ref) if is_patient else (ref, None)


def _pick(model, s: SentenceInput, info: dict, country: str, ptype: str, role: str,
          other: ActorRef | None, cand) -> tuple[ActorRef | None, bool]:
    """``pick_actor``'s choice, and whether it is the act's patient (for the source)."""
    if role not in model.actor_w:
        return actor_for(s, info, country, role, other=other, cand=cand), False
    cands, heads, feats = actor_rows(s, country, ptype, role)
    others = [h for h in (_head(s, m[0], m[1]) for m in s.mentions if other is not None and m[2] == other.text)
              if h is not None]

    def other_side(k: int) -> bool:
        ref = cands[k][3]
        if cands[k][2] == other.text or (ref.actor_id is not None and ref.actor_id == other.actor_id):
            return True
        return any(_describes(s, heads[k], o) or _describes(s, o, heads[k]) for o in others)

    keep = [k for k in range(len(cands)) if other is None or not other_side(k)]
    taken = {cands[k][2] for k in range(len(cands)) if k not in keep}  # the other side, its descriptions
    patients = {k for k in keep if role == "source" and patient(s, heads[k], ptype)}
    people = [k for k in keep if is_person(cands[k][3]) and not _speaker(s, heads[k]) and k not in patients]
    if people:
        keep = [k for k in people if not any(
            cands[j][3].actor_id != cands[k][3].actor_id and heads[j] != heads[k] and _describes(s, heads[k], heads[j])
            for j in people)] or people
        # one person named in pieces ("Chinese Foreign Minister Wang", "Yi"): the longest
        longest = {}
        for k in keep:
            aid = cands[k][3].actor_id
            if aid not in longest or len(cands[k][2]) > len(cands[longest[aid]][2]):
                longest[aid] = k
        keep = sorted(longest.values())
    if not keep:
        ref = actor_for(s, info, country, role, other=other, cand=cand)
        if other is not None and (ref.text == other.text or (ref.actor_id and ref.actor_id == other.actor_id)
                                  or ref.text in taken):
            # nobody else of that country in reach: the country itself, never the same actor
            # on both sides ("Zelensky -> Zelensky")
            return _country_itself(country), False
        return ref, False
    scores = model.actor_scores(role, [feats[k] for k in keep])
    best = keep[int(scores.argmax())]
    if role == "target" and ptype != "CONSULT" and cands[best][3].sector == "JRN" and addressee(s, heads[best]):
        return None, False
    _, _, text, ref = cands[best]
    if best in patients:
        return _as_side(text, ref, country, "target"), True
    return _as_side(text, ref, country, role), False

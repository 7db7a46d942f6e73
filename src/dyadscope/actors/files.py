"""User dictionaries: PETRARCH/TABARI ``.actors``/``.agents`` files and YAML (see the
package docstring for the formats)."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .text import LEGACY, SECTORS, _IGO_EU, _IGO_UN, _REL_CODES, fold, norm_phrase, parse_date
from .records import Actor, Role
from .words import _PREPS

if TYPE_CHECKING:
    from .kb import ActorKB


# ----------------------------------------------------------------------------- PETRARCH
_CODE = re.compile(r"\[([^\]]*)\]")
_PHX_DATE = re.compile(r"^(\d{6}|\d{8})$")


def _phx_date(s: str) -> str | None:
    s = s.strip()
    if not _PHX_DATE.match(s):
        return None
    if len(s) == 6:
        yy = int(s[:2])
        s = (f"20{s[:2]}" if yy <= 30 else f"19{s[:2]}") + s[2:]
    mo, d = max(1, min(12, int(s[4:6]))), max(1, min(28 if s[4:6] == "02" else 30, int(s[6:8])))
    if int(s[6:8]) == 31 and mo in (1, 3, 5, 7, 8, 10, 12):
        d = 31
    return f"{s[:4]}-{mo:02d}-{d:02d}"


def split_code(code: str, known_countries: set[str] | None = None) -> tuple[str | None, str | None]:
    """'CHNGOV' -> ('CHN', 'GOV'); 'IGOUNO' -> ('UNO', None); '~MIL' -> (None, 'MIL')."""
    code = code.strip().upper()
    if not code or code == "---":
        return None, None
    if code.startswith("~"):
        rest = code[1:]
        parts = [rest[i:i + 3] for i in range(0, len(rest), 3)]
        for p in parts:
            if p in SECTORS:
                return None, ("REL" if p in _REL_CODES else p)
        return None, (parts[0] if parts else None)
    parts = [code[i:i + 3] for i in range(0, len(code), 3)]
    head, rest = parts[0], parts[1:]
    if head == "IGO":
        if any(p in _IGO_UN for p in rest):
            country = "UNO"
        elif any(p in _IGO_EU for p in rest):
            country = "EUR"
        else:
            country = "IGO"
        sec = next((p for p in rest if p in SECTORS and p not in ("IGO",)), None)
        return country, sec
    if head in ("NGO", "NGM", "MNC", "IMG", "ISM", "ITL"):
        country = next((LEGACY.get(p, p) for p in rest
                        if known_countries and LEGACY.get(p, p) in known_countries), None)
        sec = {"NGO": "NGO", "NGM": "NGO", "MNC": "BUS", "IMG": "REB", "ISM": "REB",
               "ITL": "NGO"}[head]
        if head in ("IMG", "ISM") and any(p == "UAF" for p in rest):
            sec = "UAF"
        return country, sec
    country = LEGACY.get(head, head)
    sec = None
    for p in rest:
        if p in SECTORS:
            sec = "REL" if p in _REL_CODES else p
            break
    return country, sec


def parse_petrarch_actors(path: str | Path):
    """Yield dicts {name, aliases, codes: [(code, start, end)], line} from a .actors file."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    cur = None
    in_comment = False
    for n, raw in enumerate(lines, 1):
        line = raw
        if in_comment:
            if "-->" in line:
                in_comment = False
                line = line.split("-->", 1)[1]
            else:
                continue
        if "<!--" in line:
            before, after = line.split("<!--", 1)
            if "-->" not in after:
                in_comment = True
            line = before
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = [(m.group(1).strip(), n) for m in _CODE.finditer(line)]
        text = _CODE.sub("", line).strip()
        if line[:1] in (" ", "\t") and not text:
            if cur is not None:
                cur["codes"] += [c for c, _ in codes]
            continue
        if text.startswith("+"):
            if cur is not None:
                cur["aliases"] += [a.strip() for a in text[1:].split("+") if a.strip()]
                cur["codes"] += [c for c, _ in codes]
            continue
        if text.startswith("!") or text.startswith("="):
            continue
        if cur is not None:
            yield cur
        cur = {"name": text, "aliases": [], "codes": [c for c, _ in codes], "line": n}
    if cur is not None:
        yield cur


def parse_petr_code(code: str) -> tuple[str, str | None, str | None, str | None]:
    """A PETRARCH code block as (code, kind, date1, date2), spaces allowed anywhere.

    'HOB' -> ('HOB', None, None, None); 'HOB < 950601' -> ('HOB', '<', '1995-06-01', None);
    'HOBELI >20130119' -> kind '>'; 'HOBGOV 19950601 - 19990815' -> kind '-' with both
    dates. A restriction whose dates cannot be read has kind '?' (PETRARCH skips it)."""
    c = code.strip()
    parts = c.split(None, 1)
    head = parts[0] if parts else ""
    rest = parts[1].strip() if len(parts) > 1 else ""
    if not rest:
        return head, None, None, None
    if rest[0] in "<>":
        d = _phx_date(rest[1:].strip())
        return (head, rest[0], d, None) if d else (head, "?", None, None)
    if "-" in rest:
        a, b = rest.split("-", 1)
        d1, d2 = _phx_date(a), _phx_date(b)
        return (head, "-", d1, d2) if d1 and d2 and d1 <= d2 else (head, "?", None, None)
    return head, "?", None, None


def parse_code_dates(code: str) -> tuple[str, str | None, str | None]:
    """'RUSGOV 991231-080507' -> ('RUSGOV', '1999-12-31', '2008-05-07'); '>d', '<d' too."""
    c, kind, d1, d2 = parse_petr_code(code)
    if kind == ">":
        return c, d1, None
    if kind == "<":
        return c, None, d1
    if kind == "-":
        return c, d1, d2
    return c, None, None


def _next_day(iso: str | None) -> str | None:
    if iso is None:
        return None
    return (_dt.date.fromisoformat(iso) + _dt.timedelta(days=1)).isoformat()


_IRREG = {"man": "men", "woman": "women", "person": "people", "child": "children",
          "chief": "chiefs", "staff": "staff", "police": "police", "personnel": "personnel"}


def plural(word: str) -> str:
    w = word
    if w in _IRREG:
        return _IRREG[w]
    if w.endswith("man"):
        return w[:-3] + "men"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    return w + "s"


def _plural_phrase(toks: list[str]) -> list[str] | None:
    """The plural of an agent phrase, or None: the noun before "of" takes the plural
    ("presidents of the country"); a phrase already plural ("vandals") or ending in a
    preposition ("ambassador to") has none of its own."""
    low = [t.lower() for t in toks]
    k = low.index("of") - 1 if "of" in low[1:] else len(toks) - 1
    w = low[k] if k >= 0 else ""
    if not w.isalpha() or w in _PREPS or w in _IRREG.values() or \
            (w.endswith("s") and not w.endswith(("ss", "us", "is"))):
        return None
    return toks[:k] + [plural(w)] + toks[k + 1:]


def parse_petrarch_agents(path: str | Path) -> list[tuple[str, str, int]]:
    """(phrase, sector, line) from a .agents file, expanding !SETS!, {plurals}, plurals."""
    out = []
    for phrase, code, n in parse_petrarch_agent_codes(path):
        _, sector = split_code(code if code.startswith("~") else "~" + code)
        if sector is not None:
            out.append((phrase, sector, n))
    return out


def parse_petrarch_agent_codes(path: str | Path) -> list[tuple[str, str, int]]:
    """(phrase, raw code such as '~GOVFRM' or 'NGO~', line) from a .agents file."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    subs: dict[str, list[str]] = {}
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"<!--.*?-->", "", raw).split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        cm = _CODE.search(line)
        if not cm:
            continue
        code = "".join(cm.group(1).split()).upper()
        if not code.strip("~"):
            continue
        phrase = line[:cm.start()]
        explicit = re.findall(r"\{([^}]*)\}", phrase)
        phrase = re.sub(r"\{[^}]*\}", "", phrase).strip()
        forms = [phrase]
        for key, vals in subs.items():
            if key in phrase:
                forms = [f.replace(key, v) for f in forms for v in vals]
        for f in forms:
            f = f.strip().strip("_")
            if not f or "!" in f:
                continue
            out.append((f, code, n))
            if not explicit:
                pl = _plural_phrase(f.split("_") if "_" in f else f.split())
                if pl:
                    out.append(("_".join(pl), code, n))
        for e in explicit:
            for v in e.split(","):
                if v.strip():
                    out.append((v.strip(), code, n))
    return out


def _is_agents_file(path: Path, head: str) -> bool:
    if path.suffix.lower() == ".agents" or "agents" in path.name.lower():
        return True
    return bool(re.search(r"\[~[A-Z]", head)) and not re.search(r"^\+", head, re.M)


def load_petrarch(kb: ActorKB, path: Path, prio: int = 2) -> None:
    """Load a PETRARCH .actors or .agents file into ``kb`` (codes kept as given)."""
    head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    if _is_agents_file(path, head):
        for phrase, code, _ in parse_petrarch_agent_codes(path):
            _, sector = split_code(code if code.startswith("~") else "~" + code)
            if sector is not None:
                kb.add_agent(phrase, sector, prio)
            kb._add_petr(phrase, "G", code)
        return
    for e in parse_petrarch_actors(path):
        roles = []
        entries = []
        for c in e["codes"]:
            code, kind, d1, d2 = parse_petr_code(c)
            if kind == "?" or not code:
                continue  # an unreadable restriction: PETRARCH skips the line
            entries.append((code, kind, d1, d2))
            # PETRARCH's restrictions are inclusive; a Role's end is exclusive
            start = d1 if kind in (">", "-") else None
            end = _next_day(d1 if kind == "<" else d2 if kind == "-" else None)
            country, sector = split_code(code.split("/")[0],
                                         kb.countries.keys() | {"UNO", "EUR", "IGO"})
            roles.append(Role(sector=sector, start=start, end=end, country=country))
        if not roles:
            continue
        country = roles[0].country
        names = [e["name"], *e["aliases"]]
        name = e["name"].replace("_", " ").strip().title()
        aid = "P:" + re.sub(r"\W+", "_", e["name"].strip("_ ")).upper()
        for n in names:
            kb._add_petr(n, "A", (aid, tuple(entries)))
        if len(roles) == 1 and not (roles[0].start or roles[0].end):
            actor = Actor(aid, name, "org", country, roles[0].sector, [], [],
                          f"{path.name} line {e['line']}")
            if roles[0].sector is None and country and not e["aliases"] and \
                    len(norm_phrase(e["name"])) <= 3:
                kb.add_country(country, names=names, prio=prio)
                continue
        else:
            actor = Actor(aid, name, "person", country, None, roles, [],
                          f"{path.name} line {e['line']}")
        kb.add_actor(actor, prio, names, acronyms=False)  # every PETRARCH name is in capitals


# ----------------------------------------------------------------------------- YAML
_COMPACT_ROLE = re.compile(
    r"^\s*(?P<sec>[A-Z]{3})\s+(?P<office>.*?)\s*"
    r"(?P<start>\d{4}(?:-\d{2}(?:-\d{2})?)?)?\s*\.\.\s*(?P<end>\d{4}(?:-\d{2}(?:-\d{2})?)?)?"
    r"\s*(?:@(?P<country>[A-Z]{3}))?\s*$")


def _iso(v) -> str | None:
    if v in (None, "", "null"):
        return None
    return parse_date(v)


def parse_compact_person(s: str) -> dict:
    """'NAME | CTRY | SEC office START..END [@CTRY]; ... | alias, alias' -> person dict."""
    parts = [p.strip() for p in s.split("|")]
    name, country = parts[0], (parts[1] if len(parts) > 1 else None) or None
    roles = []
    if len(parts) > 2 and parts[2]:
        for r in parts[2].split(";"):
            if not r.strip():
                continue
            m = _COMPACT_ROLE.match(r)
            if not m:
                sec, _, office = r.strip().partition(" ")
                roles.append({"sector": sec, "office": office})
                continue
            roles.append({"sector": m["sec"], "office": m["office"], "start": m["start"],
                          "end": m["end"], "country": m["country"]})
    aliases = [a.strip() for a in parts[3].split(",")] if len(parts) > 3 and parts[3] else []
    return {"name": name, "country": country, "roles": roles, "aliases": aliases}


def person_from_dict(d: dict, source: str) -> Actor:
    roles = [Role(sector=r.get("sector"), office=r.get("office") or "",
                  start=_iso(r.get("start")), end=_iso(r.get("end")),
                  country=r.get("country") or None) for r in d.get("roles") or []]
    aid = d.get("actor_id") or re.sub(r"\W+", "_", fold(d["name"])).strip("_").upper()
    return Actor(aid, d["name"], "person", d.get("country"), d.get("sector"), roles,
                 list(d.get("aliases") or []), d.get("source") or source)


_CODE3 = re.compile(r"^[A-Z]{3}$")
_YAML_KEYS = {"people", "organisations", "organizations", "countries", "agents", "surnames"}


def _check_code(v, what: str, allow_none: bool = True) -> str | None:
    if v in (None, "") and allow_none:
        return None
    if not isinstance(v, str) or not _CODE3.match(v.strip().upper()):
        example = "GOV or MIL" if "sector" in what else "CHN or PHL"
        raise ValueError(f"{what} must be a three-letter code such as {example}, not {v!r}")
    return v.strip().upper()


def _check_person(d) -> dict:
    if not isinstance(d, dict) or not str(d.get("name") or "").strip():
        raise ValueError("needs a name (a mapping with 'name:' or a compact "
                         "'NAME | CTRY | SEC office START..END' string)")
    d = dict(d)
    d["name"] = str(d["name"]).strip()
    d["country"] = _check_code(d.get("country"), "country")
    d["sector"] = _check_code(d.get("sector"), "sector")
    roles = d.get("roles") or []
    if not isinstance(roles, list):
        raise ValueError("roles must be a list")
    checked = []
    for r in roles:
        if not isinstance(r, dict):
            raise ValueError(f"role {r!r} must be a mapping with sector/office/start/end")
        r = dict(r)
        r["sector"] = _check_code(r.get("sector"), "role sector", allow_none=False)
        r["country"] = _check_code(r.get("country"), "role country")
        for k in ("start", "end"):
            v = r.get(k)
            if v not in (None, "", "null") and _iso(v) is None:
                raise ValueError(f"role {k} {v!r} is not a date (use 2021-03-01)")
        if r.get("start") and r.get("end") and _iso(r["start"]) >= _iso(r["end"]):
            raise ValueError(f"role ends ({r['end']}) before it starts ({r['start']})")
        checked.append(r)
    d["roles"] = checked
    als = d.get("aliases") or []
    if isinstance(als, str):
        als = [als]
    d["aliases"] = [str(a) for a in als]
    return d


def load_yaml(kb: ActorKB, path: Path, prio: int = 3) -> None:
    """Load a user YAML dictionary; its entries override built-in ones of the same name.

    Errors raise ValueError naming the file, the section and the entry.
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with sections {sorted(_YAML_KEYS)}")
    unknown = set(data) - _YAML_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; "
                         f"expected {sorted(_YAML_KEYS)}")
    src = f"user: {path.name}"

    def entries(key):
        v = data.get(key) or []
        if not isinstance(v, list):
            raise ValueError(f"{path}: '{key}' must be a list of entries")
        return enumerate(v, 1)

    def fail(key, i, entry, e):
        label = entry.get("name") or entry.get("code") if isinstance(entry, dict) else entry
        return ValueError(f"{path}: {key} entry {i} ({label!r}): {e}")

    for i, c in entries("countries"):
        try:
            if not isinstance(c, dict):
                raise ValueError("must be a mapping with code/names/adjectives/capitals")
            code = _check_code(c.get("code"), "code", allow_none=False)
            lists = {}
            for k in ("names", "adjectives", "capitals", "places"):
                v = c.get(k) or []
                lists[k] = [v] if isinstance(v, str) else [str(x) for x in v]
        except ValueError as e:
            raise fail("countries", i, c, e) from None
        kb.add_country(code, prio=prio, **lists)
    for i, p in entries("people"):
        try:
            d = _check_person(parse_compact_person(p) if isinstance(p, str) else p)
            actor = person_from_dict(d, src)
        except (ValueError, TypeError, KeyError) as e:
            raise fail("people", i, p, e) from None
        kb.add_actor(actor, prio)
    orgs = "organisations" if data.get("organisations") else "organizations"
    for i, o in entries(orgs):
        try:
            if not isinstance(o, dict) or not str(o.get("name") or "").strip():
                raise ValueError("needs a name (a mapping with name/aliases/country/sector)")
            country = _check_code(o.get("country"), "country")
            sector = _check_code(o.get("sector"), "sector")
            als = o.get("aliases") or []
            als = [als] if isinstance(als, str) else [str(a) for a in als]
        except ValueError as e:
            raise fail(orgs, i, o, e) from None
        name = str(o["name"]).strip()
        aid = o.get("actor_id") or "O:" + re.sub(r"\W+", "_", fold(name)).strip("_").upper()
        kb.add_actor(Actor(aid, name, "org", country, sector, [], als,
                           o.get("source") or src), prio)
    agents = data.get("agents") or {}
    if isinstance(agents, list):  # also accept [{phrase: ..., sector: ...}]
        try:
            agents = {a["phrase"]: a["sector"] for a in agents}
        except (TypeError, KeyError):
            raise ValueError(f"{path}: agents must map phrase: SECTOR") from None
    if not isinstance(agents, dict):
        raise ValueError(f"{path}: agents must map phrase: SECTOR")
    for i, (phrase, sector) in enumerate(agents.items(), 1):
        try:
            sector = _check_code(sector, "sector", allow_none=False)
            if not norm_phrase(str(phrase)):
                raise ValueError("empty phrase")
        except ValueError as e:
            raise ValueError(f"{path}: agents entry {i} ({phrase!r}): {e}") from None
        kb.add_agent(str(phrase), sector, prio)
        toks = str(phrase).split()
        if toks and toks[-1].isalpha() and not str(phrase).endswith("s"):
            kb.add_agent(" ".join(toks[:-1] + [plural(toks[-1].lower())]), sector, prio)
    surnames = data.get("surnames") or {}
    if not isinstance(surnames, dict):
        raise ValueError(f"{path}: surnames must map Surname: Full Name")
    for sn, target in surnames.items():
        name, ctx = (target, None) if isinstance(target, str) else \
            ((target or {}).get("name"), (target or {}).get("context"))
        idx = _find_person(kb, str(name or ""))
        if idx is None:
            raise ValueError(f"{path}: surnames entry {sn!r}: no person named {name!r}")
        kb.add_surname(str(sn), kb.actors[idx].actor_id, _check_code(ctx, "context"), prio)


def _find_person(kb: ActorKB, name: str) -> int | None:
    node = kb.trie
    for t in norm_phrase(name):
        node = node.get(t)
        if node is None:
            return None
    xs = [it[1] for _, it in node.get(None) or [] if it[0] == "X"
          and kb.actors[it[1]].kind == "person"]
    return xs[-1] if xs else None

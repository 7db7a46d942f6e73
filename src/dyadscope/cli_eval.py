"""``dyadscope eval`` (scores on outside gold data, docs/ACCURACY.md) and ``dyadscope
train`` (the event model), registered on the ``cli`` group.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import main, needs_model


# -- evaluation ---------------------------------------------------------------------
@main.group("eval")
def evaluate():
    """Score the coder and the resolver on outside gold data (see docs/ACCURACY.md)."""


def _require(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        click.echo(f"skipped: {path} not found (the gold data lives in ../shared/gold)")
        sys.exit(0)
    return p


@evaluate.command("plover")
@click.argument("path")
@needs_model
def eval_plover(path):
    """PLOVER type recall, extra rate and actor countries on a PLOVER gold JSON file."""
    from .coder.model import default_model
    from .evaluate.plover import coder_fn, format_report, in_sample_note, score_plover

    click.echo(format_report(score_plover(_require(path), coder_fn())))
    note = in_sample_note(path, default_model().meta)
    if note:
        click.echo(note)


@evaluate.command("actors")
@click.argument("path")
def eval_actors(path):
    """Share of actor-resolution cases fully right on a JSONL gold file."""
    from .evaluate.actors import format_report, score_actors

    click.echo(format_report(score_actors(_require(path)), max_failures=0))


@evaluate.command("petr")
@click.argument("directory")
def eval_petr(directory):
    """PETRARCH unit cases: full codings found, with the cases' own dictionaries loaded."""
    from .evaluate.petr import format_report, score_petr

    click.echo(format_report(score_petr(_require(directory))))


@evaluate.command("voa")
@click.argument("directory")
@click.option("--cv", "folds", type=click.IntRange(min=0), default=0, metavar="K",
              help="Also cross-validate: retrain K times, grouped by story, and score the held-out "
                   "folds (needs the train extra; several minutes).")
@needs_model
def eval_voa(directory, folds):
    """Type and strict F1 on sentence-annotated news (gold/voa), with the README's rule.

    The shipped model was trained on the VOA development stories, so its score there is
    in-sample and labelled so; --cv K gives the honest, cross-validated figure."""
    from .annotations import read_folder
    from .api import code_many
    from .coder.model import MODEL_DIR, default_model, model_dir
    from .evaluate import voa

    folder = _require(directory)
    try:
        data = read_folder(folder)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for problem in data.problems:
        click.echo(str(problem), err=True)
    gold, stories = data.gold, data.stories
    meta = default_model().meta
    trained_on = {*meta.get("stories", []), *(meta.get("extra_stories") or {}).get("stories", [])}
    overlap = sum(1 for s in stories if str(s["id"]) in trained_on)
    items = [(x["id"], x["text"], x["date"]) for x in voa.coder_inputs(stories)]
    outputs = {str(r["id"]): r["events"] for r in code_many(items)}
    shown = "VOA gold" if folder.name == "voa" else str(folder)
    which = "shipped model" if model_dir().resolve() == MODEL_DIR.resolve() else f"model in {model_dir()}"
    label = f"{shown}, {which}"
    if overlap:
        label += f" (IN-SAMPLE: trained on {overlap} of these {len(stories)} stories)"
    click.echo(voa.format_report(voa.score(outputs, gold), title=label))
    if folds:
        from .coder import train

        click.echo(f"cross-validating ({folds} folds grouped by story) ...")
        vectors = default_model().vectors  # the recipe of the model in use
        docs = train.collect(data, vectors=vectors)
        try:
            result, _ = train.cross_validate(docs, gold, folds, log=click.echo, vectors=vectors,
                                             extra=_recipe_extra(folder, vectors, scored_ids=gold))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(voa.format_report(result, title=f"{shown}, {folds}-fold cross-validated"))
    if data.left_out:
        click.echo(f"{data.left_out} stories were left out (see above); the rest was scored", err=True)
        sys.exit(1)


def _recipe_extra(folder: Path, vectors: str, scored_ids=()) -> list:
    """The extra training data of the model in use, so that --cv re-measures its recipe: the
    stories it learned from and was never scored on (``train --extra``; looked for as given,
    then in this checkout), and the PLOVER gold file (looked for beside the VOA folder)."""
    from .annotations import read_folder
    from .coder import train
    from .coder.model import default_model

    meta = default_model().meta
    extra: list = []
    written = meta.get("extra_stories") or {}
    trained = set(written.get("stories", []))
    scored = set(scored_ids)
    for name in written.get("folders", []):
        # the checkout's folder first (make train stores it relative to the checkout)
        path = next((p for p in (CHECKOUT / name, Path(name)) if p.is_dir()), None)
        if path is None:
            click.echo(f"note: the model was also trained on the stories in {name}, not found here "
                       "(they sit in a checkout of the project); cross-validating without them")
            continue
        data = read_folder(path)
        for problem in data.problems:
            click.echo(str(problem), err=True)
        docs = [d for d in train.collect(data, vectors=vectors) if d.story in trained and d.story not in scored]
        for d in docs:
            d.weight = written.get("weight", 1.0)
        missing = len(trained & set(data.gold)) - len(docs)
        click.echo(f"with {len(docs)} stories of {path} in every training fold (never scored), as the model "
                   f"was trained" + (f"; {missing} of them left out, being scored here or unreadable" if missing else "")
                   + ("" if trained <= set(data.gold) else
                      f"; {len(trained - set(data.gold))} the model was trained on are not in that folder"))
        extra += docs
    name = (meta.get("extra") or {}).get("file")
    if not name:
        return extra
    path = folder.parent / name
    if not path.is_file():
        click.echo(f"note: the model was also trained on {name}, not found at {path}; "
                   "cross-validating without it")
        return extra
    click.echo(f"with the {name} sentences in every training fold, as the model was trained")
    return extra + train.collect_plover(path, vectors=vectors)


CHECKOUT = Path(__file__).resolve().parents[2]  # the project's checkout, when run from one
WRITTEN = "tools/annotations/written"  # the shipped recipe's --extra stories, in a checkout
VOA_GOLD = "../shared/gold/voa"


@main.command()
@click.argument("gold_dirs", nargs=-1, metavar="[GOLD_DIR]...")
@click.option("--out", default=None, metavar="DIR",
              help="Where to write model.json and model.npz (the package's data/coder when training "
                   "on one folder laid out as the VOA gold, stories_dev.jsonl; required otherwise).")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Cross-validation folds, grouped by story.")
@click.option("--no-eval", is_flag=True, help="Fit the model only; skip the cross-validation.")
@click.option("--plover", "plover_file", default=None, metavar="FILE",
              help="Also train on a PLOVER gold-standard file (plover_gsr_dev.json, CC BY-SA 4.0: the "
                   "model is then shared under that licence) and cross-validate over its sentences.")
@click.option("--extra", "extra_dirs", multiple=True, metavar="DIR",
              help="Annotation folder whose stories are learned from in every fold and never scored "
                   "nor used to choose a threshold (stories written for the purpose, "
                   "tools/annotations/written). Repeatable.")
@click.option("--extra-weight", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Weight of an --extra story's sentences in the typer.")
@click.option("--vectors", type=click.Choice(["static", "minilm"]), default="static", show_default=True,
              help="Sentence vectors: static MiniLM word-piece vectors (fast), or MiniLM run on every "
                   "sentence (better recall, ingest ~3x slower; docs/ACCURACY.md).")
def train(gold_dirs, out, folds, no_eval, extra_dirs, extra_weight, vectors, plover_file):
    """Train the event model on annotated stories and report cross-validated figures.

    Each GOLD_DIR is laid out like gold/voa (stories_dev.jsonl + gold_dev.jsonl, or
    stories.jsonl + gold.jsonl: docs/ANNOTATING.md); their stories are pooled, so
    `dyadscope train ../shared/gold/voa my-annotations/` adds yours to the VOA stories.
    Default: ../shared/gold/voa."""
    from .annotations import PAIRS, annotation_files, is_annotation_folder
    from .coder import train as trainer
    from .coder.model import MODEL_DIR

    if plover_file and not Path(plover_file).is_file():
        raise click.BadParameter(f"{plover_file}: no such file", param_hint="--plover")
    gold_dirs = gold_dirs or (VOA_GOLD,)
    if [Path(f).resolve() for f in gold_dirs] == [Path(VOA_GOLD).resolve()] and not is_annotation_folder(VOA_GOLD):
        # `make train` on a checkout without ../shared (CI, a user's machine): not an error
        click.echo(f"skipped: no annotated stories in {VOA_GOLD} (the VOA gold sits beside a checkout "
                   "of the project, in ../shared/gold/voa)")
        sys.exit(0)
    files = []
    for folder in (*gold_dirs, *extra_dirs):
        if not Path(folder).is_dir():
            hint = (" (the VOA gold sits beside a checkout of the project: run from the checkout, or give "
                    "its full path)" if Path(folder).name == "voa" else "")
            raise click.BadParameter(f"{folder}: no such folder{hint}",
                                     param_hint="--extra" if folder in extra_dirs else "GOLD_DIR")
        try:
            files.append(annotation_files(folder))
        except (FileNotFoundError, ValueError) as exc:
            raise click.BadParameter(str(exc), param_hint="--extra" if folder in extra_dirs else "GOLD_DIR") from exc
    both = {Path(f).resolve() for f in gold_dirs} & {Path(f).resolve() for f in extra_dirs}
    if both:
        raise click.BadParameter(f"{sorted(both)[0]} is given both as GOLD_DIR and --extra: its stories are "
                                 "either scored or only learned from", param_hint="--extra")
    # the project's own written stories (tools/annotations/written and the rounds beside it)
    shipped_extra = all(Path(f).resolve().parent == (CHECKOUT / WRITTEN).resolve().parent for f in extra_dirs)
    voa_alone = len(gold_dirs) == 1 and files[0][0].name == PAIRS[0][0] and shipped_extra
    if out is None and not voa_alone:
        # the package's model is the VOA recipe's; a model of other stories goes elsewhere
        raise click.BadParameter("trained on other stories than the VOA gold's, the model needs a folder "
                                 "of its own: --out DIR (then DYADSCOPE_MODEL=DIR)", param_hint="--out")
    try:
        model = trainer.train([Path(f) for f in gold_dirs], out or MODEL_DIR, folds=folds, evaluate=not no_eval,
                              log=click.echo, vectors=vectors, plover_file=plover_file,
                              extra_folders=[Path(f) for f in extra_dirs], extra_weight=extra_weight)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    left_out = model.meta.get("stories_left_out", 0)
    if left_out:
        total = left_out + len(model.meta["stories"]) + len((model.meta.get("extra_stories") or {}).get("stories", []))
        click.echo(f"{left_out} of {total} stories were left out (see above); "
                   "the model was trained on the rest", err=True)
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", required=True, metavar="DIR",
              help="New folder for stories.jsonl and gold.jsonl (existing annotations are never overwritten).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "jsonl"]), default=None,
              help="Read every input as this format (default: by file extension; stdin is JSONL).")
@click.option("--date-field", metavar="NAME", default=None,
              help="JSONL: the field holding each article's publication date (default: published).")
def annotate(paths, out, fmt, date_field):
    """Start annotating your own stories: write them in the gold layout, one line per
    sentence with no events, for annotators to fill in (docs/ANNOTATING.md).

    PATHS are read as ingest reads them (files, folders, JSONL, - for stdin). Then add
    the folder to the VOA stories: dyadscope train ../shared/gold/voa DIR --out MODEL_DIR"""
    from .annotations import PAIRS, write_template
    from .models import RawDoc
    from .read import env_max_bytes, iter_inputs

    folder = Path(out)
    docs, problems, seen = [], 0, set()
    for item in iter_inputs(paths, fmt=fmt, max_bytes=env_max_bytes(), date_field=date_field):
        if not isinstance(item, RawDoc):
            click.echo(str(item), err=True)
            problems += item.fatal
            continue
        if item.doc_id in seen:
            click.echo(f"{item.path}: the same text as an earlier document: left out", err=True)
            continue
        seen.add(item.doc_id)
        docs.append(item)
    if not docs:
        raise click.ClickException("no document read: nothing written")
    try:
        n_stories, n_sents = write_template(folder, docs)
    except (FileExistsError, NotADirectoryError) as exc:
        raise click.ClickException(str(exc)) from exc
    voa = VOA_GOLD if Path(VOA_GOLD).is_dir() else "VOA_GOLD_DIR"  # ../shared/gold/voa beside a checkout
    click.echo(f"wrote {n_stories} stories, {n_sents} sentences to {folder}: fill in each sentence's "
               f"events in {PAIRS[1][1]} (docs/ANNOTATING.md), then: "
               f"dyadscope train {voa} {folder} --out MODEL_DIR")
    if problems:
        sys.exit(1)


@evaluate.command("repair")
@click.argument("gold_dir", default="../shared/gold")
@click.option("--seed", type=int, default=None, help="Planting and spinning seed (default: the one thresholds were chosen with).")
def eval_repair(gold_dir, seed):
    """Glue repair precision/recall and spin AUC on planted VOA stories (gold/voa); thresholds
    were chosen on the tuning half, the test half is the reported figure."""
    from .evaluate import repair

    folder = Path(gold_dir) / "voa"
    if not (folder / "stories_dev.jsonl").exists():
        click.echo(f"skipped: no voa/stories_dev.jsonl in {gold_dir} (the VOA stories live in ../shared/gold/voa)")
        return
    click.echo(repair.format_report(repair.score(folder, repair.SEED if seed is None else seed)))


@evaluate.command("all")
@click.argument("gold_dir")
@click.pass_context
def eval_all(ctx, gold_dir):
    """All evaluations on a gold folder laid out like ../shared/gold."""
    gold = _require(gold_dir)
    if (gold / "voa").exists():
        ctx.invoke(eval_voa, directory=str(gold / "voa"), folds=0)
    ctx.invoke(eval_plover, path=str(gold / "plover_gsr_dev.json"))
    ctx.invoke(eval_actors, path=str(gold / "actors_dev.jsonl"))
    ctx.invoke(eval_petr, directory=str(gold / "petr_unittest"))
    ctx.invoke(eval_repair, gold_dir=str(gold), seed=None)

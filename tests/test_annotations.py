"""Annotation folders: reading them with checks, pooling several for training, templates."""

from __future__ import annotations

import copy
import json
import re

import pytest
from click.testing import CliRunner

from dyadscope.annotations import read_folder, template
from dyadscope.cli import main
from dyadscope.evaluate import voa
from dyadscope.models import RawDoc

ATTACK = "Russian troops shelled villages in Ukraine on Monday."
ACCUSE = "Ukraine accused Russia of war crimes."
FILLER = "The French economy grew by two percent."


def _event(ptype, src, tgt):
    return {"type": ptype, "source": [{"text": "x", "country": src}], "target": [{"text": "y", "country": tgt}],
            "modality": "asserted"}


def write_folder(folder, stories, *, dev=False):
    """``stories``: {id: [(sentence, [events])]}; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    s_lines, g_lines = [], []
    for sid, sents in stories.items():
        text = " ".join(t for t, _ in sents)
        s_lines.append(json.dumps({"id": sid, "text": text, "published": "2024-05-06"}))
        pos = 0
        for i, (t, events) in enumerate(sents):
            start = text.index(t, pos)
            g_lines.append(json.dumps({"story": sid, "i": i, "start": start, "end": start + len(t), "text": t,
                                       "events": events}))
            pos = start + len(t)
    suffix = "_dev" if dev else ""
    (folder / f"stories{suffix}.jsonl").write_text("\n".join(s_lines) + "\n", encoding="utf-8")
    (folder / f"gold{suffix}.jsonl").write_text("\n".join(g_lines) + "\n", encoding="utf-8")
    return folder


def test_a_good_folder_reads_whole_with_its_sentences_in_order(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")]), (FILLER, [])]})
    got = read_folder(folder)
    assert got.problems == []
    assert [s["id"] for s in got.stories] == ["a"]
    assert [g["text"] for g in got.gold["a"]] == [ATTACK, FILLER]
    # the scorer's loaders read the same layout (stories.jsonl / gold.jsonl)
    assert voa.load_gold(folder) == got.gold
    assert [s["id"] for s in voa.load_stories(folder)] == ["a"]


def test_a_bad_gold_line_leaves_its_story_out_names_the_line_and_keeps_the_others(tmp_path):
    folder = write_folder(tmp_path / "mine", {
        "a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])],
        "b": [(ACCUSE, [_event("ACCUSE", "UKR", "RUS")]), (FILLER, [])],
        "c": [(FILLER, [])]})
    lines = (folder / "gold.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace('"ACCUSE"', '"BLAME"')  # b's first sentence
    lines[3] = "{not json"  # c's only sentence
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n")
    got = read_folder(folder)
    assert [s["id"] for s in got.stories] == ["a"]
    said = [str(p) for p in got.problems]
    assert any(p.startswith(f"{folder / 'gold.jsonl'}:2:") and "'BLAME' is not one of the 16 PLOVER types" in p
               and "story b left out" in p for p in said)
    assert any(":4: not valid JSON" in p for p in said)
    # a story whose lines are gone is reported once more, as not annotated
    assert any("story c has no lines in gold.jsonl" in p for p in said)


@pytest.mark.parametrize("event, why", [
    ({"type": "ASSAULT", "modality": "maybe", "source": [], "target": []}, "modality 'maybe'"),
    ({"type": "ASSAULT", "source": [{"country": "Russia"}], "target": []}, "not an ISO 3166 alpha-3 code"),
    ({"type": "ASSAULT", "source": [{"country": "RUS"}], "target": [{"country": "ZZZ"}]},
     "target country 'ZZZ' is no code dyadscope knows"),
    ({"type": "ASSAULT", "source": [], "target": "UKR"}, "'target' is not a list"),
    ({"type": "ASSAULT", "target": []}, "'source' is not a list"),  # training reads both sides
    ({"type": "ASSAULT", "source": [{"text": 7}], "target": []}, "source 'text' is not a string"),
    ("ASSAULT", "event 1 is not a JSON object"),
])
def test_malformed_events_are_named(tmp_path, event, why):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [event])]})
    got = read_folder(folder)
    assert got.stories == [] and why in str(got.problems[0])


def test_an_unannotated_story_and_a_repeated_id_are_left_out(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [])]})
    with (folder / "stories.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "a", "text": "again"}) + "\n")
        fh.write(json.dumps({"id": "z", "text": "Never annotated."}) + "\n")
        fh.write(json.dumps({"text": "no id"}) + "\n")
    with (folder / "stories.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "b", "text": FILLER}) + "\n")
    with (folder / "gold.jsonl").open("a") as fh:
        fh.write(json.dumps({"story": "b", "i": 0, "text": FILLER, "events": []}) + "\n")
    got = read_folder(folder)
    # which of the two "a" lines the annotations are about cannot be told: neither is used
    assert [s["id"] for s in got.stories] == ["b"]
    said = " | ".join(map(str, got.problems))
    assert "story a again (first on line 1): both left out" in said
    assert "story z has no lines" in said and ":4: no story id" in said


def test_story_ids_must_differ_across_pooled_folders(tmp_path):
    from dyadscope.coder.train import read_folders

    one = write_folder(tmp_path / "one", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]}, dev=True)
    two = write_folder(tmp_path / "two", {"a": [(ACCUSE, [_event("ACCUSE", "UKR", "RUS")])]})
    with pytest.raises(ValueError, match="story a is in both .*one and .*two"):
        read_folders([one, two], log=lambda *a: None)


def _two_folders(tmp_path, n, first, second_name):
    """``n`` stories s0, s1, ... of an attack and an accusation, the first ``first`` in a VOA-layout
    folder and the rest in ``second_name``."""
    acts = [(ATTACK, "ASSAULT", "RUS", "UKR"), (ACCUSE, "ACCUSE", "UKR", "RUS")]
    stories = {f"s{k}": [(acts[k % 2][0], [_event(*acts[k % 2][1:])]), (FILLER, []),
                         (acts[(k + 1) % 2][0], [_event(*acts[(k + 1) % 2][1:])])] for k in range(n)}
    return (write_folder(tmp_path / "voa", dict(list(stories.items())[:first]), dev=True),
            write_folder(tmp_path / second_name, dict(list(stories.items())[first:])))


def test_two_folders_pool_their_stories_into_one_model(tmp_path):
    from dyadscope.coder import train
    from dyadscope.coder.model import CoderModel

    one, two = _two_folders(tmp_path, 6, 3, "mine")
    said = []
    model = train.train([one, two], tmp_path / "model", folds=2, log=said.append)
    assert any(line.startswith("warning: cross-validated type F1") for line in said) == (
        model.meta["cross_validation"]["f1"] < train.WEAK_F1)
    # pooled figures, then each folder's stories scored on their own from the same output
    assert any("the 3 stories of" in line and line.count("\n") > 1 and str(two) in line for line in said)
    again = CoderModel.load(tmp_path / "model")
    assert again.meta["stories"] == [f"s{k}" for k in range(6)]
    # its events say which model coded them; the shipped model's say the coder's version alone
    from dyadscope.coder import CODER_VERSION
    from dyadscope.coder.model import default_model

    assert again.coder_version.startswith(f"{CODER_VERSION} + model model ") and len(again.source) == 14
    assert default_model().coder_version == CODER_VERSION
    from dyadscope import nlp
    from dyadscope.actors import load_kb
    from dyadscope.coder.assemble import code_document

    eager = copy.deepcopy(again)
    eager.threshold = eager.candidate_threshold = 0.0  # so that this small model codes something
    events = code_document(nlp.parse_text(ATTACK + " " + ACCUSE), load_kb().document("2024-05-06"), None, "d",
                           model=eager)
    assert events and all(e.coder_version == again.coder_version for e in events)
    assert again.meta["trained_on"] == "voa + mine"
    assert again.threshold == model.threshold
    # the confidence map comes from the cross-validation's held-out events and is saved with the model
    report = model.meta["cross_validation"]["calibration"]
    import json

    saved = json.loads((tmp_path / "model" / "model.json").read_text())
    if 0 < report["right"] < report["events"]:  # right and wrong held-out events: a map is fitted and saved
        assert model.calibration and model.calibration["kind"] == train.CALIBRATION
        assert again.calibration == model.calibration and saved["format"] == 3
        assert any(line.startswith("  confidence calibrated") for line in said)
    else:  # all right or all wrong: none, said, and the format older code reads
        assert again.calibration is None and saved["format"] == 2
        assert any(line.startswith("  confidence not calibrated") for line in said)


def test_extra_stories_are_learned_from_in_every_fold_and_never_scored(tmp_path, monkeypatch):
    import numpy as np

    from dyadscope.coder import train

    one, two = _two_folders(tmp_path, 7, 4, "written")
    weights = []
    fit_typer = train._fit_typer

    def spy(x, y, c, weight=None, *args, **kwargs):
        weights.append(weight)
        return fit_typer(x, y, c, weight, *args, **kwargs)

    monkeypatch.setattr(train, "_fit_typer", spy)
    said = []
    model = train.train(one, tmp_path / "model", folds=2, log=said.append, extra_folders=[two], extra_weight=0.25)
    # scored and split into folds: the first folder's stories only
    assert sorted(model.meta["cross_validation"]["folds"]) == ["s0", "s1", "s2", "s3"]
    assert model.meta["stories"] == ["s0", "s1", "s2", "s3"]
    assert model.meta["extra_stories"] == {"folders": [str(two)], "weight": 0.25, "stories": ["s4", "s5", "s6"]}
    # every typer fitted (inner splits, outer folds, the final model) saw the extra rows at their weight
    assert weights and all(w is not None for w in weights)
    extra_rows = {int(np.isclose(w, 0.25).sum()) for w in weights}
    assert len(extra_rows) == 1 and extra_rows.pop() >= 3  # the same extra rows in every fit
    assert all(set(np.unique(w)) == {0.25, 1.0} for w in weights)
    assert any("3 stories to learn from, never scored (weight 0.25)" in line for line in said)


def test_train_refuses_a_folder_given_both_as_gold_and_extra(tmp_path):
    one = write_folder(tmp_path / "voa", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]}, dev=True)
    got = CliRunner().invoke(main, ["train", str(one), "--extra", str(tmp_path / "voa"), "--out", str(tmp_path / "m")])
    assert got.exit_code == 2 and "both as GOLD_DIR and --extra" in got.output


def test_train_with_extra_stories_needs_out_unless_they_are_the_shipped_ones(tmp_path):
    one = write_folder(tmp_path / "voa", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]}, dev=True)
    two = write_folder(tmp_path / "mine", {"b": [(ACCUSE, [_event("ACCUSE", "UKR", "RUS")])]})
    got = CliRunner().invoke(main, ["train", str(one), "--extra", str(two), "--no-eval"])
    assert got.exit_code == 2 and "--out" in got.output


def test_eval_cv_readds_the_models_extra_stories_but_never_those_it_scores(tmp_path, monkeypatch):
    from dyadscope import cli_eval
    from dyadscope.coder import model as model_mod
    from dyadscope.coder import train

    written = write_folder(tmp_path / "written", {
        "w1": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])], "w2": [(ACCUSE, [_event("ACCUSE", "UKR", "RUS")])],
        "w3": [(FILLER, [])]})

    class Meta:
        meta = {"extra_stories": {"folders": [str(written)], "weight": 0.5, "stories": ["w1", "w2"]}}

    monkeypatch.setattr(model_mod, "default_model", lambda: Meta)
    monkeypatch.setattr(train, "collect", lambda data, vectors=None: [
        train.Doc(sid, [], [], [], None, []) for sid in data.gold])
    said = []
    monkeypatch.setattr(cli_eval.click, "echo", lambda msg="", **k: said.append(msg))
    got = cli_eval._recipe_extra(tmp_path, "static", scored_ids={"w2"})
    # w3 was not trained on, w2 is scored here: only w1 comes back, at the recorded weight
    assert [(d.story, d.weight) for d in got] == [("w1", 0.5)]
    assert any("1 of them left out" in m for m in said)


def test_train_names_a_missing_extra_folder(tmp_path):
    one = write_folder(tmp_path / "voa", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]}, dev=True)
    got = CliRunner().invoke(main, ["train", str(one), "--extra", str(tmp_path / "nowhere"), "--out",
                                    str(tmp_path / "m")])
    assert got.exit_code == 2 and "--extra" in got.output and "nowhere: no such folder" in got.output


def test_training_refuses_stories_without_any_event(tmp_path):
    from dyadscope.coder import train

    folder = write_folder(tmp_path / "mine", {"a": [(FILLER, [])], "b": [(FILLER + " Again.", [])]})
    with pytest.raises(ValueError, match="no sentence of these stories has an event"):
        train.train(folder, tmp_path / "model", evaluate=False, log=lambda *a: None)


def test_the_template_has_one_line_per_sentence_with_offsets_into_the_text():
    doc = RawDoc(text=f"{ATTACK} {ACCUSE}\n\n{FILLER}", path="x.txt", title="War", published="2024-05-06")
    [(story, lines)] = list(template([doc]))
    assert story["id"] == doc.doc_id and story["title"] == "War" and story["text"] == doc.text
    assert story["path"] == "x.txt"  # where the annotators can find it again
    assert [ln["text"] for ln in lines] == [ATTACK, ACCUSE, FILLER]
    assert all(doc.text[ln["start"]:ln["end"]] == ln["text"] and ln["events"] == [] for ln in lines)
    assert [ln["i"] for ln in lines] == [0, 1, 2]


def test_annotate_writes_a_folder_train_reads_and_never_overwrites_it(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "n1", "text": f"{ATTACK} {FILLER}"}) + "\n{broken\n"
                      + json.dumps({"id": "n2", "text": f"{ACCUSE} {FILLER}"}) + "\n")
    out = tmp_path / "todo"
    got = CliRunner().invoke(main, ["annotate", str(corpus), "--out", str(out)])
    assert got.exit_code == 1  # one line could not be read ...
    assert f"{corpus}:2" in got.output and "wrote 2 stories, 4 sentences" in got.output  # ... the rest was
    annotated = read_folder(out)
    assert annotated.problems == [] and len(annotated.stories) == 2
    before = (out / "gold.jsonl").read_text()
    again = CliRunner().invoke(main, ["annotate", str(corpus), "--out", str(out)])
    assert again.exit_code == 1 and "never overwritten" in again.output
    assert (out / "gold.jsonl").read_text() == before
    # not annotated yet: training says so instead of failing deep inside
    trained = CliRunner().invoke(main, ["train", str(out), "--no-eval", "--out", str(tmp_path / "m")])
    assert trained.exit_code == 1 and "fill in the events" in trained.output


def test_train_names_a_folder_that_holds_no_annotations(tmp_path):
    got = CliRunner().invoke(main, ["train", str(tmp_path), "--no-eval"])
    assert got.exit_code == 2 and f"{tmp_path}: no stories.jsonl + gold.jsonl" in got.output


def test_train_without_the_shared_voa_gold_skips_with_a_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ../shared/gold/voa from here
    for args in ([], ["../shared/gold/voa"]):
        got = CliRunner().invoke(main, ["train", *args, "--no-eval"])
        assert got.exit_code == 0 and got.output.startswith("skipped: no annotated stories in ../shared/gold/voa")


def test_a_broken_line_leaves_its_story_out_even_when_it_cannot_be_parsed(tmp_path):
    # the second sentence of "a" holds an event; were its line dropped alone, the sentence
    # would teach "no event"
    folder = write_folder(tmp_path / "mine", {
        "a": [(FILLER, []), (ATTACK, [_event("ASSAULT", "RUS", "UKR")])],
        "b": [(FILLER, []), (ACCUSE, [_event("ACCUSE", "UKR", "RUS")])],
        "c": [(ACCUSE, [_event("ACCUSE", "UKR", "RUS")])]})
    lines = (folder / "gold.jsonl").read_text().splitlines()
    lines[1] = lines[1][:-10]  # a's story id can still be read off the broken line
    lines[3] = '{"i": 1, "text": broken'  # b's cannot: the stories of the lines around it are left out
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n")
    got = read_folder(folder)
    assert got.stories == []
    said = " | ".join(map(str, got.problems))
    assert ":2: not valid JSON" in said and "story a left out" in said
    assert ":4: not valid JSON" in said and "stories b and c, whose lines are around it, left out" in said


def test_a_gap_in_the_sentence_numbers_leaves_the_story_out(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(FILLER, []), (ATTACK, []), (ACCUSE, [])]})
    lines = (folder / "gold.jsonl").read_text().splitlines()
    (folder / "gold.jsonl").write_text("\n".join([lines[0], lines[2]]) + "\n")
    got = read_folder(folder)
    assert got.stories == [] and "story a: no sentence 1" in str(got.problems[0])


def test_a_sentence_numbered_twice_leaves_its_story_out(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")]), (FILLER, [])]})
    lines = (folder / "gold.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace('"i": 1', '"i": 0')
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n")
    got = read_folder(folder)
    assert got.stories == [] and "story a: sentence 0 twice" in str(got.problems[0])


def test_a_byte_order_mark_is_read_and_text_that_is_not_utf8_is_named(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])],
                                              "b": [(FILLER, [])]})
    stories = folder / "stories.jsonl"
    stories.write_bytes(b"\xef\xbb\xbf" + stories.read_bytes())  # Windows Notepad's UTF-8
    gold = folder / "gold.jsonl"
    lines = gold.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"economy", b"\xe9conomy")  # latin-1
    gold.write_bytes(b"\n".join(lines))
    got = read_folder(folder)
    assert [s["id"] for s in got.stories] == ["a"]
    assert f"{gold}:2: not UTF-8" in str(got.problems[0])


def test_a_folder_with_both_pairs_of_files_is_refused(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [])]})
    write_folder(folder, {"a": [(ATTACK, [])]}, dev=True)
    with pytest.raises(ValueError, match="holds both"):
        read_folder(folder)
    got = CliRunner().invoke(main, ["train", str(folder), "--no-eval", "--out", str(tmp_path / "m")])
    assert got.exit_code == 2 and "keep one pair" in got.output


def test_a_model_of_other_stories_needs_a_folder_of_its_own(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]})
    got = CliRunner().invoke(main, ["train", str(folder), "--no-eval"])
    assert got.exit_code == 2 and "--out DIR" in got.output  # the shipped model is left alone


def test_annotate_refuses_a_file_or_a_folder_with_annotations(tmp_path):
    from dyadscope.annotations import write_template

    doc = RawDoc(text=f"{ATTACK} {FILLER}", path="x.txt")
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(NotADirectoryError):
        write_template(afile, [doc])
    old = write_folder(tmp_path / "old", {"a": [(ATTACK, [])]}, dev=True)
    with pytest.raises(FileExistsError):
        write_template(old, [doc])
    assert sorted(p.name for p in old.iterdir()) == ["gold_dev.jsonl", "stories_dev.jsonl"]
    assert write_template(tmp_path / "new", [doc]) == (1, 2)
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["gold.jsonl", "stories.jsonl"]


def test_eval_voa_names_a_bad_line_and_scores_the_other_stories(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])],
                                              "b": [(ACCUSE, [_event("BLAME", "UKR", "RUS")])]})
    got = CliRunner().invoke(main, ["eval", "voa", str(folder)])
    assert got.exit_code == 1, got.output  # something was left out ...
    assert f"{folder / 'gold.jsonl'}:2:" in got.stderr and "'BLAME'" in got.stderr
    assert "1 stories were left out" in got.stderr
    assert re.search(r"\b1 stor(y|ies)\b", got.stdout)  # ... and the rest was scored


def test_training_names_the_stories_it_left_out_and_exits_1(tmp_path):
    good = {f"s{k}": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")]), (ACCUSE, [_event("ACCUSE", "UKR", "RUS")])]
            for k in range(3)}
    folder = write_folder(tmp_path / "mine", {**good, "bad": [(ATTACK, [_event("BLAME", "RUS", "UKR")])]})
    got = CliRunner().invoke(main, ["train", str(folder), "--no-eval", "--out", str(tmp_path / "m")])
    assert got.exit_code == 1 and "1 of 4 stories were left out" in got.stderr
    assert (tmp_path / "m" / "model.json").exists()  # trained on the rest


def test_a_missing_voa_folder_beside_your_own_is_an_error_not_a_quiet_fallback(tmp_path, monkeypatch):
    mine = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]})
    monkeypatch.chdir(tmp_path)  # no ../shared/gold/voa from here
    got = CliRunner().invoke(main, ["train", "../shared/gold/voa", str(mine), "--no-eval", "--out", "m"])
    assert got.exit_code == 2 and "../shared/gold/voa: no such folder" in got.output
    assert not (tmp_path / "m").exists()


def test_a_fold_without_any_sentence_naming_an_actor_is_said_plainly(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])],
                                              "b": [("The weather was warm and the market was busy all day long.", [])]})
    got = CliRunner().invoke(main, ["train", str(folder), "--folds", "2", "--out", str(tmp_path / "m")])
    assert got.exit_code == 1 and "no sentence naming an actor" in got.output


def test_annotation_files_follow_the_umask_like_any_file(tmp_path):
    import os

    from dyadscope.annotations import write_template

    old = os.umask(0o022)
    try:
        write_template(tmp_path / "new", [RawDoc(text=f"{ATTACK} {FILLER}", path="x.txt")])
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in (tmp_path / "new").iterdir()} == {"0o644"}


def test_a_story_id_with_spaces_keeps_its_gold(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])]})
    (folder / "stories.jsonl").write_text((folder / "stories.jsonl").read_text().replace('"id": "a"', '"id": " a "'))
    got = read_folder(folder)
    assert [s["id"] for s in got.stories] == ["a"] and got.gold["a"][0]["events"]


def test_a_sentence_whose_text_is_not_the_storys_leaves_the_story_out(tmp_path):
    folder = write_folder(tmp_path / "mine", {"a": [(ATTACK, [_event("ASSAULT", "RUS", "UKR")])],
                                              "b": [(ACCUSE, [_event("ACCUSE", "UKR", "RUS")])]})
    lines = (folder / "gold.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace("war crimes", "crimes")  # an annotator edited the sentence
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n")
    got = read_folder(folder)
    assert [s["id"] for s in got.stories] == ["a"]
    assert "story b: sentence 0's text is not in the story's text" in str(got.problems[0])
    assert f"{folder / 'gold.jsonl'}:2:" in str(got.problems[0])


def test_codes_beyond_the_actor_base_countries_are_accepted(tmp_path):
    # Kosovo's XKX, an IGO's code, and a territory that the actor base has no entry for
    # (British Indian Ocean Territory, which the VOA gold names) are codes outputs can carry
    event = {"type": "CONSULT", "source": [{"country": "XKX"}, {"country": "EUR"}], "target": [{"country": "IOT"}]}
    got = read_folder(write_folder(tmp_path / "mine", {"a": [(ATTACK, [event])]}))
    assert got.problems == [] and [s["id"] for s in got.stories] == ["a"]

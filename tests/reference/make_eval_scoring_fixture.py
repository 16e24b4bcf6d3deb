#!/usr/bin/env python3
"""Writes the fixtures of `lightvl eval`'s tests (tests/cli/test_cli_eval.cpp) from demo_data.py, the
reference of the demo domain's data and scorers:

  tests/cli/data/eval_scoring_cases.jsonl   about 350 (task, prediction, truth) cases with the scores that
      demo_data.score_caption / score_answer give and demo_data.normalise(prediction): the reference
      answers of held-out records and systematically corrupted predictions (wrong colour, size, kind or
      count, a shape moved, missing or added, a wrong code or fact, case, spacing and full-stop variants,
      Unicode spaces, capitals and digits, the empty string). The C++ scorers must give exactly these numbers.
  tests/cli/data/eval_small/                 a 10-record evaluation set (demo_data.dump of split
      "heldout", seed 8: every task, two documents): examples.jsonl, images/, documents/.

Run from the repository root with a Python that has Pillow (Debian's python3-pil is enough):
    /usr/bin/python3 tests/reference/make_eval_scoring_fixture.py
The output is deterministic (seeded generators only), so a rerun reproduces the committed files.
"""

import dataclasses
import json
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import demo_data  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CASES = os.path.join(ROOT, "tests", "cli", "data", "eval_scoring_cases.jsonl")
SMALL = os.path.join(ROOT, "tests", "cli", "data", "eval_small")
SMALL_SPLIT, SMALL_SEED, SMALL_COUNT = "heldout", 8, 10

# Variants every answer gets: (name, function of the reference answer).
FORMAT_VARIANTS = [
    ("reference", lambda a: a),
    ("upper case", str.upper),
    ("lower case", str.lower),
    ("outer spaces", lambda a: "  " + a + " \n"),
    ("inner spaces", lambda a: a.replace(" ", "   ")),
    ("tab and newline", lambda a: "\t" + a.replace(" ", "\n") + "\t"),
    ("no full stop", lambda a: a.rstrip(".")),
    ("two full stops", lambda a: a + "."),
    ("spaced full stop", lambda a: a + " ."),
    ("no-break and ideographic spaces", lambda a: "\u3000" + a.replace(" ", "\u00a0") + "\u2003"),
    ("empty", lambda a: ""),
    ("only a full stop", lambda a: "."),
    ("non-ASCII capitals", lambda a: a.rstrip(".") + " ÄÉÖ Ω."),
]


def other(choices, value, rng):
    return rng.choice([c for c in choices if c != value])


def replace_word(text, words, rng):
    """`text` with the first of `words` that occurs (as a whole word) replaced by another of `words`."""
    tokens = text.split(" ")
    for i, token in enumerate(tokens):
        bare = token.rstrip(".,").lower()
        if bare in words:
            new = other(words, bare, rng)
            tokens[i] = (new.capitalize() if token[0].isupper() else new) + token[len(bare):]
            return " ".join(tokens)
    return None


def wrong_value(turn, rng, pool):
    """A plausible wrong answer: another colour, shape, size or number, or another record's answer."""
    for words in (list(demo_data.COLOURS), list(demo_data.SHAPES), list(demo_data.SIZES), ["yes", "no"]):
        changed = replace_word(turn.answer, words, rng)
        if changed:
            return changed
    digits = "".join(ch for ch in turn.answer if ch.isdigit())
    if digits and turn.task != "read":
        return demo_data.sentence(str(int(digits) + 1))
    if turn.task == "read":
        code = turn.answer.rstrip(".")
        k = rng.randrange(len(code))
        return code[:k] + other(demo_data.CODE_ALPHABET, code[k], rng) + code[k + 1:] + "."
    return rng.choice([a for a in pool if a != turn.answer])


def answer_cases(turn, rng, pool):
    cases = [(name, f(turn.answer)) for name, f in FORMAT_VARIANTS]
    cases.append(("wrong value", wrong_value(turn, rng, pool)))
    cases.append(("answer in a sentence", "The answer is " + turn.answer))
    return cases


def phrases(shapes):
    return demo_data.join_phrases([s.phrase() for s in demo_data.reading_order(shapes)])


def grid_caption_cases(scene, rng):
    shapes = scene.shapes
    cases = [("reference", demo_data.caption(scene))]
    k = rng.randrange(len(shapes))
    s = shapes[k]

    def with_shape(new):
        return demo_data.sentence(phrases(shapes[:k] + [new] + shapes[k + 1:]))

    cases.append(("wrong colour", with_shape(dataclasses.replace(s, colour=other(list(demo_data.COLOURS), s.colour, rng)))))
    cases.append(("wrong size", with_shape(dataclasses.replace(s, size=other(demo_data.SIZES, s.size, rng)))))
    cases.append(("wrong kind", with_shape(dataclasses.replace(s, kind=other(demo_data.SHAPES, s.kind, rng)))))
    free = [(r, c) for r in demo_data.ROWS for c in demo_data.COLUMNS if all((t.row, t.column) != (r, c) for t in shapes)]
    row, column = rng.choice(free)
    cases.append(("moved to an empty place", with_shape(dataclasses.replace(s, row=row, column=column))))
    if len(shapes) > 1:
        j = (k + 1) % len(shapes)
        a, b = shapes[k], shapes[j]
        swapped = [dataclasses.replace(a, row=b.row, column=b.column), dataclasses.replace(b, row=a.row, column=a.column)]
        rest = [t for i, t in enumerate(shapes) if i not in (k, j)]
        cases.append(("two positions swapped", demo_data.sentence(phrases(rest + swapped))))
        cases.append(("missing shape", demo_data.sentence(phrases(shapes[:k] + shapes[k + 1:]))))
    extra = demo_data.Shape(rng.choice(demo_data.SHAPES), rng.choice(list(demo_data.COLOURS)), rng.choice(demo_data.SIZES),
                            row, column, 0, 0, 1)
    cases.append(("extra shape", demo_data.sentence(phrases(shapes + [extra]))))
    cases.append(("place mentioned twice", demo_data.caption(scene) + " Also " +
                  dataclasses.replace(s, colour=other(list(demo_data.COLOURS), s.colour, rng)).phrase() + "."))
    cases.append(("no article", demo_data.caption(scene).replace("A ", "", 1).replace(" a ", " ")))
    cases.append(("an before a consonant", demo_data.caption(scene).replace("A ", "An ", 1)))
    cases.append(("double space", demo_data.caption(scene).replace(" ", "  ", 2)))
    cases.append(("upper case", demo_data.caption(scene).upper()))
    cases.append(("place glued to a word", demo_data.caption(scene).rstrip(".") + "ish."))
    cases.append(("empty", ""))
    return cases


def count_caption_cases(scene, rng):
    groups = demo_data.groups(scene)
    stated = lambda gs: demo_data.sentence(demo_data.join_phrases(
        [f"{n} {colour} {demo_data.plural(kind, n)}" for (kind, colour), n in gs]))
    (kind, colour), n = groups[0]
    cases = [("reference", demo_data.caption(scene)),
             ("wrong count", stated([((kind, colour), n + 1)] + groups[1:])),
             ("zero", stated([((kind, colour), 0)] + groups[1:])),
             ("extra group", stated(groups + [((other(demo_data.SHAPES, kind, rng), colour), 2)])),
             ("number words", demo_data.sentence(demo_data.join_phrases(
                 [f"{demo_data.NUMBER_WORDS[m]} {c} {demo_data.plural(k, m)}" for (k, c), m in groups]))),
             ("fullwidth digits", demo_data.caption(scene).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})),
             ("arabic-indic digits", demo_data.caption(scene).translate({ord(d): 0x0660 + int(d) for d in "0123456789"})),
             ("huge number", stated([((kind, colour), 10 ** 25 + n)] + groups[1:])),
             ("leading zero", stated([((kind, colour), f"0{n}")] + groups[1:])),
             ("digits glued to a word", demo_data.caption(scene).replace(str(n), "x" + str(n), 1)),
             ("stated twice", demo_data.caption(scene) + f" {n + 2} {colour} {demo_data.plural(kind, 2)}."),
             ("upper case", demo_data.caption(scene).upper()),
             ("empty", "")]
    if len(groups) > 1:
        cases.append(("missing group", stated(groups[1:])))
    return cases


def text_caption_cases(scene, rng):
    code, colour = scene.text, scene.text_colour
    k = rng.randrange(len(code))
    wrong = code[:k] + other(demo_data.CODE_ALPHABET, code[k], rng) + code[k + 1:]
    return [("reference", demo_data.caption(scene)),
            ("wrong code", demo_data.sentence(f"the code {wrong} written in {colour}")),
            ("wrong colour", demo_data.sentence(f"the code {code} written in {other(list(demo_data.COLOURS), colour, rng)}")),
            ("lower-case code", demo_data.sentence(f"the code {code.lower()} written in {colour}")),
            ("code only", code),
            ("colour in capitals", demo_data.sentence(f"the code {code} written in {colour.upper()}")),
            ("empty", "")]


def scoring_cases():
    rng = random.Random("eval-scoring-fixture")
    rows, quota = [], {"grid": 6, "count": 4, "text": 3, "vqa": 4, "count-answer": 3, "read": 3}
    turns = [demo_data.eval_scene_records("fixture", 0, i) for i in range(400)]
    pool = [t.answer for _, t in turns]
    for scene, turn in turns:
        key = scene.style if turn.task == "caption" else ("count-answer" if turn.task == "count" else turn.task)
        if quota.get(key, 0) <= 0:
            continue
        quota[key] -= 1
        if turn.task == "caption":
            maker = {"grid": grid_caption_cases, "count": count_caption_cases, "text": text_caption_cases}[scene.style]
            rows += [(name, turn, p) for name, p in maker(scene, rng)]
        else:
            rows += [(name, turn, p) for name, p in answer_cases(turn, rng, pool)]
    for i in range(3):
        document, turn = demo_data.eval_document("fixture", 0, i, 200)
        others = [f.answer for f in document.facts if f.answer != turn.answer] or pool
        rows += [(name, turn, p) for name, p in answer_cases(turn, rng, others)]
    out = []
    for name, turn, prediction in rows:
        if turn.task == "caption":
            correct, total = demo_data.score_caption(prediction, turn.truth)
        else:
            correct, total = demo_data.score_answer(prediction, turn.truth), 1
        out.append({"id": f"case-{len(out):03d}", "variant": name, "task": turn.task, "prediction": prediction,
                    "truth": turn.truth, "score": [correct, total], "normalised": demo_data.normalise(prediction)})
    return out


def write_small_set():
    """demo_data.dump's evaluation records, without the training conversations dump also writes."""
    with tempfile.TemporaryDirectory() as tmp:
        records = demo_data.dump(SMALL_COUNT, tmp, SMALL_SPLIT, SMALL_SEED)
        shutil.rmtree(SMALL, ignore_errors=True)
        os.makedirs(os.path.join(SMALL, "images"))
        os.makedirs(os.path.join(SMALL, "documents"))
        shutil.copyfile(os.path.join(tmp, "examples.jsonl"), os.path.join(SMALL, "examples.jsonl"))
        for r in records:
            for path in (r.image, r.document and r.document["file"]):
                if path:
                    shutil.copyfile(os.path.join(tmp, path), os.path.join(SMALL, path))
    return records


def main():
    cases = scoring_cases()
    os.makedirs(os.path.dirname(CASES), exist_ok=True)
    demo_data.write_jsonl(CASES, cases)
    records = write_small_set()
    tasks = {}
    for c in cases:
        tasks[c["task"]] = tasks.get(c["task"], 0) + 1
    print(f"wrote {len(cases)} scoring cases to {os.path.relpath(CASES, ROOT)} ({tasks}); "
          f"{len(records)} records to {os.path.relpath(SMALL, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

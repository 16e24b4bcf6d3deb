#!/usr/bin/env python3
"""Procedural data for lightvl's trained demo model (issue 9): pictures of shapes and long documents.

Nothing is downloaded: every image and document is generated here from a seed, so the training data and
the held-out evaluation set can be remade anywhere with the same bytes (Pillow's ImageDraw for the shapes;
letters and digits come from a 5 x 7 pixel font defined below, so no system font is involved).

The domain is deliberately narrow, and it is all the demo model knows:
  * scenes: 1-4 shapes (circle, square, triangle, star) in 8 colours, small or large, placed in the cells
    of a 3 x 3 grid (the position names: "top left", ..., "middle", ..., "bottom right") on a pale or dark
    background; image sizes from 96 to 224 px, mostly 112 x 112 (one ViT tile of the demo model);
  * counting scenes: 2-7 small shapes of one or two kinds scattered anywhere;
  * text pictures: a 3-4 character code (digits and unambiguous capitals) in one colour;
  * documents: invented places and people, with facts (access codes, birth years, jobs, home towns, door
    colours) buried in filler prose; the question asks about one of them, anywhere in the document.

Every example is one conversation in the MiniMax-VL-01 chat format (spec 8.3): a user turn made of the image
(the template's `<image>` placeholder) or the document block lightvl itself writes
(`<document name="N">\\n TEXT \\n</document>\\n`, sdk/engine/conversation.cpp), then the question; then the
assistant's answer. Training examples (`train_conversation`) ask several questions about one image in
consecutive turns; evaluation examples (`eval_records`) are single-turn and carry the structured truth
that a scorer needs (`score_answer`, `score_caption` below are the reference scorers).

Splits are separate seed streams: example i of split s is generated from random.Random(f"{s}:{seed}:{i}"),
so "train" and "heldout" never share a generator state, and the same (split, seed, i) always gives the
same example.

Inspecting the data (Debian's python3-pil is enough):
    /usr/bin/python3 tests/reference/demo_data.py --dump 40 build-demo/dump [--split heldout] [--seed 0]
writes build-demo/dump/images/*.png, build-demo/dump/documents/*.txt and build-demo/dump/examples.jsonl
(one evaluation record a line; the schema is `EvalRecord` below) and build-demo/dump/train.jsonl (the
multi-turn training conversations of the same seeds, as chat messages).
"""

import argparse
import dataclasses
import json
import os
import random
import re
import sys
from typing import List, Optional

from PIL import Image, ImageDraw

# --------------------------------------------------------------------------------------------------
# Vocabulary of the domain

COLOURS = {  # name -> RGB; far enough apart to be told apart at 14 px patches
    "red": (220, 40, 40), "orange": (245, 140, 20), "yellow": (240, 210, 40), "green": (40, 160, 60),
    "blue": (40, 80, 220), "purple": (140, 60, 190), "black": (20, 20, 20), "white": (250, 250, 250),
}
BACKGROUNDS = [(135, 206, 235), (225, 225, 225), (245, 236, 215), (205, 235, 205), (60, 64, 72)]
SHAPES = ("circle", "square", "triangle", "star")
SIZES = ("small", "large")
ROWS = ("top", "middle", "bottom")
COLUMNS = ("left", "middle", "right")
# (row, column) -> how a caption or answer says it
WHERE = {("top", "left"): "in the top left", ("top", "middle"): "at the top", ("top", "right"): "in the top right",
         ("middle", "left"): "on the left", ("middle", "middle"): "in the middle", ("middle", "right"): "on the right",
         ("bottom", "left"): "in the bottom left", ("bottom", "middle"): "at the bottom",
         ("bottom", "right"): "in the bottom right"}
# Image sizes (width, height) with their weights: mostly one 112 px tile, some other aspect ratios so the
# model sees the anyres packing of several tiles too (the bundled sample image is 128 x 96).
IMAGE_SIZES = [((112, 112), 6), ((128, 96), 2), ((96, 128), 1), ((160, 120), 1), ((224, 112), 1), ((112, 168), 1)]
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# A 5 x 7 pixel font for the codes in text pictures: digits and the capitals that no digit resembles.
GLYPHS = {
    "0": ".###./#...#/#..##/#.#.#/##..#/#...#/.###.", "1": "..#../.##../..#../..#../..#../..#../.###.",
    "2": ".###./#...#/....#/...#./..#../.#.../#####", "3": "####./....#/....#/.###./....#/....#/####.",
    "4": "...#./..##./.#.#./#..#./#####/...#./...#.", "5": "#####/#..../####./....#/....#/#...#/.###.",
    "6": "..##./.#.../#..../####./#...#/#...#/.###.", "7": "#####/....#/...#./..#../.#.../.#.../.#...",
    "8": ".###./#...#/#...#/.###./#...#/#...#/.###.", "9": ".###./#...#/#...#/.####/....#/...#./.##..",
    "A": ".###./#...#/#...#/#####/#...#/#...#/#...#", "B": "####./#...#/#...#/####./#...#/#...#/####.",
    "C": ".###./#...#/#..../#..../#..../#...#/.###.", "D": "####./#...#/#...#/#...#/#...#/#...#/####.",
    "E": "#####/#..../#..../####./#..../#..../#####", "F": "#####/#..../#..../####./#..../#..../#....",
    "H": "#...#/#...#/#...#/#####/#...#/#...#/#...#", "K": "#...#/#..#./#.#../##.../#.#../#..#./#...#",
    "L": "#..../#..../#..../#..../#..../#..../#####", "M": "#...#/##.##/#.#.#/#.#.#/#...#/#...#/#...#",
    "N": "#...#/##..#/#.#.#/#..##/#...#/#...#/#...#", "P": "####./#...#/#...#/####./#..../#..../#....",
    "R": "####./#...#/#...#/####./#.#../#..#./#...#", "T": "#####/..#../..#../..#../..#../..#../..#..",
    "X": "#...#/#...#/.#.#./..#../.#.#./#...#/#...#", "Y": "#...#/#...#/.#.#./..#../..#../..#../..#..",
}
CODE_ALPHABET = "".join(sorted(GLYPHS))

# Documents: invented names from syllables, filler prose from small word lists.
SYLLABLES = ("ka", "ri", "mo", "len", "tar", "vel", "dor", "si", "na", "bru", "quel", "than", "or", "ish", "po",
             "gar", "lin", "mer", "zu", "fen", "hal", "cor", "ves", "tim", "ra", "wen", "dal", "ny", "sto", "ber")
TOWN_ENDINGS = ("holm", "by", "ford", "wick", "stead", "mouth", "dale", "gate")
PLACE_KINDS = ("Station", "Library", "Tower", "Harbour", "Archive", "Mill", "Observatory", "Market")
JOBS = ("baker", "pilot", "teacher", "carpenter", "doctor", "gardener", "painter", "engineer", "fisher", "clerk")
FILLER_SUBJECTS = ("the river", "the old road", "the morning fog", "a quiet wind", "the village square",
                   "the northern hills", "a line of poplars", "the harbour wall", "the evening bell", "the orchard",
                   "a small ferry", "the stone bridge", "the market crowd", "the long meadow", "the winter light")
FILLER_VERBS = ("drifts past", "runs beside", "settles over", "turns toward", "rises above", "winds around",
                "waits near", "leans against", "fades behind", "stretches across")
FILLER_ENDS = ("the fields", "the slow canal", "the empty square", "the grey rooftops", "the distant shore",
               "the wooden houses", "the chapel", "the low clouds", "the quiet lanes", "the gardens")
FILLER_TAILS = ("", "", " in late summer", " before dawn", " every autumn", " for most of the year",
                " when the tide is low", " after the rain")


def weighted_choice(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.uniform(0, total)
    for value, w in pairs:
        r -= w
        if r <= 0:
            return value
    return pairs[-1][0]


def plural(kind, n):
    return kind if n == 1 else kind + "s"


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def sentence(text):
    """Capitalise the first letter and end with a full stop (the style of every answer)."""
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def normalise(answer):
    """What the scorers compare: lower case, single spaces, no final full stop."""
    return re.sub(r"\s+", " ", answer.strip().lower()).rstrip(".").strip()

# --------------------------------------------------------------------------------------------------
# Scenes


@dataclasses.dataclass
class Shape:
    kind: str        # one of SHAPES
    colour: str      # one of COLOURS
    size: str        # "small" or "large"
    row: str         # one of ROWS (for counting scenes: where the centre fell)
    column: str      # one of COLUMNS
    cx: float        # centre and radius in pixels
    cy: float
    radius: float

    @property
    def where(self):
        return WHERE[(self.row, self.column)]

    def phrase(self, with_size=True, with_where=True):
        words = ([self.size] if with_size else []) + [self.colour, self.kind]
        text = article(words[0]) + " " + " ".join(words)
        return text + (" " + self.where if with_where else "")


@dataclasses.dataclass
class Scene:
    width: int
    height: int
    background: tuple
    shapes: List[Shape]
    style: str                      # "grid" (positions matter), "count" (scattered) or "text"
    text: Optional[str] = None      # the code shown in a text picture
    text_colour: Optional[str] = None


def contrasting_colours(background):
    """Colour names that stand out on `background` (squared RGB distance above a threshold)."""
    def far(rgb):
        return sum((a - b) ** 2 for a, b in zip(rgb, background)) > 90 ** 2
    return [name for name, rgb in COLOURS.items() if far(rgb)]


def cell_centre(width, height, row, column, rng):
    jitter = min(width, height) * 0.03
    x = (COLUMNS.index(column) + 0.5) * width / 3 + rng.uniform(-jitter, jitter)
    y = (ROWS.index(row) + 0.5) * height / 3 + rng.uniform(-jitter, jitter)
    return x, y


def cell_of(width, height, x, y):
    return ROWS[min(2, int(3 * y / height))], COLUMNS[min(2, int(3 * x / width))]


def shape_radius(size, width, height, rng):
    """Small: 8-11 % of the shorter side; large: 15-22 % (a large shape fills most of its cell)."""
    low, high = (0.08, 0.11) if size == "small" else (0.15, 0.22)
    return min(width, height) * rng.uniform(low, high)


def grid_scene(rng):
    """1-4 shapes in distinct cells of the 3 x 3 grid; shapes may repeat kinds or colours."""
    (width, height), background = weighted_choice(rng, IMAGE_SIZES), rng.choice(BACKGROUNDS)
    colours = contrasting_colours(background)
    count = weighted_choice(rng, [(1, 3), (2, 3), (3, 2), (4, 1)])
    cells = rng.sample([(r, c) for r in ROWS for c in COLUMNS], count)
    shapes = []
    for row, column in cells:
        size = rng.choice(SIZES)
        x, y = cell_centre(width, height, row, column, rng)
        shapes.append(Shape(rng.choice(SHAPES), rng.choice(colours), size, row, column, x, y,
                            shape_radius(size, width, height, rng)))
    return Scene(width, height, background, shapes, "grid")


def count_scene(rng):
    """2-7 small shapes of one or two (kind, colour) groups, anywhere, not touching."""
    (width, height), background = weighted_choice(rng, IMAGE_SIZES), rng.choice(BACKGROUNDS)
    colours = contrasting_colours(background)
    groups = [(rng.choice(SHAPES), rng.choice(colours))]
    if rng.random() < 0.6:
        other = (rng.choice(SHAPES), rng.choice(colours))
        if other != groups[0]:
            groups.append(other)
    total = rng.randint(2, 7)
    shapes, tries = [], 0
    while len(shapes) < total and tries < 500:
        tries += 1
        r = min(width, height) * rng.uniform(0.07, 0.09)
        x, y = rng.uniform(r + 2, width - r - 2), rng.uniform(r + 2, height - r - 2)
        if all((x - s.cx) ** 2 + (y - s.cy) ** 2 > (r + s.radius + 3) ** 2 for s in shapes):
            kind, colour = groups[len(shapes) % len(groups)] if len(shapes) < len(groups) else rng.choice(groups)
            row, column = cell_of(width, height, x, y)
            shapes.append(Shape(kind, colour, "small", row, column, x, y, r))
    return Scene(width, height, background, shapes, "count")


def text_scene(rng):
    (width, height) = (112, 112) if rng.random() < 0.7 else weighted_choice(rng, IMAGE_SIZES)
    background = rng.choice(BACKGROUNDS)
    colour = rng.choice(contrasting_colours(background))
    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(rng.randint(3, 4)))
    return Scene(width, height, background, [], "text", text=code, text_colour=colour)


def sample_scene():
    """The bundled sample picture (assets/sample-scene.png, scripts/demo.sh): a grid scene as grid_scene draws
    them (128 x 96, shapes at their cells' centres, radii within the size ranges), fixed rather than random."""
    width, height = 128, 96

    def at(kind, colour, size, row, column, fraction):
        x, y = (COLUMNS.index(column) + 0.5) * width / 3, (ROWS.index(row) + 0.5) * height / 3
        return Shape(kind, colour, size, row, column, x, y, min(width, height) * fraction)

    return Scene(width, height, BACKGROUNDS[0], [at("circle", "red", "large", "middle", "left", 0.18),
                                                 at("star", "purple", "small", "top", "middle", 0.10),
                                                 at("square", "yellow", "large", "bottom", "right", 0.18)], "grid")


def star_points(cx, cy, r):
    import math
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw_shape(draw, s):
    fill = COLOURS[s.colour]
    box = [s.cx - s.radius, s.cy - s.radius, s.cx + s.radius, s.cy + s.radius]
    if s.kind == "circle":
        draw.ellipse(box, fill=fill)
    elif s.kind == "square":
        inner = s.radius * 0.85
        draw.rectangle([s.cx - inner, s.cy - inner, s.cx + inner, s.cy + inner], fill=fill)
    elif s.kind == "triangle":
        draw.polygon([(s.cx, s.cy - s.radius), (s.cx + s.radius, s.cy + s.radius * 0.8),
                      (s.cx - s.radius, s.cy + s.radius * 0.8)], fill=fill)
    else:
        draw.polygon(star_points(s.cx, s.cy, s.radius), fill=fill)


def code_layout(scene):
    """Where the code's characters go: (scale, [(x0, y0, x1, y1) box of each character]); each font pixel
    is a square of `scale` pixels and the line is centred."""
    scale = max(2, min(scene.width // (6 * len(scene.text)), scene.height // 10))
    advance = 6 * scale
    left = (scene.width - advance * len(scene.text) + scale) // 2
    top = (scene.height - 7 * scale) // 2
    return scale, [(left + i * advance, top, left + i * advance + 5 * scale, top + 7 * scale)
                   for i in range(len(scene.text))]


def draw_code(draw, scene):
    """The code in the 5 x 7 font (code_layout)."""
    scale, boxes = code_layout(scene)
    for ch, (left, top, _, _) in zip(scene.text, boxes):
        for y, row in enumerate(GLYPHS[ch].split("/")):
            for x, bit in enumerate(row):
                if bit == "#":
                    x0, y0 = left + x * scale, top + y * scale
                    draw.rectangle([x0, y0, x0 + scale - 1, y0 + scale - 1], fill=COLOURS[scene.text_colour])


def render(scene):
    image = Image.new("RGB", (scene.width, scene.height), scene.background)
    draw = ImageDraw.Draw(image)
    for s in scene.shapes:
        draw_shape(draw, s)
    if scene.text:
        draw_code(draw, scene)
    return image

# --------------------------------------------------------------------------------------------------
# Questions and answers about scenes


@dataclasses.dataclass
class Turn:
    task: str        # caption | vqa | count | read | doc | about
    prompt: str      # the user's text (after the image or document)
    answer: str      # the assistant's reply
    truth: dict      # what a scorer needs (see score_answer / score_caption)


CAPTION_PROMPTS = ("Write a one-sentence caption for this image.", "Describe the image.",
                   "Describe this picture in one sentence.", "What is in this image?", "Caption this image.")
LIST_PROMPTS = ("What shapes are in this picture?", "Which shapes do you see?", "List the shapes in the image.")


def join_phrases(phrases):
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def reading_order(shapes):
    return sorted(shapes, key=lambda s: (ROWS.index(s.row), COLUMNS.index(s.column), s.cx))


def caption(scene):
    """One sentence: every shape with size, colour, kind and place (grid), counts by group (count), the code."""
    if scene.style == "text":
        return sentence(f"the code {scene.text} written in {scene.text_colour}")
    if scene.style == "count":
        return sentence(join_phrases([f"{n} {colour} {plural(kind, n)}" for (kind, colour), n in groups(scene)]))
    return sentence(join_phrases([s.phrase() for s in reading_order(scene.shapes)]))


def groups(scene):
    """[((kind, colour), count)] in order of first appearance."""
    counts = {}
    for s in scene.shapes:
        counts[(s.kind, s.colour)] = counts.get((s.kind, s.colour), 0) + 1
    return list(counts.items())


def shape_truth(s):
    return {"kind": s.kind, "colour": s.colour, "size": s.size, "where": s.where}


def caption_turn(rng, scene):
    truth = {"shapes": [shape_truth(s) for s in scene.shapes], "style": scene.style, "text": scene.text,
             "text_colour": scene.text_colour}
    return Turn("caption", rng.choice(CAPTION_PROMPTS), caption(scene), truth)


def vqa_turns(rng, scene):
    """Every question this scene answers unambiguously; the caller samples from them."""
    shapes, turns = scene.shapes, []

    def add(task, prompt, answer, **truth):
        turns.append(Turn(task, prompt, sentence(answer), dict(truth, answer=normalise(sentence(answer)))))

    if scene.style == "text":
        add("read", rng.choice(("What does the text say?", "What is written in the image?", "Read the code.")),
            scene.text)
        add("vqa", "What colour is the text?", scene.text_colour)
        return turns
    if scene.style == "grid":
        add("vqa", rng.choice(LIST_PROMPTS), join_phrases([s.phrase(False, False) for s in reading_order(shapes)]))
    add("count", "How many shapes are there?", str(len(shapes)))
    kind = rng.choice(SHAPES)
    n = sum(s.kind == kind for s in shapes)
    add("count", f"How many {plural(kind, 2)} are there?", str(n))
    colour = rng.choice(sorted({s.colour for s in shapes}))
    n = sum(s.colour == colour for s in shapes)
    add("count", f"How many {colour} shapes are there?", str(n))
    s = rng.choice(shapes)
    present = rng.random() < 0.5
    probe_colour, probe_kind = s.colour, s.kind
    if not present:
        probe_colour, probe_kind = rng.choice(list(COLOURS)), rng.choice(SHAPES)
    exists = any(t.colour == probe_colour and t.kind == probe_kind for t in shapes)
    add("vqa", f"Is there {article(probe_colour)} {probe_colour} {probe_kind}?", "yes" if exists else "no")
    if scene.style != "grid":
        return turns
    for s in shapes:  # questions keyed by a kind that occurs once
        if sum(t.kind == s.kind for t in shapes) == 1:
            add("vqa", f"What colour is the {s.kind}?", s.colour)
            add("vqa", f"Where is the {s.kind}?", s.where)
            add("vqa", f"Is the {s.kind} large or small?", s.size)
    for s in shapes:  # questions keyed by position (cells are unique)
        where = s.where
        add("vqa", f"What shape is {where}?", f"{article(s.kind)} {s.kind}")
        add("vqa", f"What is {where}?", s.phrase(with_where=False))
        add("vqa", f"What colour is the shape {where}?", s.colour)
    return turns


def focus_turns(rng, scene):
    """Training-only questions about shape kinds (mix "focus"): the count of every kind in the picture and of
    one absent kind, and "Is there ...?" for every (colour, kind) present and for near misses (a colour that is
    present with a kind that is not, and the other way round). After stage D most visual errors were a
    present kind counted as 0 and a near miss answered "yes": vqa_turns asks about a random kind, so most of
    its counts are 0 and most of its probes are far misses. The evaluation never uses these turns."""
    if scene.style == "text":
        return []
    shapes, turns = scene.shapes, []

    def add(task, prompt, answer):
        turns.append(Turn(task, prompt, sentence(answer), {"answer": normalise(sentence(answer))}))

    kinds = sorted({s.kind for s in shapes})
    absent = [k for k in SHAPES if k not in kinds]
    for kind in kinds + rng.sample(absent, min(1, len(absent))):
        add("count", f"How many {plural(kind, 2)} are there?", str(sum(s.kind == kind for s in shapes)))
    present = sorted({(s.colour, s.kind) for s in shapes})
    for colour, kind in present:
        add("vqa", f"Is there {article(colour)} {colour} {kind}?", "yes")
    colours = sorted({c for c, _ in present})
    near = [(c, k) for c in colours for k in SHAPES if (c, k) not in present]
    near += [(c, k) for k in kinds for c in COLOURS if c not in colours]
    for colour, kind in rng.sample(near, min(2, len(near))):
        add("vqa", f"Is there {article(colour)} {colour} {kind}?", "no")
    return turns


ABOUT_PROMPTS = ("What can you do?", "Who are you?", "What do you know about?")
ABOUT_ANSWER = ("I am a small demo model for lightvl. I can describe simple pictures of shapes, count them, read "
                "short codes and answer questions about facts in a document. I know nothing else.")


def about_turn(rng):
    return Turn("about", rng.choice(ABOUT_PROMPTS), ABOUT_ANSWER, {"answer": normalise(ABOUT_ANSWER)})

# --------------------------------------------------------------------------------------------------
# Documents


@dataclasses.dataclass
class Fact:
    kind: str        # code | born | job | home | door
    subject: str     # the person or place the fact is about
    value: str
    statement: str   # the sentence in the document
    question: str
    answer: str


@dataclasses.dataclass
class Document:
    name: str
    text: str
    facts: List[Fact]
    positions: List[float]   # where each fact's sentence starts, as a fraction of the text

    def block(self):
        """Exactly how lightvl puts a document into a user turn (sdk/engine/conversation.cpp)."""
        return f'<document name="{self.name}">\n{self.text}\n</document>\n'


def invented_word(rng, syllables=(2, 3)):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*syllables))).capitalize()


def person(rng):
    return f"{invented_word(rng, (2, 2))} {invented_word(rng, (2, 3))}"


def town(rng):
    return invented_word(rng, (1, 2)) + rng.choice(TOWN_ENDINGS)


def place(rng):
    return f"{invented_word(rng, (2, 2))} {rng.choice(PLACE_KINDS)}"


def make_fact(rng, kind, subject):
    if kind == "code":
        code = str(rng.randint(1000, 9999))
        return Fact(kind, subject, code, f"The access code for {subject} is {code}.",
                    f"What is the access code for {subject}?", sentence(code))
    if kind == "door":
        colour = rng.choice(list(COLOURS))
        return Fact(kind, subject, colour, f"The door of {subject} is painted {colour}.",
                    f"What colour is the door of {subject}?", sentence(colour))
    if kind == "born":
        year = str(rng.randint(1850, 2010))
        return Fact(kind, subject, year, f"{subject} was born in {year}.",
                    f"In which year was {subject} born?", sentence(year))
    if kind == "job":
        job = rng.choice(JOBS)
        return Fact(kind, subject, job, f"{subject} works as {article(job)} {job}.",
                    f"What is {subject}'s job?", sentence(f"{article(job)} {job}"))
    home = town(rng)
    return Fact(kind, subject, home, f"{subject} lives in {home}.", f"Where does {subject} live?",
                sentence(home))


def filler_sentence(rng):
    return sentence(f"{rng.choice(FILLER_SUBJECTS)} {rng.choice(FILLER_VERBS)} {rng.choice(FILLER_ENDS)}"
                    f"{rng.choice(FILLER_TAILS)}")


FACT_KINDS = ("code", "door", "born", "job", "home")


def make_document(rng, words, num_facts=None, kinds=FACT_KINDS):
    """About `words` words of filler with facts about distinct invented subjects at random depths.

    Facts of the same kind about different subjects are the distractors: the answer is the one whose
    subject the question names. `kinds` narrows the fact kinds (fewer kinds: more distractors each)."""
    num_facts = num_facts or rng.randint(3, 8)
    facts, subjects = [], set()
    while len(facts) < num_facts:
        kind = rng.choice(kinds)
        subject = place(rng) if kind in ("code", "door") else person(rng)
        if subject not in subjects:
            subjects.add(subject)
            facts.append(make_fact(rng, kind, subject))
    sentences = []
    count = 0
    while count < words:
        s = filler_sentence(rng)
        sentences.append(s)
        count += len(s.split())
    slots = sorted(rng.randint(0, len(sentences)) for _ in facts)
    order = list(range(len(facts)))
    rng.shuffle(order)
    for offset, (slot, f) in enumerate(zip(slots, order)):
        sentences.insert(slot + offset, facts[f].statement)
    paragraphs, i = [], 0
    while i < len(sentences):
        n = rng.randint(4, 9)
        paragraphs.append(" ".join(sentences[i:i + n]))
        i += n
    text = "\n\n".join(paragraphs)
    positions = [text.index(f.statement) / max(1, len(text)) for f in facts]
    name = f"{invented_word(rng, (2, 3)).lower()}_notes.txt"
    return Document(name, text, facts, positions)


def doc_turn(rng, document, index=None):
    index = rng.randrange(len(document.facts)) if index is None else index
    f = document.facts[index]
    return Turn("doc", f.question, f.answer, {"answer": normalise(f.answer), "fact_kind": f.kind,
                                              "depth": round(document.positions[index], 4)})


def doc_turns(rng, document, count):
    """`count` questions about distinct facts of `document` (fewer if it has fewer facts)."""
    return [doc_turn(rng, document, i) for i in rng.sample(range(len(document.facts)), min(count, len(document.facts)))]

# --------------------------------------------------------------------------------------------------
# Examples: training conversations and evaluation records


@dataclasses.dataclass
class Example:
    """One conversation: an optional scene or document in the first user turn, then question/answer turns."""
    id: str
    scene: Optional[Scene]
    document: Optional[Document]
    turns: List[Turn]

    def messages(self, image_name=None):
        """The conversation as chat-template messages (the HF content-part form lightvl's template takes)."""
        out = []
        for k, turn in enumerate(self.turns):
            parts = []
            if k == 0 and self.scene is not None:
                parts.append({"type": "image"} if image_name is None else {"type": "image", "image": image_name})
            text = (self.document.block() if k == 0 and self.document is not None else "") + turn.prompt
            parts.append({"type": "text", "text": text})
            out.append({"role": "user", "content": parts})
            out.append({"role": "assistant", "content": [{"type": "text", "text": turn.answer}]})
        return out


# Training mix (fractions of conversations); documents are the long ones, so they dominate the tokens.
TRAIN_MIX = [("grid", 0.45), ("count", 0.15), ("text", 0.15), ("document", 0.22), ("about", 0.03)]
# The retrieval mix (stage C): twice the documents, most of them short so that a step holds many
# questions, and half of them with only one or two fact kinds, so that a question can only be answered
# by the subject it names (with one fact of a kind, "the year after 'born in'" answers without reading
# the name; the evaluation's documents draw kinds at random and often hold such distractors).
RETRIEVAL_MIX = [("grid", 0.30), ("count", 0.10), ("text", 0.15), ("document", 0.42), ("about", 0.03)]
# The balanced mix (stage D): stage C's documents, with pictures back to most of the conversations (after
# stage C the errors left were mostly shape kinds, counts and characters).
BALANCED_MIX = [("grid", 0.37), ("count", 0.15), ("text", 0.15), ("document", 0.30), ("about", 0.03)]
# The vision mix (stage E, short): after stage D the errors left were mostly counting and reading.
VISION_MIX = [("grid", 0.30), ("count", 0.27), ("text", 0.27), ("document", 0.13), ("about", 0.03)]
# The focus mix (stage F): more count and code pictures, documents kept near stage D's share, and the
# picture conversations also draw from focus_turns.
FOCUS_MIX = [("grid", 0.30), ("count", 0.22), ("text", 0.22), ("document", 0.23), ("about", 0.03)]
# The final mix (stage H, a long stage): near stage D's balance with a little more counting and reading, and
# half of the picture conversations also draw from focus_turns (stage F drew from them in all, over a short
# schedule).
FINAL_MIX = [("grid", 0.34), ("count", 0.18), ("text", 0.17), ("document", 0.28), ("about", 0.03)]
MIXES = {"base": TRAIN_MIX, "retrieval": RETRIEVAL_MIX, "balanced": BALANCED_MIX, "vision": VISION_MIX,
         "focus": FOCUS_MIX, "final": FINAL_MIX}


def example_rng(split, seed, index):
    return random.Random(f"{split}:{seed}:{index}")


def scene_for(style, rng):
    return {"grid": grid_scene, "count": count_scene, "text": text_scene}[style](rng)


def retrieval_document(rng):
    """A stage-C training document: 80-600 words (half) or 600-1800, 3-10 facts, for half of them of only
    one or two kinds; and 3-8 questions about it."""
    words = rng.randint(80, 600) if rng.random() < 0.5 else rng.randint(600, 1800)
    kinds = tuple(rng.sample(FACT_KINDS, rng.randint(1, 2))) if rng.random() < 0.5 else FACT_KINDS
    document = make_document(rng, words, rng.randint(3, 10), kinds)
    return document, rng.randint(3, 8)


def train_conversation(split, seed, index, doc_words=(150, 1400), max_turns=7, mix="base"):
    """Training example `index`: a scene with a caption and/or 2-7 questions, or a document with 2-5
    questions about distinct facts, or the model's self-description. Several answers per picture or
    document: the expensive part of a conversation (the image tokens, the document) is paid once.
    mix: "base" (stages A and B), "retrieval" (stage C), "balanced" (stage D), "vision", "focus" or "final"
    (stages E, F, H); all but "base" ask about retrieval_document()s."""
    rng = example_rng(split, seed, index)
    kind = weighted_choice(rng, MIXES[mix])
    eid = f"{split}-{seed}-{index:07d}"
    if kind == "about":
        return Example(eid, None, None, [about_turn(rng)])
    if kind == "document" and mix != "base":
        document, questions = retrieval_document(rng)
        return Example(eid, None, document, doc_turns(rng, document, questions))
    if kind == "document":
        document = make_document(rng, rng.randint(*doc_words))
        return Example(eid, None, document, doc_turns(rng, document, rng.randint(2, 5)))
    scene = scene_for(kind, rng)
    with_focus = mix == "focus" or (mix == "final" and rng.random() < 0.5)
    pool = vqa_turns(rng, scene) + (focus_turns(rng, scene) if with_focus else [])
    rng.shuffle(pool)
    turns = pool[:rng.randint(2, max_turns)]
    if rng.random() < 0.6:
        turns.insert(0 if rng.random() < 0.7 else len(turns), caption_turn(rng, scene))
    return Example(eid, scene, None, turns)


@dataclasses.dataclass
class EvalRecord:
    """One held-out question: the proposed JSONL schema of the C++ evaluation (`lightvl eval`).

    id        unique; task: caption | vqa | count | read | doc
    image     path of the PNG relative to the JSONL file, or null
    document  {"file": path relative to the JSONL file, "name": the name lightvl shows} or null
    prompt    the user's text after the image or document (the CLI's --prompt)
    answer    the reference answer (greedy answers are compared after `normalise`)
    truth     structured facts for the scorer: caption -> shapes [{kind, colour, size, where}], style,
              text, text_colour; others -> answer (normalised), doc -> fact_kind, depth (0..1 of the text)
    bucket    the context bucket of document questions ("2k", "8k", ...) or null
    """
    id: str
    task: str
    image: Optional[str]
    document: Optional[dict]
    prompt: str
    answer: str
    truth: dict
    bucket: Optional[str] = None


def eval_scene_records(split, seed, index):
    """One scene and one question about it (a caption for a third of the scenes)."""
    rng = example_rng(split, seed, index)
    style = weighted_choice(rng, [("grid", 0.6), ("count", 0.2), ("text", 0.2)])
    scene = scene_for(style, rng)
    turn = caption_turn(rng, scene) if rng.random() < 1 / 3 else rng.choice(vqa_turns(rng, scene))
    return scene, turn


def eval_document(split, seed, index, words):
    rng = example_rng(split, seed, index)
    document = make_document(rng, words)
    return document, doc_turn(rng, document)

# --------------------------------------------------------------------------------------------------
# Reference scorers (what the C++ `lightvl eval` should compute)


CAPTION_OBJECT = re.compile(r"\b(?:a|an) (small|large) (" + "|".join(COLOURS) + r") (" + "|".join(SHAPES) + r") ("
                            + "|".join(re.escape(w) for w in WHERE.values()) + r")")
CAPTION_GROUP = re.compile(r"\b(\d+) (" + "|".join(COLOURS) + r") (" + "|".join(SHAPES) + r")s?\b")


def score_caption(prediction, truth):
    """(correct, total) attribute judgements of a caption.

    grid scenes: per true shape, 4 attributes (place mentioned, and kind, colour, size of the shape
    mentioned at that place); every mentioned shape at a place with no true shape adds 1 to the total.
    count scenes: per (kind, colour) group, 1 if its count is stated right. text: code and colour."""
    text = prediction.lower()
    if truth["style"] == "text":
        return int(truth["text"].lower() in text) + int(truth["text_colour"] in text), 2
    if truth["style"] == "count":
        stated = {(m.group(3), m.group(2)): int(m.group(1)) for m in CAPTION_GROUP.finditer(text)}
        counts = {}
        for s in truth["shapes"]:
            counts[(s["kind"], s["colour"])] = counts.get((s["kind"], s["colour"]), 0) + 1
        correct = sum(stated.get(key) == n for key, n in counts.items())
        return correct, len(counts) + len(set(stated) - set(counts))
    said = {m.group(4): (m.group(1), m.group(2), m.group(3)) for m in CAPTION_OBJECT.finditer(text)}
    correct, total = 0, 0
    for s in truth["shapes"]:
        total += 4
        if s["where"] in said:
            size, colour, kind = said[s["where"]]
            correct += 1 + (size == s["size"]) + (colour == s["colour"]) + (kind == s["kind"])
    total += len(set(said) - {s["where"] for s in truth["shapes"]})
    return correct, total


def score_answer(prediction, truth):
    """1 if the normalised prediction equals the normalised reference answer, else 0."""
    return int(normalise(prediction) == truth["answer"])

# --------------------------------------------------------------------------------------------------
# --dump


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def dump(count, directory, split, seed, doc_words=400):
    """`count` evaluation records (scenes, and every fifth a document) plus `count` training conversations."""
    os.makedirs(os.path.join(directory, "images"), exist_ok=True)
    os.makedirs(os.path.join(directory, "documents"), exist_ok=True)
    records = []
    for i in range(count):
        rid = f"{split}-{seed}-{i:05d}"
        if i % 5 == 4:
            document, turn = eval_document(split, seed, i, doc_words)
            path = f"documents/{rid}.txt"
            with open(os.path.join(directory, path), "w", encoding="utf-8") as f:
                f.write(document.text)
            records.append(EvalRecord(rid, turn.task, None, {"file": path, "name": document.name}, turn.prompt,
                                      turn.answer, turn.truth, "dump"))
            continue
        scene, turn = eval_scene_records(split, seed, i)
        path = f"images/{rid}.png"
        render(scene).save(os.path.join(directory, path))
        records.append(EvalRecord(rid, turn.task, path, None, turn.prompt, turn.answer, turn.truth))
    write_jsonl(os.path.join(directory, "examples.jsonl"), [dataclasses.asdict(r) for r in records])
    conversations = []
    for i in range(count):
        ex = train_conversation(split, seed, i)
        image = None
        if ex.scene is not None:
            image = f"images/train-{ex.id}.png"
            render(ex.scene).save(os.path.join(directory, image))
        conversations.append({"id": ex.id, "messages": ex.messages(image)})
    write_jsonl(os.path.join(directory, "train.jsonl"), conversations)
    return records


# The document buckets of the evaluation: name -> words of document text. With the demo tokenizer a word of
# this prose is 1.10-1.14 tokens (measured by `lightvl eval`, which reports every bucket's mean prompt
# tokens), so each bucket's prompts come to just under its name: 2k -> ~2.0k tokens, 128k -> ~130k.
EVAL_BUCKETS = {"2k": 1780, "8k": 7300, "32k": 29600, "128k": 118500}
EVAL_DOCS = {"2k": 100, "8k": 40, "32k": 20, "128k": 10}


def write_eval_set(directory, seed=0, scenes=300, docs=None, words=None):
    """The held-out evaluation set of the demo model card: `scenes` scene questions (a third captions) and,
    per bucket of EVAL_BUCKETS, docs[bucket] document questions. Writes DIR/examples.jsonl (EvalRecord per
    line), DIR/images/*.png and DIR/documents/*.txt; returns the records. Example i of a bucket comes from
    the "heldout" stream at index (bucket's position + 1) * 1,000,000 + i, scenes from index i. `words`
    overrides EVAL_BUCKETS' document lengths (to remake an older set)."""
    docs = dict(EVAL_DOCS if docs is None else docs)
    buckets = dict(EVAL_BUCKETS, **(words or {}))
    os.makedirs(os.path.join(directory, "images"), exist_ok=True)
    os.makedirs(os.path.join(directory, "documents"), exist_ok=True)
    records = []
    for i in range(scenes):
        rid = f"heldout-{seed}-scene-{i:05d}"
        scene, turn = eval_scene_records("heldout", seed, i)
        path = f"images/{rid}.png"
        render(scene).save(os.path.join(directory, path))
        records.append(EvalRecord(rid, turn.task, path, None, turn.prompt, turn.answer, turn.truth))
    for b, (bucket, length) in enumerate(buckets.items()):
        for i in range(docs.get(bucket, 0)):
            rid = f"heldout-{seed}-{bucket}-{i:04d}"
            document, turn = eval_document("heldout", seed, (b + 1) * 1_000_000 + i, length)
            path = f"documents/{rid}.txt"
            with open(os.path.join(directory, path), "w", encoding="utf-8") as f:
                f.write(document.text)
            records.append(EvalRecord(rid, turn.task, None, {"file": path, "name": document.name}, turn.prompt,
                                      turn.answer, turn.truth, bucket))
    write_jsonl(os.path.join(directory, "examples.jsonl"), [dataclasses.asdict(r) for r in records])
    return records


def self_check():
    """The scorers give full marks to the reference answers (run by --dump)."""
    for i in range(200):
        scene, turn = eval_scene_records("check", 0, i)
        if turn.task == "caption":
            correct, total = score_caption(turn.answer, turn.truth)
            assert correct == total and total > 0, (turn.answer, turn.truth, correct, total)
        else:
            assert score_answer(turn.answer, turn.truth) == 1, turn
    document, turn = eval_document("check", 0, 0, 300)
    assert turn.truth["answer"] in document.text.lower() and score_answer(turn.answer, turn.truth) == 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--dump", nargs=2, metavar=("N", "DIR"),
                      help="write N evaluation records and N training conversations under DIR")
    what.add_argument("--eval-set", metavar="DIR", help="write the model card's held-out evaluation set under DIR")
    what.add_argument("--sample-picture", metavar="PNG", help="write the bundled sample picture (sample_scene)")
    parser.add_argument("--scenes", type=int, default=300, help="--eval-set: scene questions")
    parser.add_argument("--docs", default=",".join(f"{k}={v}" for k, v in EVAL_DOCS.items()),
                        help="--eval-set: document questions per bucket, e.g. 2k=100,8k=40")
    parser.add_argument("--split", default="heldout")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    self_check()
    if args.sample_picture:
        render(sample_scene()).save(args.sample_picture)
        print(f"wrote {args.sample_picture}: {caption(sample_scene())}")
        return 0
    if args.eval_set:
        docs = {k: int(v) for k, v in (item.split("=") for item in args.docs.split(",") if item)}
        unknown = set(docs) - set(EVAL_BUCKETS)
        if unknown:
            parser.error(f"unknown bucket(s) {sorted(unknown)} in --docs; the buckets are {list(EVAL_BUCKETS)}")
        records, where = write_eval_set(args.eval_set, args.seed, args.scenes, docs), args.eval_set
    else:
        records, where = dump(int(args.dump[0]), args.dump[1], args.split, args.seed), args.dump[1]
    tasks = {}
    for r in records:
        tasks[r.task] = tasks.get(r.task, 0) + 1
    print(f"wrote {len(records)} records to {where}/examples.jsonl ({tasks})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

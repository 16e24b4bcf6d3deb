// lightvl eval: the scorers of the demo domain, ported from tests/reference/demo_data.py (`normalise`,
// `score_answer`, `score_caption`). Pure functions: no I/O, no state, thread-safe. Parity with the Python
// reference is tested case by case (tests/cli/data/eval_scoring_cases.jsonl, made by
// tests/reference/make_eval_scoring_fixture.py).
//
// Text follows Python's str semantics on valid UTF-8: Unicode whitespace (str.isspace) for strip and
// \s, Unicode \b and \d in the caption patterns, Unicode lower case. Two deliberate gaps: lower case uses
// the simple one-to-one mapping (Python's special cases, final sigma and U+0130, are not reproduced), and
// invalid UTF-8 bytes are read as U+FFFD (a Python str cannot hold them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lightvl::cli {

// A judgement count: `correct` of `total` (one answer: 0 or 1 of 1; a caption: attribute judgements).
struct Score {
  int64_t correct = 0;
  int64_t total = 0;
  bool operator==(const Score&) const = default;
};

// One true shape of a scene as the caption scorer sees it; strings use demo_data's vocabulary
// ("circle", "red", "small", "in the top left", ...).
struct ShapeTruth {
  std::string kind, colour, size, where;
};

// What a record's scorer needs: `answer` (already normalised) for vqa/count/read/doc; `style`
// ("grid", "count" or "text"), `shapes`, `text` and `text_colour` for captions.
struct Truth {
  std::string answer;
  std::string style;
  std::vector<ShapeTruth> shapes;
  std::string text, text_colour;
};

// demo_data.normalise: strip, lower case, runs of whitespace to one space, no final full stops, strip.
std::string normalise(std::string_view answer);

// demo_data.score_answer: 1 of 1 when normalise(prediction) equals truth.answer, else 0 of 1.
Score score_answer(std::string_view prediction, const Truth& truth);

// demo_data.score_caption: attribute judgements of a caption. text style: the code and its colour
// mentioned (of 2); count style: one per (kind, colour) group stated with the right number, of the true
// groups plus the stated groups that do not exist; any other style (grid): per true shape 4 (its place
// mentioned, and the size, colour and kind said there), plus 1 to the total per mentioned empty place.
Score score_caption(std::string_view prediction, const Truth& truth);

// The scorer of `task`: score_caption for "caption", score_answer for every other task.
Score score_prediction(std::string_view task, std::string_view prediction, const Truth& truth);

}  // namespace lightvl::cli

// Pre-tokenizer steps, run depth first (see the header). The split logic mirrors Hugging Face's
// NormalizedString::split: a pattern yields matches and the gaps between them, and the delimiter
// behaviour decides how they group into pieces.
#include "tokenizer/pre_tokenizer.h"

#include "tokenizer/byte_level.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

using Behavior = PreTokenizer::Behavior;

// GPT-2's word split, used by ByteLevel when use_regex is true (Hugging Face's fixed pattern).
constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Turns a stream of (span, is_match) covering a piece into the pieces of one delimiter behaviour
// (Hugging Face NormalizedString::split), holding back at most one piece that may still grow.
class BehaviorSplitter {
 public:
  using Emit = std::function<void(Span)>;
  BehaviorSplitter(Behavior behavior, const Emit& emit) : behavior_(behavior), emit_(emit) {}

  void add(Span span, bool is_match) {
    switch (behavior_) {
      case Behavior::kIsolated: emit_(span); break;
      case Behavior::kRemoved:
        if (!is_match) emit_(span);
        break;
      case Behavior::kContiguous:  // runs of matches, and runs of non-matches, each become one piece
        if (has_pending_ && is_match == previous_) {
          pending_.end = span.end;
        } else {
          flush();
          hold(span);
        }
        break;
      case Behavior::kMergedWithPrevious:  // a match joins the non-match before it
        if (has_pending_ && is_match && !previous_) {
          pending_.end = span.end;
        } else {
          flush();
          hold(span);
        }
        break;
      case Behavior::kMergedWithNext:  // a match joins the non-match after it
        if (is_match) {
          flush();
          hold(span);
        } else if (has_pending_) {
          emit_({pending_.begin, span.end});
          has_pending_ = false;
        } else {
          emit_(span);
        }
        break;
    }
    previous_ = is_match;
  }

  void finish() { flush(); }

 private:
  void hold(Span span) {
    pending_ = span;
    has_pending_ = true;
  }
  void flush() {
    if (has_pending_) emit_(pending_);
    has_pending_ = false;
  }

  Behavior behavior_;
  const Emit& emit_;
  Span pending_{0, 0};
  bool has_pending_ = false;
  bool previous_ = false;
};

// Feeds the matches of `regex` and the gaps between them, covering all of `text`, to `splitter`
// (Hugging Face Pattern::find_matches; `invert` swaps the roles).
void cover_regex(const Regex& regex, std::string_view text, bool invert, BehaviorSplitter& splitter) {
  size_t prev = 0;
  regex.for_each_match(text, [&](Span m) {
    if (prev != m.begin) splitter.add({prev, m.begin}, invert);
    splitter.add(m, !invert);
    prev = m.end;
  });
  if (prev != text.size()) splitter.add({prev, text.size()}, invert);
  splitter.finish();
}

// Character-predicate matching: every character for which `pred` holds is a match of its own, and the
// runs of other characters are the gaps (Hugging Face's Pattern impl for Fn(char) -> bool).
template <class Pred>
void cover_chars(std::string_view text, Pred pred, BehaviorSplitter& splitter) {
  size_t last = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    if (pred(next_code_point(text, pos))) {
      if (last < start) splitter.add({last, start}, false);
      splitter.add({start, pos}, true);
      last = pos;
    }
  }
  if (text.size() > last) splitter.add({last, text.size()}, false);
  splitter.finish();
}

Behavior parse_behavior(const JsonPath& config) {
  const std::string name = config.string("behavior");
  if (name == "Removed") return Behavior::kRemoved;
  if (name == "Isolated") return Behavior::kIsolated;
  if (name == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (name == "MergedWithNext") return Behavior::kMergedWithNext;
  if (name == "Contiguous") return Behavior::kContiguous;
  config.at("behavior").fail_here("is \"" + name + "\"; expected Removed, Isolated, MergedWithPrevious, "
                                  "MergedWithNext or Contiguous", ErrorCode::kUnsupported);
}

PreTokenizer::PrependScheme parse_prepend_scheme(const JsonPath& config) {
  const std::string scheme = config.string_or("prepend_scheme", "always");
  using P = PreTokenizer::PrependScheme;
  if (scheme == "first") return P::kFirst;
  if (scheme == "never") return P::kNever;
  if (scheme == "always") return P::kAlways;
  config.at("prepend_scheme").fail_here("is \"" + scheme + "\"; expected always, first or never");
}

bool is_one_character(const std::string& s) {
  if (s.empty() || !is_valid_utf8(s)) return false;
  size_t pos = 0;
  next_code_point(s, pos);
  return pos == s.size();
}

}  // namespace

PreTokenizer PreTokenizer::from_json(const JsonPath& config) {
  PreTokenizer p;
  if (!config.value().is_null()) append_steps(config, p.steps_);
  return p;
}

void PreTokenizer::append_steps(const JsonPath& config, std::vector<Step>& steps) {
  const std::string type = config.string("type");
  if (type == "Sequence") {
    const JsonPath list = config.at("pretokenizers");
    list.require_type("array");
    for (size_t i = 0; i < list.value().size(); ++i) append_steps(list.at(i), steps);
    return;
  }
  Step step;
  if (type == "Split") {
    step.kind = Kind::kSplit;
    step.pattern = parse_pattern(config.at("pattern"));
    step.behavior = parse_behavior(config);
    step.invert = config.boolean_or("invert", false);
  } else if (type == "ByteLevel") {
    step.kind = Kind::kByteLevel;
    step.add_prefix_space = config.boolean_or("add_prefix_space", true);
    if (config.boolean_or("use_regex", true)) step.pattern = Regex::onig(kGpt2Pattern, config.where() + " (GPT-2 regex)");
  } else if (type == "Digits") {
    step.kind = Kind::kDigits;
    step.individual_digits = config.boolean_or("individual_digits", false);
  } else if (type == "Metaspace") {
    step.kind = Kind::kMetaspace;
    step.replacement = config.string("replacement");
    if (!is_one_character(step.replacement)) config.at("replacement").fail_here("must be exactly one character");
    step.prepend = parse_prepend_scheme(config);
    if (!config.boolean_or("add_prefix_space", true)) step.prepend = PrependScheme::kNever;  // older files
    step.split = config.boolean_or("split", true);
  } else {
    config.fail_here("has type \"" + type +
                         "\", a pre-tokenizer lightvl does not implement (supported: Sequence, Split, ByteLevel, "
                         "Digits, Metaspace)",
                     ErrorCode::kUnsupported);
  }
  steps.push_back(std::move(step));
}

void PreTokenizer::split(std::string_view text, bool at_origin, const WordSink& sink, PreTokenizeScratch& s) const {
  if (s.levels.size() < steps_.size()) s.levels.resize(steps_.size());
  if (!text.empty()) run(0, text, at_origin, sink, s);
}

void PreTokenizer::run(size_t index, std::string_view text, bool at_origin, const WordSink& sink,
                       PreTokenizeScratch& s) const {
  if (index == steps_.size()) {
    sink(text);
    return;
  }
  const Step& step = steps_[index];
  PreTokenizeScratch::Level& level = s.levels[index];
  // Each piece of this step goes through the remaining steps before the next piece is cut.
  const auto next = [&](std::string_view piece_text, Span span) {
    if (span.end > span.begin) {
      run(index + 1, piece_text.substr(span.begin, span.end - span.begin), at_origin && span.begin == 0, sink, s);
    }
  };
  switch (step.kind) {
    case Kind::kSplit: {
      const BehaviorSplitter::Emit emit = [&](Span span) { next(text, span); };
      BehaviorSplitter splitter(step.behavior, emit);
      if (step.pattern) {
        cover_regex(*step.pattern, text, step.invert, splitter);
      } else {
        splitter.add({0, text.size()}, step.invert);  // an empty String pattern matches nothing
        splitter.finish();
      }
      break;
    }
    case Kind::kDigits: {
      const BehaviorSplitter::Emit emit = [&](Span span) { next(text, span); };
      BehaviorSplitter splitter(step.individual_digits ? Behavior::kIsolated : Behavior::kContiguous, emit);
      cover_chars(text, is_numeric, splitter);
      break;
    }
    case Kind::kByteLevel: {
      std::string_view source = text;
      if (step.add_prefix_space && text.front() != ' ') {
        level.text.clear();
        level.text.push_back(' ');
        level.text.append(text);
        source = level.text;
      }
      const auto map_and_run = [&](Span span) {
        level.mapped.clear();
        append_byte_level(level.mapped, source.substr(span.begin, span.end - span.begin));
        run(index + 1, level.mapped, at_origin && span.begin == 0, sink, s);
      };
      if (!step.pattern) {
        map_and_run({0, source.size()});
        break;
      }
      const BehaviorSplitter::Emit emit = [&](Span span) {
        if (span.end > span.begin) map_and_run(span);
      };
      BehaviorSplitter splitter(Behavior::kIsolated, emit);
      cover_regex(*step.pattern, source, false, splitter);
      break;
    }
    case Kind::kMetaspace: {
      // Spaces become the replacement character, then the prefix rule, then a split before each one.
      level.text.clear();
      for (const char c : text) {
        if (c == ' ') {
          level.text += step.replacement;
        } else {
          level.text += c;
        }
      }
      const bool starts = level.text.compare(0, step.replacement.size(), step.replacement) == 0;
      if (!starts && (step.prepend == PrependScheme::kAlways || (step.prepend == PrependScheme::kFirst && at_origin))) {
        level.text.insert(0, step.replacement);
      }
      const std::string_view replaced = level.text;
      if (!step.split) {
        next(replaced, {0, replaced.size()});
        break;
      }
      size_t pos = 0;
      const char32_t mark = next_code_point(step.replacement, pos);
      const BehaviorSplitter::Emit emit = [&](Span span) { next(replaced, span); };
      BehaviorSplitter splitter(Behavior::kMergedWithNext, emit);
      cover_chars(replaced, [mark](char32_t c) { return c == mark; }, splitter);
      break;
    }
  }
}

}  // namespace lightvl::text

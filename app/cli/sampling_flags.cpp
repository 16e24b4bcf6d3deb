#include "sampling_flags.h"

#include <CLI/CLI.hpp>

namespace lightvl::cli {

void add_sampling_flags(CLI::App& app, GenerationConfig& c) {
  app.add_option("--max-tokens", c.max_tokens, "New tokens at most")->check(CLI::Range(0, 1 << 30))->capture_default_str();
  app.add_flag("--greedy", c.greedy, "Greedy (argmax) decoding: deterministic");
  app.add_option("--temperature", c.temperature, "Sampling temperature (> 0)")->capture_default_str();
  app.add_option("--top-k", c.top_k, "Keep the k most likely tokens (0 = off)")->capture_default_str();
  app.add_option("--top-p", c.top_p, "Nucleus sampling threshold in (0, 1]")->capture_default_str();
  app.add_option("--min-p", c.min_p, "Drop tokens below min-p times the top probability")->capture_default_str();
  app.add_option("--repeat-penalty", c.repetition_penalty, "Repetition penalty (1 = off)")->capture_default_str();
  app.add_option("--presence-penalty", c.presence_penalty, "Presence penalty (0 = off)")->capture_default_str();
  app.add_option("--frequency-penalty", c.frequency_penalty, "Frequency penalty (0 = off)")->capture_default_str();
  app.add_option("--seed", c.seed, "Sampling seed (-1 = random)")->capture_default_str();
  app.add_option("--stop", c.stop_strings, "Stop when the answer ends with this text (repeatable)");
}

}  // namespace lightvl::cli

// The sampling flags shared by `lightvl run`, `lightvl chat` and `lightvl caption`.
#pragma once

#include "lightvl/generation.h"

namespace CLI {
class App;
}

namespace lightvl::cli {

// Adds --max-tokens, --greedy, --temperature, --top-k, --top-p, --min-p, --repeat-penalty,
// --presence-penalty, --frequency-penalty, --seed and --stop (repeatable) to `app`, writing into `config`
// (which must outlive parsing). Defaults are GenerationConfig's.
void add_sampling_flags(CLI::App& app, GenerationConfig& config);

}  // namespace lightvl::cli

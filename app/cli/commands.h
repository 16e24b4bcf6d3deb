// Registration of the lightvl subcommands. Each add_* function adds its subcommand (flags and help) to
// `app` and returns the function main runs when that subcommand was chosen; it returns the exit code.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace lightvl::cli {

using Command = std::function<int()>;

Command add_info(CLI::App& app);    // lightvl info --model DIR [--context N]
Command add_logits(CLI::App& app);  // lightvl logits --model DIR (--ids L | --ids-file F) [--image F]... [--decode] --out F.npy
Command add_run(CLI::App& app);     // lightvl run --model DIR (--prompt S | --ids L) [--image F]... [--document F]...
Command add_chat(CLI::App& app);    // lightvl chat --model DIR [--system S]
Command add_tokenize(CLI::App& app);    // lightvl tokenize --model DIR (--text S | --text-file F) [--no-special]
Command add_detokenize(CLI::App& app);  // lightvl detokenize --model DIR --ids 1,2,3
Command add_template(CLI::App& app);    // lightvl template --model DIR --messages F.json
Command add_bench(CLI::App& app);         // lightvl bench [--model DIR] [--device cuda|cpu] [--contexts L]
Command add_image_tokens(CLI::App& app);  // lightvl image-tokens --model DIR --image F
Command add_caption(CLI::App& app);  // lightvl caption --model DIR INPUT... --output F [--format csv] [--recursive]
Command add_eval(CLI::App& app);     // lightvl eval --model DIR --data F.jsonl [--tasks L] [--buckets L] [--limit N] [--json]

}  // namespace lightvl::cli

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
Command add_logits(CLI::App& app);  // lightvl logits --model DIR (--ids L | --ids-file F) [--decode] --out F.npy

}  // namespace lightvl::cli

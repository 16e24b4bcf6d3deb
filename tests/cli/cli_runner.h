// Runs the lightvl executable as a child process and captures what it did.
#pragma once

#include <string>

namespace lightvl::test {

struct CliResult {
  int exit_code = -1;     // the process' exit status, or -1 when it did not exit normally
  bool crashed = false;   // killed by a signal (segfault, abort, ...)
  std::string output;     // stdout and stderr together
};

// Runs `lightvl <args>` (args are passed through the shell: quote paths) and waits for it.
CliResult run_cli(const std::string& args);

// A fresh empty directory under the system temp dir; removed by the caller when done.
std::string make_temp_dir(const std::string& tag);

}  // namespace lightvl::test

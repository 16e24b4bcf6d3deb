// Helpers shared by the lightvl subcommands: id lists, byte formatting, error reporting.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lightvl/model.h"

namespace CLI {
class App;
}

namespace lightvl::cli {

// Adds `--weights checkpoint|int8` to `sub`, stored in `value` (a bad value is a usage error, exit 2).
void add_weights_option(CLI::App* sub, std::string& value);
// "int8" → WeightFormat::kInt8, anything else (the checked "checkpoint") → kCheckpoint.
WeightFormat weight_format_of(const std::string& value);

// Parses "1,2,3" (spaces allowed). Throws lightvl::Error(kInvalidArgument) naming the bad item.
std::vector<int32_t> parse_id_list(const std::string& text);
// Reads ids from a file: comma-, space- or newline-separated integers, or a JSON array.
std::vector<int32_t> read_id_file(const std::string& path);
// Throws Error(kIo) unless `path` can be created or overwritten (checked before long computations).
void ensure_writable(const std::string& path);
// "1.50 GiB", "12.0 KiB", "512 B".
std::string format_bytes(uint64_t bytes);

// Runs `body`, turning lightvl::Error and other exceptions into "lightvl: error: ..." on stderr and
// exit code 1 (2 for invalid arguments). Returns body's exit code otherwise.
int run_guarded(const std::function<int()>& body);

}  // namespace lightvl::cli

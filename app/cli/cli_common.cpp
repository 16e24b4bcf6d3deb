#include "cli_common.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "lightvl/error.h"

namespace lightvl::cli {
namespace {

std::vector<int32_t> parse_separated(const std::string& text, const std::string& source) {
  std::vector<int32_t> ids;
  std::string item;
  auto flush = [&] {
    if (item.empty()) return;
    size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || value < 0 || value > INT32_MAX) {
      throw Error(ErrorCode::kInvalidArgument,
                  source + ": '" + item + "' is not a token id (expected non-negative integers separated by commas)");
    }
    ids.push_back(int32_t(value));
    item.clear();
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '[' || c == ']') {
      flush();
    } else {
      item += c;
    }
  }
  flush();
  return ids;
}

}  // namespace

std::vector<int32_t> parse_id_list(const std::string& text) { return parse_separated(text, "--ids"); }

std::vector<int32_t> read_id_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot open ids file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_separated(buffer.str(), path);
}

void ensure_writable(const std::string& path) {
  std::ofstream probe(path, std::ios::app);
  if (!probe) {
    throw Error(ErrorCode::kIo, "cannot write '" + path + "': check that the directory exists and is writable");
  }
}

std::string format_bytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.2f %s", value, kUnits[unit]);
  return text;
}

void add_weights_option(CLI::App* sub, std::string& value) {
  sub->add_option("--weights", value,
                  "Backbone projections: checkpoint (as stored) or int8 (weight-only int8, per-row scales, "
                  "quantised at load; about half the memory of bf16)")
      ->check(CLI::IsMember({"checkpoint", "int8"}))
      ->capture_default_str();
}

WeightFormat weight_format_of(const std::string& value) {
  return value == "int8" ? WeightFormat::kInt8 : WeightFormat::kCheckpoint;
}

int run_guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    std::fprintf(stderr, "lightvl: error (%s): %s\n", error_code_name(e.code()), e.what());
    return e.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "lightvl: error (out of memory): an allocation failed; try a shorter input\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lightvl: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace lightvl::cli

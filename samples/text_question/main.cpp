// Sample: ask a model one question and print the answer.
// Usage: text_question MODEL_DIR "question"
#include <lightvl/session.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL_DIR QUESTION\n", argv[0]);
    return 2;
  }
  try {
    lightvl::Session session(lightvl::Model::load(argv[1]));
    lightvl::GenerationConfig config;
    config.max_tokens = 64;
    config.greedy = true;
    const lightvl::GenerationResult answer = session.chat({lightvl::Message::user(argv[2])}, config);
    std::printf("%s\n", answer.text.c_str());
    std::fprintf(stderr, "%lld tokens, %.1f tokens/s\n", (long long)answer.stats.generated_tokens,
                 answer.stats.decode_tokens_per_second());
    return 0;
  } catch (const lightvl::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

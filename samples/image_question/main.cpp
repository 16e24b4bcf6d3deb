// Sample: ask a vision-language model about an image.
// Usage: image_question MODEL_DIR IMAGE "question"
#include <lightvl/session.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL_DIR IMAGE QUESTION\n", argv[0]);
    return 2;
  }
  try {
    lightvl::Session session(lightvl::Model::load(argv[1]));
    lightvl::Message question = lightvl::Message::user();
    question.add_image(lightvl::Image::from_file(argv[2])).add_text(argv[3]);
    lightvl::GenerationConfig config;
    config.max_tokens = 64;
    config.greedy = true;
    const lightvl::GenerationResult answer = session.chat({question}, config);
    std::printf("%s\n", answer.text.c_str());
    std::fprintf(stderr, "%lld prompt tokens, of which %lld for the image\n",
                 (long long)answer.stats.prompt_tokens, (long long)answer.stats.image_tokens);
    return 0;
  } catch (const lightvl::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

// Session behaviour through the public API only: greedy generation equals transformers' greedy
// continuation, a multi-turn conversation equals replaying it from scratch, cancellation from another
// thread, stop strings split across tokens, and bad requests refused without changing the conversation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lightvl/session.h"
#include "lightvl/tokenizer.h"
#include "io/npy.h"

namespace lightvl {
namespace {

const std::string kRoot = LIGHTVL_SOURCE_DIR;
const std::string kTextModel = kRoot + "/assets/tiny-minimax-text-01";

std::shared_ptr<const Model> text_model() {
  static std::shared_ptr<const Model> model = Model::load(kTextModel);
  return model;
}

GenerationConfig greedy(int max_tokens) {
  GenerationConfig c;
  c.greedy = true;
  c.max_tokens = max_tokens;
  return c;
}

TEST(Session, GreedyGenerationMatchesTransformers) {
  std::ifstream in(kRoot + "/tests/fixtures/golden/text_released.json");
  const nlohmann::json golden = nlohmann::json::parse(in);
  const auto prompt = golden["greedy_prompt_ids"].get<std::vector<int32_t>>();
  const auto expected = golden["greedy_ids"].get<std::vector<int32_t>>();
  Session s(text_model());
  GenerationConfig c = greedy(int(expected.size()));
  c.stop_ids = {};
  const GenerationResult r = s.generate_ids(prompt, c);
  // The reference generated a fixed number of tokens without stopping; compare up to an end id.
  std::vector<int32_t> reference = expected;
  if (r.stop_reason == StopReason::kEndOfSequence) reference.resize(r.ids.size());
  EXPECT_EQ(r.ids, reference);
  EXPECT_EQ(r.stats.prompt_tokens, int64_t(prompt.size()));
}

TEST(Session, MultiTurnEqualsReplayFromScratch) {
  const GenerationConfig c = greedy(10);
  Session a(text_model());
  const GenerationResult first = a.chat({Message::system("Be brief."), Message::user("Hello, who are you?")}, c);
  const GenerationResult second = a.chat({Message::user("And what can you do?")}, c);

  Session b(text_model());
  const GenerationResult replay = b.chat({Message::system("Be brief."), Message::user("Hello, who are you?"),
                                          Message::assistant(first.text), Message::user("And what can you do?")},
                                         c);
  EXPECT_EQ(second.ids, replay.ids);
  EXPECT_EQ(second.text, replay.text);
  // The second turn prefilled only its new tokens (at most the rewound answer plus the new message).
  EXPECT_LT(second.stats.prompt_tokens, replay.stats.prompt_tokens);
}

TEST(Session, ForkBranchesIndependently) {
  const GenerationConfig c = greedy(6);
  Session a(text_model());
  a.chat({Message::user("Tell me a story.")}, c);
  Session b = a.fork();
  const GenerationResult ra = a.chat({Message::user("Continue.")}, c);
  const GenerationResult rb = b.chat({Message::user("Continue.")}, c);
  EXPECT_EQ(ra.ids, rb.ids);
}

TEST(Session, CancelFromAnotherThreadStopsGeneration) {
  Session s(text_model());
  GenerationConfig c;
  c.max_tokens = 3000;  // within the tiny model's 4096-token context
  c.seed = 3;
  std::atomic<int> pieces{0};
  TurnSettings settings;
  settings.on_piece = [&](const StreamPiece&) {
    ++pieces;
    return true;
  };
  std::thread stopper([&] {
    while (pieces.load() < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s.cancel();
  });
  GenerationResult r;
  try {
    r = s.generate_ids({1, 2, 3}, c, settings);
  } catch (...) {
    s.cancel();
    stopper.join();
    throw;
  }
  stopper.join();
  EXPECT_EQ(r.stop_reason, StopReason::kCancelled);
  EXPECT_LT(r.stats.generated_tokens, 1000);
}

TEST(Session, StreamedPiecesConcatenateToTheTextAndStopStringsNeverLeak) {
  Session s(text_model());
  GenerationConfig c = greedy(40);
  const GenerationResult free_run = s.chat({Message::user("Say something.")}, c);
  ASSERT_GE(free_run.text.size(), 6u);
  // Stop on a piece of the greedy answer that spans characters in its middle: the answer must end
  // right before it, and nothing streamed may contain it.
  const std::string stop = free_run.text.substr(free_run.text.size() / 2, 3);
  const std::string expected = free_run.text.substr(0, free_run.text.find(stop));
  Session t(text_model());
  c.stop_strings = {stop};
  std::string streamed;
  TurnSettings settings;
  settings.on_piece = [&](const StreamPiece& p) {
    streamed += p.text;
    return true;
  };
  const GenerationResult r = t.chat({Message::user("Say something.")}, c, settings);
  EXPECT_EQ(r.stop_reason, StopReason::kStopString);
  EXPECT_EQ(r.text, expected);
  EXPECT_EQ(streamed, r.text);
}

TEST(Session, BadRequestsAreRefusedAndTheConversationIsKept) {
  Session s(text_model());
  const GenerationConfig c = greedy(4);
  s.chat({Message::user("Hi")}, c);
  const int64_t position = s.position();
  auto expect_error = [&](const std::vector<Message>& m, ErrorCode code, const std::string& needle) {
    try {
      s.chat(m, c);
      FAIL() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_EQ(s.position(), position);
  };
  expect_error({Message::user("look").add_image(Image::from_file("/nonexistent/cat.png"))}, ErrorCode::kUnsupported,
               "no vision tower");
  expect_error({Message::user("read").add_document(Document::from_file("/nonexistent/doc.txt"))},
               ErrorCode::kNotFound, "/nonexistent/doc.txt");
  std::string huge(20000, 'a');
  for (size_t i = 0; i < huge.size(); i += 7) huge[i] = ' ';
  expect_error({Message::user("summarise").add_document(Document::from_text("big.txt", huge))},
               ErrorCode::kInvalidArgument, "context");
  EXPECT_THROW(s.generate_ids({}, c), Error);
  GenerationConfig bad = c;
  bad.greedy = false;
  bad.temperature = -1;
  EXPECT_THROW(s.chat({Message::user("x")}, bad), Error);
}

TEST(Session, DocumentsGoWholeIntoTheContext) {
  Session s(text_model());
  const std::string docs = kRoot + "/tests/fixtures/documents/";
  const int64_t plain = s.count_tokens({Message::user("Summarise.")});
  const int64_t with_pdf =
      s.count_tokens({Message::user("Summarise.").add_document(Document::from_file(docs + "two_pages.pdf"))});
  const TextTokenizer tok = TextTokenizer::load(kTextModel);
  const int64_t page_tokens = int64_t(tok.encode("The lighthouse code is AZURE-7.").size() +
                                      tok.encode("Page two says the ferry leaves at 06:45.").size());
  EXPECT_GE(with_pdf - plain, page_tokens);
  const GenerationResult r =
      s.chat({Message::user("Summarise.").add_document(Document::from_file(docs + "notes.md"))}, greedy(3));
  EXPECT_GT(r.stats.prompt_tokens, plain);
}

TEST(Session, PrefillProgressAndCancellationKeepTheSessionUsable) {
  Session s(text_model());
  std::string text;
  for (int i = 0; i < 60; ++i) text += "Line " + std::to_string(i) + " of a long document.\n";
  const Message long_turn = Message::user("Read this.").add_document(Document::from_text("long.txt", text));
  TurnSettings settings;
  settings.chunk_tokens = 64;
  std::vector<std::pair<int64_t, int64_t>> calls;
  settings.on_prefill = [&](int64_t done, int64_t total) {
    calls.emplace_back(done, total);
    return calls.size() < 2;  // cancel after the second chunk
  };
  try {
    s.chat({long_turn}, greedy(2), settings);
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].first, 64);
  EXPECT_GT(calls[0].second, 128);
  // The conversation is unchanged: the same turn now gives what a fresh session gives.
  const GenerationResult again = s.chat({long_turn}, greedy(4));
  Session fresh(text_model());
  EXPECT_EQ(again.ids, fresh.chat({long_turn}, greedy(4)).ids);
}

}  // namespace
}  // namespace lightvl

namespace lightvl {
namespace {

const std::string kVlModel = kRoot + "/assets/tiny-minimax-vl-01";

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The same picture given as a file, as encoded bytes and as raw RGB (Pillow's decoded pixels, from the
// preprocessing goldens) must give the reference's logits every time.
TEST(SessionImages, FileEncodedAndRawRgbInputsAgreeWithTheReference) {
  std::ifstream in(kRoot + "/tests/fixtures/golden/vl_golden.json");
  const nlohmann::json g = nlohmann::json::parse(in);
  const nlohmann::json& c = g["cases"][0];  // one image: png_rgb
  ASSERT_EQ(c["images"][0], "png_rgb");
  const std::string path = kRoot + "/tests/fixtures/images/png_rgb.png";
  const Tensor rgb = io::read_npy(kRoot + "/tests/fixtures/golden/vision_preprocess/png_rgb.rgb.npy");
  const Tensor ref = io::read_npy(kRoot + "/" + c["logits_file"].get<std::string>());
  const std::vector<Image> inputs = {
      Image::from_file(path), Image::from_encoded(file_bytes(path), "png_rgb in memory"),
      Image::from_rgb(int(rgb.dim(1)), int(rgb.dim(0)),
                      std::vector<uint8_t>(rgb.data<uint8_t>(), rgb.data<uint8_t>() + rgb.numel()), "raw")};
  auto model = Model::load(kVlModel);
  std::vector<Image> all = inputs;
  std::thread worker([&] { all.push_back(model->prepare_image(Image::from_file(path))); });  // off-thread
  worker.join();
  all.back().name = "prepared on a worker thread";
  for (const Image& image : all) {
    Session s(model);
    FeedOptions o;
    o.all_logits = true;
    const Logits l = s.feed(c["prompt_ids"].get<std::vector<int32_t>>(), o, {image});
    ASSERT_EQ(l.rows, ref.dim(0)) << image.name;
    double max_err = 0, max_ref = 0;
    for (int64_t i = 0; i < ref.numel(); ++i) {
      max_err = std::max(max_err, double(std::abs(l.values[size_t(i)] - ref.data<float>()[i])));
      max_ref = std::max(max_ref, double(std::abs(ref.data<float>()[i])));
    }
    std::printf("[ figure ] %s: relative error %.3g\n", image.name.c_str(), max_err / max_ref);
    EXPECT_LE(max_err, 1e-4 * max_ref) << image.name;
  }
}

// Greedy continuations with images equal transformers' (each reference token from a full forward pass).
TEST(SessionImages, GreedyGenerationWithImagesMatchesTransformers) {
  std::ifstream in(kRoot + "/tests/fixtures/golden/vl_golden.json");
  const nlohmann::json g = nlohmann::json::parse(in);
  auto model = Model::load(kVlModel);
  for (const nlohmann::json& c : g["cases"]) {
    std::vector<Image> images;
    for (const auto& name : c["images"]) {
      images.push_back(Image::from_file(kRoot + "/" + g["images"][name.get<std::string>()]["file"].get<std::string>()));
    }
    const auto expected = c["greedy_ids"].get<std::vector<int32_t>>();
    Session s(model);
    GenerationConfig config;
    config.greedy = true;
    config.max_tokens = int32_t(expected.size());
    const GenerationResult r = s.generate_ids(c["prompt_ids"].get<std::vector<int32_t>>(), config, {}, images);
    std::vector<int32_t> reference = expected;
    if (r.stop_reason == StopReason::kEndOfSequence) reference.resize(r.ids.size());
    EXPECT_EQ(r.ids, reference) << c["name"];
    EXPECT_EQ(r.stats.prompt_tokens, c["expanded_length"].get<int64_t>());
  }
}

TEST(SessionImages, ChatWithImagesAndBadImages) {
  Session s(Model::load(kVlModel));
  GenerationConfig c;
  c.greedy = true;
  c.max_tokens = 4;
  const GenerationResult r = s.chat(
      {Message::user("Compare.").add_image(Image::from_file(kRoot + "/assets/sample-shapes.png"))
           .add_image(Image::from_file(kRoot + "/tests/fixtures/images/jpeg_420.jpg"))},
      c);
  EXPECT_GT(r.stats.image_tokens, 0);
  const int64_t position = s.position();
  for (const std::string bad : {"corrupt.jpg", "truncated.png", "nonexistent.png"}) {
    try {
      s.chat({Message::user("x").add_image(Image::from_file(kRoot + "/tests/fixtures/images/" + bad))}, c);
      FAIL() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
    EXPECT_EQ(s.position(), position);
  }
  EXPECT_THROW(s.chat({Message::user("x").add_image(Image::from_rgb(10, 10, std::vector<uint8_t>(7), "short"))}, c),
               Error);
}

}  // namespace
}  // namespace lightvl

namespace lightvl {
namespace {

TEST(ModelLoad, MemoryBudgetRefusesOversizedTurnsUpFront) {
  LoadOptions o;
  o.memory_budget_bytes = 64 << 10;  // 64 KiB: less than one turn's state and activations
  Session s(Model::load(kTextModel, o));
  try {
    s.chat({Message::user("Hello")});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfMemory);
    EXPECT_NE(std::string(e.what()).find("memory budget"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s.position(), 0);
}

TEST(ModelLoad, ProgressReachesOneAndCancelAborts) {
  LoadOptions o;
  o.prefetch_weights = true;
  std::vector<std::pair<float, std::string>> seen;
  o.progress = [&](float f, const std::string& stage) {
    seen.emplace_back(f, stage);
    return true;
  };
  auto model = Model::load(kVlModel, o);
  ASSERT_FALSE(seen.empty());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].first, seen[i - 1].first) << seen[i].second;
  EXPECT_FLOAT_EQ(seen.back().first, 1.0f);
  EXPECT_EQ(seen.back().second, "weights");

  o.progress = [](float, const std::string& stage) { return stage != "validation"; };
  try {
    Model::load(kVlModel, o);
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
}

}  // namespace
}  // namespace lightvl

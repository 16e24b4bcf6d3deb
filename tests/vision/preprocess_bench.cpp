// Benchmark (not a test): anyres preprocessing of one image on one core at the released 336/14
// configuration, in milliseconds per image. Usage: vision_preprocess_bench [iterations]
// Times preprocess_image (plan, tiles, normalisation into a new fp32 tensor) from an already decoded
// RgbImage, for the 2016x1008 case of issue 4 (an exact 18-tile grid: only the thumbnail is resampled)
// and for 1920x1080 (also resized to 1792x1008 inside the same 2016x1008 grid).
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "vision/preprocess/anyres_preprocess.h"

namespace {

using namespace lightvl::vision;

RgbImage synthetic_image(int width, int height) {
  RgbImage image = make_rgb_image(width, height, "synthetic");
  uint32_t state = 12345;
  for (int y = 0; y < height; ++y) {
    uint8_t* row = image.row(y);
    for (int x = 0; x < width; ++x) {
      state = state * 1664525u + 1013904223u;
      row[3 * x] = uint8_t((x * 255) / width);
      row[3 * x + 1] = uint8_t((y * 255) / height);
      row[3 * x + 2] = uint8_t(state >> 24);
    }
  }
  return image;
}

PreprocessConfig released_config() {
  // As MiniMax-VL-01's config.json states it: the 28 pinpoints and the ViT's 336/14.
  const nlohmann::json model = nlohmann::json::parse(R"({
    "image_grid_pinpoints": [[336,336],[336,672],[336,1008],[336,1344],[336,1680],[336,2016],
      [672,336],[672,672],[672,1008],[672,1344],[672,1680],[672,2016],
      [1008,336],[1008,672],[1008,1008],[1008,1344],[1008,1680],[1008,2016],
      [1344,336],[1344,672],[1344,1008],[1344,1344],[1680,336],[1680,672],[1680,1008],
      [2016,336],[2016,672],[2016,1008]],
    "vision_config": {"image_size": 336, "patch_size": 14}})");
  return parse_preprocess_config(nullptr, "", &model, "config.json");
}

void bench(const PreprocessConfig& config, int width, int height, int iterations) {
  const RgbImage image = synthetic_image(width, height);
  const AnyresPlan plan = plan_anyres(width, height, config);
  preprocess_image(image, config);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  double checksum = 0;
  for (int i = 0; i < iterations; ++i) checksum += preprocess_image(image, config).pixels.data<float>()[7];
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("%4dx%-4d -> grid %4dx%-4d, %2d tiles, %5lld tokens: %7.2f ms/image (%d iterations, checksum %.3f)\n",
              width, height, plan.grid.width, plan.grid.height, plan.num_tiles(),
              static_cast<long long>(plan.num_tokens), ms / iterations, iterations, checksum);
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20;
  const PreprocessConfig config = released_config();
  std::printf("anyres preprocessing, one thread, released 336/14 config, %zu pinpoints\n", config.pinpoints.size());
  bench(config, 2016, 1008, iterations);
  bench(config, 1920, 1080, iterations);
  return 0;
}

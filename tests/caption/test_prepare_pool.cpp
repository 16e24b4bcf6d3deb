// The worker pool: images come out in input order whatever the thread timing, failures included, and
// stop() ends it early.
#include <gtest/gtest.h>

#include <filesystem>

#include "caption_fixture.h"
#include "prepare_pool.h"

namespace lightvl::caption {
namespace {

TEST(CaptionPreparePool, DeliversInOrderWithErrors) {
  const std::shared_ptr<const Model> model = Model::load(test::tiny_model());
  std::vector<ImageFile> jobs;
  for (int round = 0; round < 3; ++round) {
    for (const char* name : {"large_271x199.jpg", "corrupt.jpg", "png_rgb.png", "bomb.png", "webp_lossy.webp"}) {
      jobs.push_back({test::fixture_image(name), 0, 0, {}});
    }
  }
  jobs.push_back({"/nonexistent/listed.png", 0, 0, "cannot open '/nonexistent/listed.png': No such file"});
  PrepareOptions options;
  options.workers = 3;
  options.window = 2;
  options.hash = true;
  PreparePool pool(model, jobs, options);
  for (const ImageFile& job : jobs) {
    std::optional<PreparedImage> image = pool.next();
    ASSERT_TRUE(image.has_value());
    EXPECT_EQ(image->file.path, job.path);
    const bool should_fail = job.path.find("corrupt") != std::string::npos ||
                             job.path.find("bomb") != std::string::npos || !job.error.empty();
    EXPECT_EQ(!image->error.empty(), should_fail) << job.path << ": " << image->error;
    if (!should_fail) {
      EXPECT_EQ(image->image.source, Image::Source::kPrepared);
      EXPECT_EQ(image->sha256.size(), 64u);
      EXPECT_EQ(image->file.size, std::filesystem::file_size(job.path));
    }
  }
  EXPECT_FALSE(pool.next().has_value());
}

TEST(CaptionPreparePool, StopEndsEarly) {
  const std::shared_ptr<const Model> model = Model::load(test::tiny_model());
  std::vector<ImageFile> jobs(50, ImageFile{test::fixture_image("png_rgb.png"), 0, 0, {}});
  PreparePool pool(model, jobs, {});
  ASSERT_TRUE(pool.next().has_value());
  pool.stop();
  EXPECT_FALSE(pool.next().has_value());
}

}  // namespace
}  // namespace lightvl::caption

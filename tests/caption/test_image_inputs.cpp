// Input discovery: directories (flat and recursive), patterns, lists, content sniffing, deduplication.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "caption_fixture.h"
#include "image_inputs.h"
#include "lightvl/error.h"

namespace lightvl::caption {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> paths_of(const DiscoveredInputs& found) {
  std::vector<std::string> paths;
  for (const ImageFile& image : found.images) paths.push_back(image.path);
  return paths;
}

class CaptionInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::make_temp_dir("inputs");
    folder_ = test::make_fixture_folder(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  DiscoveredInputs discover(const std::vector<std::string>& inputs, InputOptions options = {},
                            const std::string& list = {}) {
    std::istringstream stream(list);
    return discover_images(inputs, options, stream);
  }

  std::string root_;
  test::FixtureFolder folder_;
};

TEST_F(CaptionInputs, DirectoriesGiveSortedImagesAndCountOtherFiles) {
  std::vector<std::string> expected = folder_.good;
  expected.insert(expected.end(), folder_.failing.begin(), folder_.failing.end());
  std::sort(expected.begin(), expected.end());
  DiscoveredInputs found = discover({folder_.dir});
  EXPECT_EQ(paths_of(found), expected);
  EXPECT_EQ(found.not_images, 1u);  // notes.txt

  InputOptions recursive;
  recursive.recursive = true;
  found = discover({folder_.dir}, recursive);
  expected.push_back(folder_.in_subfolder);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(paths_of(found), expected);
  EXPECT_EQ(found.images[0].size, fs::file_size(found.images[0].path));
  EXPECT_GT(found.images[0].mtime_ns, 0);
}

TEST_F(CaptionInputs, ContentOrExtensionMakesAnImage) {
  test::copy_file(test::fixture_image("png_rgb.png"), root_ + "/no_extension");
  test::write_text(root_ + "/fake.webp", "not really");  // fails later, but is an image by name
  test::write_text(root_ + "/readme.md", "# text");
  const DiscoveredInputs found = discover({root_ + "/no_extension", root_ + "/fake.webp", root_ + "/readme.md"});
  EXPECT_EQ(paths_of(found), (std::vector<std::string>{root_ + "/no_extension", root_ + "/fake.webp"}));
  EXPECT_EQ(found.not_images, 1u);
  EXPECT_TRUE(has_image_signature(std::string("RIFF\x10\0\0\0WEBP", 12)));
  EXPECT_FALSE(has_image_signature(std::string("RIFF\x10\0\0\0WAVE", 12)));
  EXPECT_TRUE(has_image_extension("A.JPEG"));
}

TEST_F(CaptionInputs, PatternsListsAndDuplicates) {
  fs::create_symlink(folder_.good[0], root_ + "/link.jpg");
  const DiscoveredInputs found =
      discover({folder_.dir + "/*.png", folder_.good[0], root_ + "/link.jpg"}, {false, "-"},
               folder_.in_subfolder + "\r\n\n" + root_ + "/gone.png\n" + folder_.good[0] + "\n");
  std::vector<std::string> expected;
  for (const std::string& p : folder_.good) {
    if (p.ends_with(".png")) expected.push_back(p);
  }
  for (const std::string& p : folder_.failing) {
    if (p.ends_with(".png")) expected.push_back(p);
  }
  std::sort(expected.begin(), expected.end());
  expected.push_back(folder_.good[0]);  // its link and its second listing are the same file
  expected.push_back(folder_.in_subfolder);
  expected.push_back(root_ + "/gone.png");
  EXPECT_EQ(paths_of(found), expected);
  EXPECT_FALSE(found.images.back().error.empty());  // a missing list entry is recorded as a failure
  EXPECT_TRUE(found.images[0].error.empty());
}

TEST_F(CaptionInputs, CommandLineInputsThatNameNothingAreUsageErrors) {
  for (const std::string& input : {root_ + "/missing.jpg", root_ + "/*.nothing"}) {
    try {
      discover({input});
      ADD_FAILURE() << input;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_THROW(discover({}, {false, root_ + "/no-list.txt"}), Error);
}

TEST_F(CaptionInputs, ReadsFilesUnderASizeLimit) {
  const FileContent content = read_image_file(folder_.good[0], 1 << 20);
  EXPECT_EQ(content.bytes.size(), fs::file_size(folder_.good[0]));
  EXPECT_THROW(read_image_file(folder_.good[0], 16), Error);
  EXPECT_THROW(read_image_file(root_ + "/missing.jpg", 1 << 20), Error);
}

}  // namespace
}  // namespace lightvl::caption

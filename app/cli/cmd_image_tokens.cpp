// lightvl image-tokens: how a VL model tiles an image and how many tokens the image costs.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "lightvl/model.h"

namespace lightvl::cli {
namespace {
struct ImageTokensOptions {
  std::string model;
  std::vector<std::string> images;
};
}  // namespace

Command add_image_tokens(CLI::App& app) {
  auto o = std::make_shared<ImageTokensOptions>();
  CLI::App* sub = app.add_subcommand("image-tokens", "Show the grid, kept feature rows/columns and token count of images");
  sub->add_option("--model", o->model, "A MiniMax-VL-01 model directory")->required();
  sub->add_option("--image", o->images, "Image file (repeatable)")->required();
  return [o] {
    const std::shared_ptr<const Model> model = Model::load(o->model);
    for (const std::string& path : o->images) {
      const ImageLayout l = model->image_layout(path);
      std::printf("%s: %dx%d -> grid %dx%d (%dx%d tiles + thumbnail), kept %d columns x %d rows, %lld tokens\n",
                  path.c_str(), l.width, l.height, l.grid_width, l.grid_height, l.tiles_x, l.tiles_y, l.kept_columns,
                  l.kept_rows, (long long)l.tokens);
    }
    return 0;
  };
}

}  // namespace lightvl::cli

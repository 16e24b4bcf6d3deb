#include "engine/loaded_model.h"

#include "core/error.h"

namespace lightvl::engine {
namespace {
std::filesystem::path existing_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  require(std::filesystem::is_directory(dir, ec), ErrorCode::kNotFound,
          "model directory '" + dir.string() + "' does not exist or is not a directory; pass the folder that "
          "holds config.json and the *.safetensors files");
  return dir;
}
}  // namespace

LoadedModel::LoadedModel(const std::filesystem::path& dir)
    : config(io::load_model_config(existing_directory(dir))),
      checkpoint(dir),
      validation(io::validate_checkpoint(checkpoint, config)),
      text(std::make_unique<text::TextModel>(checkpoint, config)) {}

}  // namespace lightvl::engine

// Reading the preprocessing parameters from preprocessor_config.json and config.json.
//
// Only the handful of keys preprocessing needs are read here, straight from the JSON, so that a
// processor-only or a config-only checkpoint directory both work; the full model configuration is
// lightvl_io's business. Every message names the file and the key, shows the value found and says what
// was expected. Where the two files overlap, disagreement is an error rather than a silent choice,
// because the processor and the model must agree on tile size, patch size and grids.
#include "vision/preprocess/preprocess_config.h"

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/error.h"

namespace lightvl::vision {

namespace {

using nlohmann::json;

// A JSON value for a message, cut short.
std::string show(const json& value) {
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// Reads fields of one JSON object with messages that name the file and the key.
class Fields {
 public:
  Fields(const json& object, std::string file, std::string prefix = {})
      : object_(object), file_(std::move(file)), prefix_(std::move(prefix)) {
    if (!object_.is_object()) fail(ErrorCode::kBadModel, file_ + ": expected a JSON object" + where());
  }

  // The value of `key`, or nullptr when absent or null (Hugging Face writes null for unset fields).
  const json* find(const std::string& key) const {
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  [[noreturn]] void bad(const std::string& key, const json& value, const std::string& expected,
                        ErrorCode code = ErrorCode::kBadModel) const {
    fail(code, file_ + ": key \"" + prefix_ + key + "\" is " + show(value) + "; expected " + expected);
  }

  // An integer in [1, 10^6]: larger sizes are certainly a broken file, and products of two stay in int64.
  std::optional<int> positive_int(const std::string& key) const {
    const json* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer() || v->get<int64_t>() <= 0 || v->get<int64_t>() > 1000000) {
      bad(key, *v, "a positive integer");
    }
    return int(v->get<int64_t>());
  }

  // True unless the flag is present and false.
  bool flag_not_false(const std::string& key) const {
    const json* v = find(key);
    if (v == nullptr) return true;
    if (!v->is_boolean()) bad(key, *v, "true or false");
    return v->get<bool>();
  }

  const std::string& file() const { return file_; }

 private:
  std::string where() const { return prefix_.empty() ? "" : " at \"" + prefix_ + "\""; }

  const json& object_;
  std::string file_;
  std::string prefix_;
};

// "size": [w, h] (released processor), n, {"height", "width"} or {"shortest_edge"} (transformers).
std::optional<int> read_tile_size(const Fields& f) {
  const json* v = f.find("size");
  if (v == nullptr) return std::nullopt;
  int width = 0, height = 0;
  if (v->is_number_integer()) {
    width = height = v->get<int>();
  } else if (v->is_array() && v->size() == 2 && (*v)[0].is_number_integer() && (*v)[1].is_number_integer()) {
    width = (*v)[0].get<int>();
    height = (*v)[1].get<int>();
  } else if (v->is_object() && v->contains("shortest_edge") && (*v)["shortest_edge"].is_number_integer()) {
    width = height = (*v)["shortest_edge"].get<int>();
  } else if (v->is_object() && v->contains("height") && v->contains("width") && (*v)["height"].is_number_integer() &&
             (*v)["width"].is_number_integer()) {
    width = (*v)["width"].get<int>();
    height = (*v)["height"].get<int>();
  } else {
    f.bad("size", *v, "[width, height], an integer, {\"height\", \"width\"} or {\"shortest_edge\"}");
  }
  if (width <= 0 || height <= 0) f.bad("size", *v, "positive sizes");
  if (width != height) {
    f.bad("size", *v, "square tiles (anyres tiles are tile_size x tile_size)", ErrorCode::kUnsupported);
  }
  return width;
}

// Pinpoints as a list of [a, b] pairs, or as the string "[(a, b), ...]" some MiniMax configs carry.
std::optional<std::vector<GridPinpoint>> read_pinpoints(const Fields& f) {
  const json* v = f.find("image_grid_pinpoints");
  if (v == nullptr) return std::nullopt;
  std::vector<int64_t> numbers;
  if (v->is_array()) {
    for (const json& pair : *v) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_integer()) {
        f.bad("image_grid_pinpoints", *v, "a list of [width, height] integer pairs");
      }
      numbers.push_back(pair[0].get<int64_t>());
      numbers.push_back(pair[1].get<int64_t>());
    }
  } else if (v->is_string()) {
    std::string text = v->get<std::string>();
    for (char& c : text) {
      if (c < '0' || c > '9') c = ' ';
    }
    std::istringstream in(text);
    for (int64_t n = 0; in >> n;) numbers.push_back(n);
  } else {
    f.bad("image_grid_pinpoints", *v, "a list of [width, height] integer pairs");
  }
  if (numbers.empty() || numbers.size() % 2 != 0) f.bad("image_grid_pinpoints", *v, "a non-empty list of pairs");
  std::vector<GridPinpoint> pinpoints;
  for (size_t i = 0; i < numbers.size(); i += 2) {
    if (numbers[i] <= 0 || numbers[i + 1] <= 0 || numbers[i] > 1000000 || numbers[i + 1] > 1000000) {
      f.bad("image_grid_pinpoints", *v, "positive sizes");
    }
    pinpoints.push_back({int(numbers[i]), int(numbers[i + 1])});
  }
  return pinpoints;
}

// "image_mean" / "image_std": three numbers, or one number for all channels.
void read_channel_values(const Fields& f, const std::string& key, std::array<float, 3>& out) {
  const json* v = f.find(key);
  if (v == nullptr) return;
  if (v->is_number()) {
    out.fill(v->get<float>());
    return;
  }
  if (!v->is_array() || v->size() != 3 || !(*v)[0].is_number() || !(*v)[1].is_number() || !(*v)[2].is_number()) {
    f.bad(key, *v, "three numbers (R, G, B)");
  }
  // The reference casts the Python floats to a float32 array; converting each double once does the same.
  for (size_t c = 0; c < 3; ++c) out[c] = float((*v)[c].get<double>());
}

// Takes a value from either file; where both give one, they must agree.
template <typename T>
std::optional<T> agree(const std::optional<T>& a, const std::string& a_where, const std::optional<T>& b,
                       const std::string& b_where, const std::string& why) {
  if (a && b && !(*a == *b)) {
    fail(ErrorCode::kBadModel, a_where + " and " + b_where + " disagree; " + why +
                                   ": make the two files consistent");
  }
  return a ? a : b;
}

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  require(in.good(), ErrorCode::kIo, path.string() + ": cannot open the file (check its permissions)");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::parse_error& e) {
    fail(ErrorCode::kBadModel, path.string() + ": not valid JSON (" + e.what() + "); re-download the checkpoint");
  }
}

}  // namespace

void validate_preprocess_config(const PreprocessConfig& c, const std::string& source) {
  auto bad = [&](const std::string& what) { fail(ErrorCode::kBadModel, source + ": " + what); };
  if (c.tile_size <= 0) bad("tile size " + std::to_string(c.tile_size) + " is not positive");
  if (c.patch_size <= 0) bad("patch size " + std::to_string(c.patch_size) + " is not positive");
  if (c.tile_size % c.patch_size != 0) {
    bad("tile size " + std::to_string(c.tile_size) + " is not a multiple of the patch size " +
        std::to_string(c.patch_size));
  }
  if (c.pinpoints.empty()) bad("no grid pinpoints");
  for (const GridPinpoint& p : c.pinpoints) {
    if (p.width <= 0 || p.height <= 0 || p.width % c.tile_size != 0 || p.height % c.tile_size != 0) {
      bad("grid pinpoint " + std::to_string(p.width) + "x" + std::to_string(p.height) +
          " is not a positive multiple of the tile size " + std::to_string(c.tile_size));
    }
  }
  for (int ch = 0; ch < 3; ++ch) {
    if (!std::isfinite(c.mean[size_t(ch)])) bad("image_mean has a non-finite value");
    if (!std::isfinite(c.std[size_t(ch)]) || c.std[size_t(ch)] == 0.0f) bad("image_std has a zero or non-finite value");
  }
  if (!(c.rescale_factor > 0.0) || !std::isfinite(c.rescale_factor)) bad("rescale_factor is not a positive number");
}

PreprocessConfig parse_preprocess_config(const json* preprocessor, const std::string& preprocessor_name,
                                         const json* model, const std::string& model_name) {
  PreprocessConfig config;
  // Values each file may give; `agree` below merges the overlapping ones.
  std::optional<int> tile, patch, vit_image, vit_patch;
  std::optional<std::vector<GridPinpoint>> pinpoints, model_pinpoints;

  if (preprocessor != nullptr) {
    Fields f(*preprocessor, preprocessor_name);
    if (const json* mode = f.find("process_image_mode"); mode != nullptr && *mode != "anyres") {
      f.bad("process_image_mode", *mode, "\"anyres\" (the only mode MiniMax-VL-01 was released with)",
            ErrorCode::kUnsupported);
    }
    if (const json* resample = f.find("resample"); resample != nullptr && *resample != 3) {
      f.bad("resample", *resample, "3 (bicubic, which the model was trained with)", ErrorCode::kUnsupported);
    }
    // The pipeline always runs these steps; a checkpoint that turns one off would get wrong pixels.
    for (const char* step : {"do_resize", "do_rescale", "do_normalize", "do_convert_rgb"}) {
      if (!f.flag_not_false(step)) f.bad(step, false, "true (lightvl always does this step)", ErrorCode::kUnsupported);
    }
    if (const json* crop = f.find("do_center_crop"); crop != nullptr && *crop == true) {
      f.bad("do_center_crop", *crop, "false (anyres tiles are never cropped)", ErrorCode::kUnsupported);
    }
    tile = read_tile_size(f);
    patch = f.positive_int("patch_size");
    pinpoints = read_pinpoints(f);
    read_channel_values(f, "image_mean", config.mean);
    read_channel_values(f, "image_std", config.std);
    if (const json* r = f.find("rescale_factor"); r != nullptr) {
      if (!r->is_number()) f.bad("rescale_factor", *r, "a number");
      config.rescale_factor = r->get<double>();
    }
  }
  if (model != nullptr) {
    Fields f(*model, model_name);
    model_pinpoints = read_pinpoints(f);
    if (const json* vision = f.find("vision_config"); vision != nullptr) {
      Fields v(*vision, model_name, "vision_config.");
      vit_image = v.positive_int("image_size");
      vit_patch = v.positive_int("patch_size");
    }
  }

  const std::string pre = preprocessor_name, mod = model_name;
  const auto chosen_tile = agree(tile, pre + " \"size\"", vit_image, mod + " \"vision_config.image_size\"",
                                 "the ViT only accepts tiles of its image size");
  const auto chosen_patch = agree(patch, pre + " \"patch_size\"", vit_patch, mod + " \"vision_config.patch_size\"",
                                  "token counts depend on the ViT patch size");
  const auto chosen_pinpoints = agree(pinpoints, pre + " \"image_grid_pinpoints\"", model_pinpoints,
                                      mod + " \"image_grid_pinpoints\"",
                                      "the processor and the model must choose the same tile grids");
  const std::string both = pre + " / " + mod;
  require(chosen_tile.has_value(), ErrorCode::kBadModel,
          both + ": no tile size (\"size\" or \"vision_config.image_size\"); the checkpoint is incomplete");
  require(chosen_patch.has_value(), ErrorCode::kBadModel,
          both + ": no patch size (\"patch_size\" or \"vision_config.patch_size\"); the checkpoint is incomplete");
  require(chosen_pinpoints.has_value(), ErrorCode::kBadModel,
          both + ": no \"image_grid_pinpoints\"; the checkpoint is incomplete");
  config.tile_size = *chosen_tile;
  config.patch_size = *chosen_patch;
  config.pinpoints = *chosen_pinpoints;
  validate_preprocess_config(config, both);
  return config;
}

PreprocessConfig load_preprocess_config(const std::filesystem::path& model_dir) {
  const std::filesystem::path pre_path = model_dir / "preprocessor_config.json";
  const std::filesystem::path model_path = model_dir / "config.json";
  std::error_code ec;
  const bool have_pre = std::filesystem::is_regular_file(pre_path, ec);
  const bool have_model = std::filesystem::is_regular_file(model_path, ec);
  require(have_pre || have_model, ErrorCode::kNotFound,
          model_dir.string() + ": neither preprocessor_config.json nor config.json found; point to a MiniMax-VL-01 "
                               "checkpoint directory");
  std::optional<json> pre, model;
  if (have_pre) pre = read_json(pre_path);
  if (have_model) model = read_json(model_path);
  return parse_preprocess_config(pre ? &*pre : nullptr, pre_path.string(), model ? &*model : nullptr,
                                 model_path.string());
}

}  // namespace lightvl::vision

// lightvl public C++ API: a loaded model.
//
// Error model: every function here throws lightvl::Error (lightvl/error.h) on failure, with a message
// that names the file/tensor/value and says what to do; nothing aborts the process on user data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lightvl/error.h"
#include "lightvl/message.h"

namespace lightvl {

class Session;
class BatchGenerator;
namespace engine {
struct LoadedModel;
}

// Where a model computes. kCuda needs a build with LIGHTVL_CUDA=ON and a visible GPU.
enum class Backend { kCpu, kCuda };

// How the text backbone's big matrices are held in memory.
enum class WeightFormat {
  kCheckpoint,  // as the checkpoint stores them (bf16, f16 or f32)
  kInt8,        // weight-only int8 with one f32 scale per output row, quantised once at load: about half
                // the bytes of bf16 for the attention and expert projections (the embedding, lm_head,
                // routers, norms and the vision tower keep the checkpoint's dtype). Logits move slightly
                // (see the int8 golden test for measured figures); works on the CPU and on CUDA.
};

struct LoadOptions {
  // The text backbone's device (the vision tower runs on the CPU for now). Default: the CPU.
  Backend backend = Backend::kCpu;
  // CUDA only: activations and KV cache in bf16 (the released model's precision; tensor-core speed)
  // instead of f32 (slower, closest to an f32 reference). The CPU always computes in f32.
  bool cuda_bf16 = true;
  // The backbone projections' format (WeightFormat::kInt8 quantises them while loading; the load takes
  // longer, the model needs less memory). Default: the checkpoint's own dtype.
  WeightFormat weights = WeightFormat::kCheckpoint;
  // CPU threads for this process' kernels (OpenMP + OpenBLAS); 0 = all hardware threads.
  int cpu_threads = 0;
  // Positions a session may hold; 0 = the checkpoint's max_position_embeddings.
  int64_t context_length = 0;
  // Bytes a session's state + KV cache + activations may use before a prompt is refused up front;
  // 0 = the machine's available memory at load time.
  uint64_t memory_budget_bytes = 0;
  // Read every weight once during load (page it in from disk) instead of on first use, so the first
  // answer is not slowed by disk reads; progress then tracks the bytes read.
  bool prefetch_weights = false;
  // Called from the loading thread with the fraction done (0..1) and the current stage ("config",
  // "checkpoint", "validation", "text model", "tokenizer", "vision", "weights"). Return false to cancel:
  // load() then throws Error(kCancelled) and releases everything it opened.
  std::function<bool(float fraction, const std::string& stage)> progress;
};

// Storage of the checkpoint's tensors of one dtype.
struct DTypeBytes {
  std::string dtype;  // "bf16", "f16", "f32", ...
  uint64_t tensors = 0;
  uint64_t parameters = 0;
  uint64_t bytes = 0;
};

// What a model is, from its config and checkpoint. Plain data, cheap to copy.
struct ModelInfo {
  std::string directory;
  std::string model_type;   // "minimax_text_01", "minimax" or "minimax_vl_01"
  std::string config_form;  // "remote" (released code) or "native" (transformers)
  std::string checkpoint_layout;  // "model.safetensors", "index", "directory scan"
  bool has_vision = false;
  int64_t vocab_size = 0, hidden_size = 0, num_layers = 0;
  int64_t num_heads = 0, num_kv_heads = 0, head_dim = 0, rotary_dim = 0;
  double rope_theta = 0;
  int64_t num_experts = 0, experts_per_token = 0, intermediate_size = 0;
  std::vector<std::string> layer_kinds;  // "lightning" / "softmax" per layer
  uint64_t parameters = 0;
  std::vector<DTypeBytes> bytes_by_dtype;
  std::vector<std::string> ignored_tensors;  // present in the checkpoint but not used (derived buffers, ...)
  int64_t context_length = 0;                // positions a session may hold
  std::string backend;                       // "cpu" or "cuda"
  std::string weight_format;                 // "checkpoint" or "int8" (LoadOptions::weights)
  bool has_tokenizer = false;                // tokenizer.json present: text prompts work
  std::string chat_template;                 // the chat format used ("MiniMax-VL-01", ...)
  std::vector<int32_t> end_ids;              // ids that end an answer
  int32_t image_token_id = -1;               // VL models: the image placeholder id
};

// Memory one sequence of a given length needs (see Model::memory_for_context).
struct MemoryNeeds {
  int64_t context_tokens = 0;
  uint64_t weight_bytes = 0;  // as loaded: int8 projections count 1 byte per weight plus their scales
  uint64_t lightning_state_bytes = 0;  // constant in the context length
  uint64_t kv_cache_bytes = 0;         // linear in the context length
  uint64_t activation_bytes = 0;       // one prefill chunk's scratch
  uint64_t total_bytes = 0;
};

// How a VL model sees one image (spec §7): the chosen grid, its tiles, the kept feature grid, the tokens.
struct ImageLayout {
  int width = 0, height = 0;            // the decoded image
  int grid_width = 0, grid_height = 0;  // the chosen pinpoint canvas, pixels
  int tiles_x = 0, tiles_y = 0;         // tiles of the canvas (plus one thumbnail)
  int kept_columns = 0, kept_rows = 0;  // feature grid after unpadding
  int64_t tokens = 0;                   // thumbnail + rows × (columns + newline)
};

// A checkpoint loaded once and shared (std::shared_ptr) by any number of sessions and threads.
// Immutable after load: every const member is thread-safe.
class Model {
 public:
  // Loads the model directory `dir` (config.json + safetensors, single or sharded): parses and validates
  // the config, memory-maps and validates every tensor, binds the backbone. Throws Error (kNotFound,
  // kBadModel, kUnsupported, kIo) naming what is wrong.
  static std::shared_ptr<const Model> load(const std::string& dir, const LoadOptions& options = {});

  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelInfo& info() const { return info_; }

  // Memory for one sequence of `context_tokens` positions with the CPU backend's f32 cache
  // (kv_element_bytes = 4) or a bf16 cache (2).
  MemoryNeeds memory_for_context(int64_t context_tokens, int kv_element_bytes = 4) const;

  // Decodes the image file and says how this model tiles it and how many tokens it costs. Throws
  // Error(kUnsupported) for a text-only model and the image errors of Session::chat.
  ImageLayout image_layout(const std::string& image_path) const;

  // Decodes and tiles `image` for this model now, returning an Image of Source::kPrepared that any session
  // of this model accepts without further work. Thread-safe: meant for worker threads that prepare images
  // while the model is busy. Throws the image errors of Session::chat, naming the image.
  Image prepare_image(const Image& image) const;


 private:
  friend class Session;
  friend class BatchGenerator;
  Model() = default;
  std::unique_ptr<engine::LoadedModel> loaded_;
  ModelInfo info_;
  uint64_t memory_budget_ = 0;
};

}  // namespace lightvl

// lightvl info: what a model directory holds and what it needs (architecture, layer pattern, parameter
// count, bytes by dtype, memory for a context length).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "lightvl/model.h"
#include "lightvl/system.h"

namespace lightvl::cli {
namespace {

struct InfoOptions {
  std::string model;
  int64_t context = 4096;
  std::string weights = "checkpoint";
};

std::string layer_pattern(const ModelInfo& info) {
  std::string s;
  for (const std::string& k : info.layer_kinds) s += k == "softmax" ? 'S' : 'L';
  return s;
}

int run_info(const InfoOptions& o) {
  LoadOptions load;
  load.weights = weight_format_of(o.weights);
  const std::shared_ptr<const Model> model = Model::load(o.model, load);
  const ModelInfo& i = model->info();
  std::printf("model        %s\n", i.directory.c_str());
  std::printf("type         %s (%s config form%s), checkpoint: %s\n", i.model_type.c_str(), i.config_form.c_str(),
              i.has_vision ? ", vision-language" : ", text only", i.checkpoint_layout.c_str());
  std::printf("backbone     %lld layers, hidden %lld, vocab %lld\n", (long long)i.num_layers,
              (long long)i.hidden_size, (long long)i.vocab_size);
  std::printf("layers       %s  (L = lightning attention, S = softmax attention)\n", layer_pattern(i).c_str());
  std::printf("attention    %lld heads x %lld, %lld kv heads, rotary %lld dims, rope theta %g\n",
              (long long)i.num_heads, (long long)i.head_dim, (long long)i.num_kv_heads, (long long)i.rotary_dim,
              i.rope_theta);
  std::printf("moe          %lld experts of %lld, top-%lld\n", (long long)i.num_experts,
              (long long)i.intermediate_size, (long long)i.experts_per_token);
  std::printf("parameters   %llu\n", (unsigned long long)i.parameters);
  for (const DTypeBytes& d : i.bytes_by_dtype) {
    std::printf("  %-5s      %llu tensors, %llu parameters, %s\n", d.dtype.c_str(), (unsigned long long)d.tensors,
                (unsigned long long)d.parameters, format_bytes(d.bytes).c_str());
  }
  if (!i.ignored_tensors.empty()) {
    std::printf("ignored      %zu tensors (derived buffers or unused)\n", i.ignored_tensors.size());
  }
  for (int kv_bytes : {4, 2}) {
    const MemoryNeeds m = model->memory_for_context(o.context, kv_bytes);
    std::printf("memory @ %lld tokens, %s KV cache: weights (%s) %s + lightning state %s + KV %s + activations %s = %s\n",
                (long long)o.context, kv_bytes == 4 ? "f32 (CPU)" : "bf16", i.weight_format.c_str(),
                format_bytes(m.weight_bytes).c_str(),
                format_bytes(m.lightning_state_bytes).c_str(), format_bytes(m.kv_cache_bytes).c_str(),
                format_bytes(m.activation_bytes).c_str(), format_bytes(m.total_bytes).c_str());
  }
  const SystemInfo sys = system_info();
  std::printf("runtime      lightvl %s, CPU backend with %d threads; %s\n", sys.version.c_str(), sys.cpu_threads,
              sys.cuda.c_str());
  for (const GpuInfo& g : sys.gpus) {
    std::printf("  gpu %d      %s (sm_%d%d, %s)\n", g.index, g.name.c_str(), g.compute_major, g.compute_minor,
                format_bytes(g.total_memory).c_str());
  }
  return 0;
}

}  // namespace

Command add_info(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* sub = app.add_subcommand("info", "Describe a model directory and the memory it needs");
  sub->add_option("--model", options->model, "Model directory (config.json + *.safetensors)")->required();
  sub->add_option("--context", options->context, "Context length for the memory estimate")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 40));
  add_weights_option(sub, options->weights);
  return [options] { return run_info(*options); };
}

}  // namespace lightvl::cli

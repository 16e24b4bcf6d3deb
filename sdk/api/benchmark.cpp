// `lightvl bench`: builds the model (a checkpoint, or a synthetic full-width MiniMax-Text-01 slice with
// random weights generated on the device), then times prefill at each context length and batch-1 decode,
// and relates them to the hardware: decode bandwidth utilisation = bytes one step must read × tokens/s
// / peak bandwidth; prefill MFU = model FLOPs / time / peak bf16 FLOP/s. FLOP and byte counts are
// analytic (formulas below), never measured, so they do not flatter the code. On CUDA the vision tower
// is timed last (vision_benchmark.h), once the text model is gone and its memory figures are read.
#include "lightvl/benchmark.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "api/vision_benchmark.h"
#include "core/error.h"
#include "engine/generator.h"
#include "engine/loaded_model.h"
#include "engine/prefill.h"
#include "ops/argmax.h"
#include "ops/device_memory.h"
#include "ops/devices.h"
#include "ops/random_fill.h"
#include "text/backbone/lightning_attention_layer.h"
#include "text/backbone/moe_block.h"
#include "text/backbone/softmax_attention_layer.h"
#include "text/backbone/synthetic_weights.h"

namespace lightvl {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What one token touches in the projections (attention and its top-k experts; the lm_head and routers
// counted separately): parameters, and output rows (each has one scale when the weights are int8).
struct ProjectionShare {
  double params = 0, rows = 0;
};
ProjectionShare projections_per_token(const text::BackboneSpec& s) {
  const double h = double(s.hidden_size), w = double(s.attention_width()), kv = double(s.kv_width());
  const double i = double(s.intermediate_size), k = double(s.experts_per_token);
  ProjectionShare p;
  for (const text::LayerSpec& l : s.layers) {
    const bool lightning = l.kind == text::AttentionKind::kLightning;
    p.params += lightning ? 5 * w * h : 2 * w * h + 2 * kv * h;
    p.rows += lightning ? 4 * w + h : w + 2 * kv + h;
    p.params += k * 3 * i * h;
    p.rows += k * (2 * i + h);
  }
  return p;
}

// Router parameters of all layers (they stay in the checkpoint's dtype).
double router_params(const text::BackboneSpec& s) {
  return double(s.layers.size()) * double(s.num_experts) * double(s.hidden_size);
}

// Active parameters one token touches in the matrix products (the lm_head counted separately).
double active_params_per_token(const text::BackboneSpec& s) {
  return projections_per_token(s).params + router_params(s);
}

// FLOPs of a prefill of `c` tokens: 2·params per token, causal softmax attention 2·heads·d·c per token on
// average (QKᵀ and PV), lightning 4·heads·d² (state products) + 2·heads·d·block (intra-block), one lm_head row.
double prefill_flops(const text::BackboneSpec& s, int64_t c) {
  double per_token = 2 * active_params_per_token(s);
  const double hd = double(s.num_heads) * double(s.head_dim);
  for (const text::LayerSpec& l : s.layers) {
    per_token += l.kind == text::AttentionKind::kSoftmax ? 2 * hd * double(c)
                                                         : 4 * hd * double(s.head_dim) + 2 * hd * double(s.block_size);
  }
  return per_token * double(c) + 2 * double(s.vocab_size) * double(s.hidden_size);
}

// Bytes one decode step at context `c` must read: the active weights (int8 projections at 1 byte per
// weight plus a 4-byte scale per row; routers and lm_head in `weights`), the lightning states (read and
// written, f32) and the KV cache.
uint64_t decode_bytes(const text::BackboneSpec& s, int64_t c, DType weights, DType kv, bool int8) {
  const ProjectionShare p = projections_per_token(s);
  double b = int8 ? p.params + 4 * p.rows : p.params * double(dtype_size(weights));
  b += (router_params(s) + double(s.vocab_size) * double(s.hidden_size)) * double(dtype_size(weights));
  for (const text::LayerSpec& l : s.layers) {
    b += l.kind == text::AttentionKind::kLightning
             ? 2.0 * double(s.num_heads) * double(s.head_dim * s.head_dim) * 4
             : 2.0 * double(s.kv_width()) * double(c) * double(dtype_size(kv));
  }
  return uint64_t(b);
}

std::vector<int32_t> random_ids(int64_t n, int64_t vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int32_t> pick(0, int32_t(std::min<int64_t>(vocab, 100000) - 1));
  std::vector<int32_t> ids(static_cast<size_t>(n));
  for (int32_t& id : ids) id = pick(rng);
  return ids;
}

// Decode throughput of `batch` sequences that all continue from `state` (cloned): each step feeds every
// sequence's greedy token in one batched forward pass. Returns tokens per second over all sequences.
double batched_decode(const text::TextModel& model, const text::HybridState& state, const Tensor& logits,
                      int batch, int steps) {
  std::vector<text::HybridState> states;
  for (int b = 0; b < batch; ++b) states.push_back(state.clone());
  std::vector<text::HybridState*> seqs;
  for (text::HybridState& s : states) seqs.push_back(&s);
  text::DecodeStep decode_step(model);
  const int64_t vocab = model.spec().vocab_size;
  const float* row = logits.data<float>();
  const int32_t first = int32_t(std::max_element(row, row + vocab) - row);
  std::vector<int32_t> next(static_cast<size_t>(batch), first);
  ops::synchronize(model.device());
  const Clock::time_point start = Clock::now();
  for (int step = 0; step < steps; ++step) {  // greedy on the device, as BatchGenerator does (waits for it)
    next = ops::argmax_rows(decode_step.run(next, seqs));
  }
  return double(batch) * steps / since(start);
}

// Milliseconds per call of `body`, averaged over a few calls after one warm-up, device synchronised.
template <typename Body>
double time_ms(Device device, Body&& body) {
  body();
  ops::synchronize(device);
  constexpr int kRepeats = 3;
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < kRepeats; ++i) body();
  ops::synchronize(device);
  return 1e3 * since(start) / kRepeats;
}

// Each sublayer kind alone on random activations: `tokens` new positions after `context` earlier ones
// (the KV cache holds `context` rows; lightning states are as cheap at any context).
std::vector<SublayerTiming> sublayer_breakdown(const text::TextModel& model, int64_t tokens, int64_t context,
                                               uint64_t seed) {
  const text::BackboneSpec& spec = model.spec();
  const Device device = model.device();
  Tensor x = ops::empty(model.activation_dtype(), {tokens, spec.hidden_size}, device);
  ops::fill_uniform(x, -1.0f, 1.0f, seed);
  text::HybridState state(spec, device, model.activation_dtype());
  state.reserve(context + tokens);
  const text::SequenceBatch batch{{&state}, {tokens}, Tensor()};
  std::vector<SublayerTiming> out;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const text::LayerWeights& w = model.weights().layers[i];
    if (spec.layers[i].kind == text::AttentionKind::kLightning) {
      if (std::any_of(out.begin(), out.end(), [](const SublayerTiming& t) { return t.name == "lightning attention"; })) continue;
      out.push_back({"lightning attention", tokens, context, time_ms(device, [&] {
                       text::lightning_attention_layer(spec, i, std::get<text::LightningWeights>(w.attention), x, batch);
                     })});
    } else {
      out.push_back({"softmax attention", tokens, context, time_ms(device, [&] {
                       state.kv_cache(i).length = context;  // attend over `context` earlier positions each time
                       text::softmax_attention_layer(spec, i, std::get<text::SoftmaxWeights>(w.attention), x, batch);
                     })});
      break;
    }
  }
  const text::LayerWeights& first = model.weights().layers[0];
  out.push_back({"moe", tokens, context, time_ms(device, [&] { text::moe_block(spec, first.moe, x); })});
  out.push_back({"lm_head (last row)", tokens, context,
                 time_ms(device, [&] { model.logits(x.slice_rows(tokens - 1, tokens)); })});
  return out;
}

// The vision figures (CUDA with options.vision): the synthetic ViT-L/14-336 whatever the text model is,
// as VisionFigures::tower says. A GPU too full for the tower leaves a note instead of failing the run.
void measure_vision(const BenchmarkOptions& o, DType activation, double peak_flops, BenchmarkReport& r) {
  if (!o.cuda) {
    r.notes.push_back("vision tower: measured on CUDA only (tests/vision_model/bench_vision_tower times it on "
                      "the CPU)");
    return;
  }
  if (!o.vision) {
    r.notes.push_back("vision tower: not measured (skipped on request)");
    return;
  }
  bench::VisionBenchOptions v;
  v.activation = activation;
  v.peak_flops = peak_flops;
  try {
    r.vision = bench::measure_vision_tower_cuda(v);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kOutOfMemory) throw;
    r.notes.push_back(std::string("vision tower: not measured, out of GPU memory: ") + e.what());
  }
}

}  // namespace

BenchmarkReport run_benchmark(const BenchmarkOptions& o) {
  const Device device = o.cuda ? Device::kCuda : Device::kCpu;
  if (o.cuda) {
    require(!ops::gpu_devices().empty(), ErrorCode::kUnsupported,
            "lightvl bench --device cuda needs a GPU (" + ops::cuda_versions() + ")");
  }
  const DType act = o.cuda && o.bf16 ? DType::kBF16 : DType::kF32;
  BenchmarkReport r;
  r.device = o.cuda ? ops::gpu_devices().front().name : "CPU";
  r.cuda = ops::cuda_versions();
  const bench::GpuPeaks peaks = o.cuda ? bench::gpu_peaks(r.device) : bench::GpuPeaks{};
  r.peak_bandwidth = peaks.bandwidth;
  r.peak_flops = peaks.flops;

  const Clock::time_point load_start = Clock::now();
  std::unique_ptr<engine::LoadedModel> loaded;
  std::unique_ptr<text::TextModel> synthetic;
  const text::TextModel* model = nullptr;
  DType weight_dtype = DType::kBF16;
  const text::WeightFormat format = o.int8_weights ? text::WeightFormat::kInt8 : text::WeightFormat::kCheckpoint;
  if (o.model_dir.empty()) {
    text::BackboneSpec spec = text::minimax_text01_slice(o.slice_blocks);
    r.model = "synthetic MiniMax-Text-01 slice: " + std::to_string(spec.layers.size()) +
              " layers (7 lightning + 1 softmax per block), hidden 6144, 64x128 heads, 8 KV heads, 32 experts "
              "of 9216, vocabulary 200064, random bf16 weights" +
              (o.int8_weights ? std::string(", projections quantised to int8") : std::string());
    text::BackboneWeights weights = text::random_backbone_weights(spec, device, weight_dtype, o.seed);
    // int8: each projection goes to the host, is quantised and comes back (minutes for a full slice);
    // the bf16 weights are all generated first, so the device must hold them once.
    if (o.int8_weights) weights = text::place_backbone_weights(std::move(weights), device, format);
    r.weight_bytes = text::held_weight_bytes(weights);
    synthetic = std::make_unique<text::TextModel>(std::move(spec), std::move(weights), device, act);
    model = synthetic.get();
  } else {
    loaded = std::make_unique<engine::LoadedModel>(o.model_dir, 0, nullptr, device, act, format);
    model = loaded->text.get();
    r.model = o.model_dir + (o.int8_weights ? " (projections quantised to int8)" : "");
    r.weight_bytes = loaded->weight_bytes;
  }
  ops::synchronize(device);
  r.load_seconds = since(load_start);

  const text::BackboneSpec& spec = model->spec();
  engine::PrefillOptions prefill;
  prefill.chunk_tokens = o.chunk_tokens;
  {  // Warm-up, not timed: the first calls grow the caching allocator and let cuBLAS pick its kernels.
    text::HybridState warm(spec, device, act);
    const int64_t n = std::min<int64_t>(o.contexts.empty() ? 512 : o.contexts.front(), o.chunk_tokens);
    engine::prefill(*model, random_ids(n, spec.vocab_size, o.seed ^ 0x5eed), warm, prefill);
    for (int i = 0; i < 2; ++i) model->logits(model->forward(model->embed({1}), warm));
    ops::synchronize(device);
  }
  for (size_t i = 0; i < o.contexts.size(); ++i) {
    const int64_t c = o.contexts[i];
    text::HybridState state(spec, device, act);
    const std::vector<int32_t> ids = random_ids(c, spec.vocab_size, o.seed + i);
    const Clock::time_point start = Clock::now();
    Tensor logits = engine::prefill(*model, ids, state, prefill);  // returns host logits: synchronised
    PrefillFigure f{c, since(start)};
    f.tokens_per_second = double(c) / f.seconds;
    f.mfu = peaks.flops > 0 ? prefill_flops(spec, c) / f.seconds / peaks.flops : 0;
    r.prefill.push_back(f);
    if (i == 0 && o.decode_tokens > 0) {  // decode after the first (shortest) context
      GenerationConfig greedy;
      greedy.greedy = true;
      greedy.max_tokens = o.decode_tokens;
      engine::DecodeRequest request;
      request.config = &greedy;
      text::DecodeStep step(*model);
      const engine::DecodeOutcome out = engine::decode(step, state, logits.data<float>(), request);
      r.decode_context = c;
      r.decode_steps = step.stats().eager_steps + step.stats().recordings + step.stats().replays;
      r.decode_graph_replays = step.stats().replays;
      r.decode_tokens_per_second = out.result.stats.decode_tokens_per_second();
      r.decode_bytes_per_token = decode_bytes(spec, c, weight_dtype, act, o.int8_weights);
      r.bandwidth_utilisation = peaks.bandwidth > 0
                                    ? double(r.decode_bytes_per_token) * r.decode_tokens_per_second / peaks.bandwidth
                                    : 0;
      if (o.batch > 0) {
        r.batch = o.batch;
        r.batch_decode_tokens_per_second = batched_decode(*model, state, logits, o.batch, o.decode_tokens);
      }
    }
  }
  if (o.breakdown) {
    for (int64_t tokens : {int64_t(1), std::min<int64_t>(o.contexts.empty() ? 4096 : o.contexts[0], o.chunk_tokens)}) {
      for (const SublayerTiming& t : sublayer_breakdown(*model, tokens, tokens == 1 ? 4096 : 0, o.seed)) {
        r.breakdown.push_back(t);
      }
    }
  }
  // The memory figures are the text model's: read before the vision tower runs, which would raise both.
  r.device_memory_in_use = o.cuda ? ops::gpu_memory_in_use() : 0;
  r.device_peak_tensor_bytes = o.cuda ? ops::gpu_peak_tensor_bytes() : 0;
  model = nullptr;  // free the text model's device memory for the tower
  synthetic.reset();
  loaded.reset();
  measure_vision(o, act, peaks.flops, r);
  return r;
}

}  // namespace lightvl

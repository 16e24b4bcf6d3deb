#include "text/backbone/hybrid_state.h"

#include <algorithm>
#include <cstring>

#include "ops/device_memory.h"

namespace lightvl::text {

namespace {
// A deep copy of `t` on its own device.
Tensor duplicate(const Tensor& t) {
  Tensor copy = ops::empty(t.dtype(), t.shape(), t.device(), t.name());
  ops::copy(t, copy);
  return copy;
}
}  // namespace

HybridState::HybridState(const BackboneSpec& spec, Device device, DType kv_dtype)
    : device_(device), kv_dtype_(kv_dtype) {
  lightning_.resize(spec.layers.size());
  kv_.resize(spec.layers.size());
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (spec.layers[i].kind == AttentionKind::kLightning) {
      lightning_[i] = ops::zeros(DType::kF32, {spec.num_heads, spec.head_dim, spec.head_dim}, device, "lightning_state");
    } else {
      kv_[i].keys = ops::empty(kv_dtype, {0, spec.num_kv_heads, spec.head_dim}, device, "kv_keys");
      kv_[i].values = ops::empty(kv_dtype, {0, spec.num_kv_heads, spec.head_dim}, device, "kv_values");
    }
  }
}

void HybridState::reserve(int64_t extra) {
  for (KvCache& cache : kv_) {
    if (!cache.keys.defined() || cache.keys.rank() != 3) continue;
    const int64_t needed = cache.length + extra;
    if (needed <= cache.keys.dim(0)) continue;
    const int64_t capacity = std::max<int64_t>(needed, cache.keys.dim(0) * 2);
    for (Tensor* t : {&cache.keys, &cache.values}) {
      Tensor grown = ops::empty(kv_dtype_, {capacity, t->dim(1), t->dim(2)}, device_, t->name());
      if (cache.length) {
        Tensor kept = grown.slice_rows(0, cache.length);
        ops::copy(t->slice_rows(0, cache.length), kept);
      }
      *t = grown;
    }
  }
}

HybridState HybridState::clone() const {
  HybridState copy;
  copy.device_ = device_;
  copy.kv_dtype_ = kv_dtype_;
  copy.position_ = position_;
  for (const Tensor& s : lightning_) copy.lightning_.push_back(s.raw() ? duplicate(s) : Tensor());
  for (const KvCache& c : kv_) {
    KvCache k;
    k.length = c.length;
    if (c.keys.rank() == 3) {
      k.keys = duplicate(c.keys);
      k.values = duplicate(c.values);
    }
    copy.kv_.push_back(std::move(k));
  }
  return copy;
}

HybridState::Snapshot HybridState::snapshot() const {
  Snapshot s;
  s.position = position_;
  for (const Tensor& t : lightning_) s.lightning.push_back(t.raw() ? duplicate(t) : Tensor());
  for (const KvCache& c : kv_) s.kv_lengths.push_back(c.length);
  return s;
}

void HybridState::restore(const Snapshot& s) {
  position_ = s.position;
  for (size_t i = 0; i < lightning_.size(); ++i) {
    if (lightning_[i].raw()) ops::copy(s.lightning[i], lightning_[i]);
    kv_[i].length = s.kv_lengths[i];
  }
}

HybridState::Counters HybridState::counters() const {
  Counters c;
  c.position = position_;
  for (const KvCache& cache : kv_) c.kv_lengths.push_back(cache.length);
  return c;
}

void HybridState::set_counters(const Counters& c) {
  position_ = c.position;
  for (size_t i = 0; i < kv_.size(); ++i) kv_[i].length = c.kv_lengths[i];
}

void HybridState::advance_counters(int64_t tokens) {
  position_ += tokens;
  for (KvCache& cache : kv_) {
    if (cache.keys.rank() == 3) cache.length += tokens;
  }
}

std::vector<uintptr_t> HybridState::buffer_signature() const {
  std::vector<uintptr_t> signature;
  for (const Tensor& t : lightning_) signature.push_back(reinterpret_cast<uintptr_t>(t.raw()));
  for (const KvCache& c : kv_) {
    if (c.keys.rank() != 3) continue;
    signature.insert(signature.end(), {reinterpret_cast<uintptr_t>(c.keys.raw()),
                                       reinterpret_cast<uintptr_t>(c.values.raw()), uintptr_t(c.keys.dim(0))});
  }
  return signature;
}

size_t HybridState::lightning_bytes() const {
  size_t n = 0;
  for (const Tensor& s : lightning_) n += s.raw() ? s.nbytes() : 0;
  return n;
}

size_t HybridState::kv_bytes() const {
  size_t n = 0;
  for (const KvCache& c : kv_) {
    if (c.keys.rank() == 3) n += 2 * size_t(c.length) * size_t(c.keys.dim(1) * c.keys.dim(2)) * dtype_size(kv_dtype_);
  }
  return n;
}

}  // namespace lightvl::text

// BPE encoding of one word. The merge loop is Hugging Face's: a min-heap of candidate merges ordered by
// (rank, position) over a linked list of symbols, with lazy deletion of candidates whose pair changed.
// It is O(n log n) in the word length, which matters for pathological "words" of megabytes (one long run
// of letters, digits or punctuation) that the pre-tokenizer cannot split.
#include "tokenizer/bpe_model.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

constexpr char32_t kCharTableSize = 0x800;  // one- and two-byte UTF-8 characters

// Orders merge candidates so that std::push_heap/pop_heap give the lowest rank first, and the leftmost
// position among equal ranks (Hugging Face's Merge ordering).
struct CandidateAfter {
  template <class C>
  bool operator()(const C& x, const C& y) const {
    return x.rank != y.rank ? x.rank > y.rank : x.pos > y.pos;
  }
};

}  // namespace

BpeModel BpeModel::from_json(const JsonPath& model) {
  model.require_type("object");
  const std::string type = model.string_or("type", "BPE");
  if (type != "BPE") {
    model.fail_here("has type \"" + type + "\"; lightvl implements only byte-level BPE models (type \"BPE\")",
                    ErrorCode::kUnsupported);
  }
  if (model.has("dropout")) {
    const JsonPath dropout = model.at("dropout");
    if (!dropout.value().is_number() || dropout.value().get<double>() != 0.0) {
      dropout.fail_here("is set; BPE dropout makes encoding random and is only meant for training. Set it to null",
                        ErrorCode::kUnsupported);
    }
  }

  BpeModel m;
  const JsonPath vocab = model.at("vocab");
  vocab.require_type("object");
  m.vocab_.reserve(vocab.value().size());
  TokenId max_id = -1;
  for (const auto& [token, id_value] : vocab.value().items()) {
    if (!id_value.is_number_integer() || id_value.get<int64_t>() < 0 ||
        id_value.get<int64_t>() >= std::numeric_limits<TokenId>::max()) {
      vocab.fail_here("entry \"" + token + "\" has id " + id_value.dump() + "; expected an integer in [0, 2^31)");
    }
    const auto id = static_cast<TokenId>(id_value.get<int64_t>());
    m.vocab_.emplace(token, id);
    max_id = std::max(max_id, id);
  }
  m.id_to_token_.resize(static_cast<size_t>(max_id + 1));
  m.has_id_.assign(static_cast<size_t>(max_id + 1), false);
  for (const auto& [token, id] : m.vocab_) {
    m.id_to_token_[id] = token;
    m.has_id_[id] = true;
  }

  m.unk_token_ = model.string_or("unk_token", "");
  if (!m.unk_token_.empty()) m.unk_id_ = m.token_to_id(m.unk_token_);
  m.continuing_subword_prefix_ = model.string_or("continuing_subword_prefix", "");
  m.end_of_word_suffix_ = model.string_or("end_of_word_suffix", "");
  m.byte_fallback_ = model.boolean_or("byte_fallback", false);
  m.fuse_unk_ = model.boolean_or("fuse_unk", false);
  m.ignore_merges_ = model.boolean_or("ignore_merges", false);

  // Fast path for the initial symbols: single characters (the whole byte-level alphabet is below U+0200).
  m.char_ids_.assign(kCharTableSize, -1);
  if (m.continuing_subword_prefix_.empty() && m.end_of_word_suffix_.empty()) {
    for (char32_t cp = 0; cp < kCharTableSize; ++cp) {
      std::string ch;
      append_utf8(ch, cp);
      if (const auto id = m.token_to_id(ch)) m.char_ids_[cp] = *id;
    }
  }
  if (m.byte_fallback_) {
    m.byte_fallback_ids_.assign(256, -1);
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", b);
      if (const auto id = m.token_to_id(name)) m.byte_fallback_ids_[b] = *id;
    }
  }

  // Rank = position in the list. Each merge must produce a vocabulary entry: new id = vocab[left + right]
  // (minus the continuing-subword prefix of `right`), checked here once instead of at every encode.
  const JsonPath merges = model.at("merges");
  merges.require_type("array");
  m.merges_.reserve(merges.value().size());
  uint32_t rank = 0;
  for (size_t i = 0; i < merges.value().size(); ++i) {
    const nlohmann::json& entry = merges.value()[i];
    std::string left, right;
    if (entry.is_string()) {
      // Older files write "left right"; "#version" lines from merges.txt are skipped, as in Hugging Face.
      const std::string& line = entry.get_ref<const std::string&>();
      if (line.rfind("#version", 0) == 0) continue;
      const size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        merges.at(i).fail_here("is \"" + line + "\"; expected two tokens separated by one space");
      }
      left = line.substr(0, space);
      right = line.substr(space + 1);
    } else if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
      left = entry[0].get<std::string>();
      right = entry[1].get<std::string>();
    } else {
      merges.at(i).fail_here("is " + entry.dump() + "; expected \"left right\" or [\"left\", \"right\"]");
    }
    const auto a = m.token_to_id(left);
    const auto b = m.token_to_id(right);
    const std::string merged = left + right.substr(std::min(right.size(), m.continuing_subword_prefix_.size()));
    const auto c = m.token_to_id(merged);
    if (!a || !b || !c) {
      const std::string& missing = !a ? left : !b ? right : merged;
      merges.at(i).fail_here("merges \"" + left + "\" + \"" + right + "\", but \"" + missing +
                             "\" is not in model.vocab; the file is inconsistent");
    }
    m.merges_[pair_key(*a, *b)] = Merge{rank++, *c};
  }
  return m;
}

std::optional<TokenId> BpeModel::token_to_id(std::string_view token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(TokenId id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size() || !has_id_[id]) return nullptr;
  return &id_to_token_[id];
}

const BpeModel::Merge* BpeModel::find_merge(TokenId a, TokenId b) const {
  const auto it = merges_.find(pair_key(a, b));
  return it == merges_.end() ? nullptr : &it->second;
}

// One symbol per character of `word`, following Hugging Face's merge_word (prefix/suffix, byte fallback,
// unk with optional fusing of consecutive unknown characters).
void BpeModel::build_symbols(std::string_view word, BpeScratch& s) const {
  s.symbols.clear();
  const auto add = [&s](TokenId id, size_t len) {
    const auto index = static_cast<int32_t>(s.symbols.size());
    if (index > 0) s.symbols.back().next = index;
    s.symbols.push_back({id, index - 1, -1, static_cast<uint32_t>(len)});
  };
  TokenId pending_unk = -1;  // unk waiting to be emitted (fused with following unknowns), -1: none
  size_t pending_unk_len = 0;
  std::string piece;
  size_t pos = 0;
  while (pos < word.size()) {
    const size_t start = pos;
    const char32_t cp = next_code_point(word, pos);
    const size_t len = pos - start;
    std::optional<TokenId> id;
    if (cp < kCharTableSize && char_ids_[cp] >= 0) {
      id = char_ids_[cp];
    } else {
      piece.assign(start == 0 ? "" : continuing_subword_prefix_);
      piece.append(word.substr(start, len));
      if (pos == word.size()) piece.append(end_of_word_suffix_);
      id = token_to_id(piece);
      if (!id && byte_fallback_) {
        // Every byte of the character must have its <0xXX> token, else fall through to unk.
        const bool all = std::all_of(piece.begin(), piece.end(), [this](char c) {
          return byte_fallback_ids_[static_cast<unsigned char>(c)] >= 0;
        });
        if (all) {
          for (const char c : piece) add(byte_fallback_ids_[static_cast<unsigned char>(c)], 1);
          continue;
        }
      }
    }
    if (id) {
      if (pending_unk >= 0) {
        add(pending_unk, pending_unk_len);
        pending_unk = -1;
      }
      add(*id, len);
      continue;
    }
    if (unk_token_.empty()) continue;  // Hugging Face drops the character
    if (!unk_id_) {
      fail(ErrorCode::kBadModel, "tokenizer.json: model.unk_token \"" + unk_token_ +
                                     "\" is not in model.vocab, but the text has a character outside the vocabulary");
    }
    if (pending_unk >= 0 && fuse_unk_) {
      pending_unk_len += len;
    } else {
      if (pending_unk >= 0) add(pending_unk, pending_unk_len);
      pending_unk = *unk_id_;
      pending_unk_len = len;
    }
  }
  if (pending_unk >= 0) add(pending_unk, pending_unk_len);
}

void BpeModel::merge_symbols(BpeScratch& s) const {
  auto& sym = s.symbols;
  auto& heap = s.heap;
  heap.clear();
  for (size_t i = 0; i + 1 < sym.size(); ++i) {
    if (const Merge* m = find_merge(sym[i].id, sym[i + 1].id)) {
      heap.push_back({m->rank, static_cast<uint32_t>(i), m->new_id});
    }
  }
  std::make_heap(heap.begin(), heap.end(), CandidateAfter{});
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), CandidateAfter{});
    const BpeScratch::Candidate top = heap.back();
    heap.pop_back();
    BpeScratch::Symbol& left = sym[top.pos];
    if (left.len == 0 || left.next == -1) continue;  // merged away, or now the last symbol
    const BpeScratch::Symbol right = sym[left.next];
    // Skip stale candidates: the pair at this position changed since it was queued. Like Hugging Face,
    // compare the merge result, not the rank.
    const Merge* current = find_merge(left.id, right.id);
    if (current == nullptr || current->new_id != top.new_id) continue;

    const int32_t right_index = left.next;
    left.id = top.new_id;
    left.len += right.len;
    left.next = right.next;
    sym[right_index].len = 0;
    if (right.next >= 0) sym[right.next].prev = static_cast<int32_t>(top.pos);

    if (left.prev >= 0) {
      if (const Merge* m = find_merge(sym[left.prev].id, left.id)) {
        heap.push_back({m->rank, static_cast<uint32_t>(left.prev), m->new_id});
        std::push_heap(heap.begin(), heap.end(), CandidateAfter{});
      }
    }
    if (left.next >= 0) {
      if (const Merge* m = find_merge(left.id, sym[left.next].id)) {
        heap.push_back({m->rank, top.pos, m->new_id});
        std::push_heap(heap.begin(), heap.end(), CandidateAfter{});
      }
    }
  }
}

void BpeModel::tokenize(std::string_view word, std::vector<TokenId>& out, BpeScratch& s) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    if (const auto id = token_to_id(word)) {
      out.push_back(*id);
      return;
    }
  }
  // Natural text repeats its words: the per-call cache makes the merge loop run once per distinct word.
  const bool cacheable = word.size() < BpeScratch::kMaxCachedWordBytes;
  if (cacheable) {
    const auto it = s.cache.find(word);
    if (it != s.cache.end()) {
      const auto first = s.cache_ids.begin() + it->second.offset;
      out.insert(out.end(), first, first + it->second.count);
      return;
    }
  }
  build_symbols(word, s);
  merge_symbols(s);
  const size_t before = out.size();
  for (const BpeScratch::Symbol& symbol : s.symbols) {
    if (symbol.len != 0) out.push_back(symbol.id);
  }
  if (cacheable && s.cache.size() < BpeScratch::kMaxCachedWords) {
    const auto offset = static_cast<uint32_t>(s.cache_ids.size());
    s.cache_ids.insert(s.cache_ids.end(), out.begin() + static_cast<ptrdiff_t>(before), out.end());
    s.cache.emplace(std::string(word), BpeScratch::Cached{offset, static_cast<uint32_t>(out.size() - before)});
  }
}

}  // namespace lightvl::text

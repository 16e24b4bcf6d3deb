// Added-token matching. Hugging Face searches with a leftmost-longest Aho-Corasick automaton; a byte trie
// walked from every start position gives the same matches (the first position where any token matches,
// the longest token there). Added tokens are few (tens to hundreds) and a first-byte table skips almost
// every position, so the simple structure is fast enough and easy to check.
#include "tokenizer/added_tokens.h"

#include <algorithm>

#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {
namespace {

// Rust regex's Unicode \w (Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control), which
// Hugging Face uses to decide whether a single_word token touches a word.
const Regex& word_char() {
  static const Regex re = Regex::onig(R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}])", "single_word check");
  return re;
}

bool ends_with_word(std::string_view s) {
  if (s.empty()) return false;
  size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return word_char().matches_at(s, start);
}

bool starts_with_word(std::string_view s) { return !s.empty() && word_char().matches_at(s, 0); }

}  // namespace

void AddedVocabulary::Trie::insert(std::string_view key, int32_t token) {
  if (nodes.empty()) nodes.emplace_back();
  int32_t node = 0;
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    auto& children = nodes[node].children;
    const auto it = std::lower_bound(children.begin(), children.end(), byte,
                                     [](const auto& child, unsigned char b) { return child.first < b; });
    if (it != children.end() && it->first == byte) {
      node = it->second;
      continue;
    }
    const auto fresh = static_cast<int32_t>(nodes.size());
    children.insert(it, {byte, fresh});
    nodes.emplace_back();  // invalidates `children`, which is not used again
    node = fresh;
  }
  nodes[node].token = token;
  first_byte[static_cast<unsigned char>(key.front())] = true;
}

bool AddedVocabulary::Trie::find(std::string_view text, size_t from, size_t& begin, size_t& end,
                                 int32_t& token) const {
  for (size_t start = from; start < text.size(); ++start) {
    if (!first_byte[static_cast<unsigned char>(text[start])]) continue;
    int32_t node = 0;
    int32_t best = -1;
    size_t best_end = 0;
    for (size_t i = start; i < text.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      const auto& children = nodes[node].children;
      const auto it = std::lower_bound(children.begin(), children.end(), byte,
                                       [](const auto& child, unsigned char b) { return child.first < b; });
      if (it == children.end() || it->first != byte) break;
      node = it->second;
      if (nodes[node].token >= 0) {
        best = nodes[node].token;
        best_end = i + 1;
      }
    }
    if (best >= 0) {
      begin = start;
      end = best_end;
      token = best;
      return true;
    }
  }
  return false;
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer& normalizer) {
  for (AddedToken& token : tokens) {
    if (token.content.empty()) continue;
    std::string form = token.normalized ? normalizer.apply(token.content) : token.content;
    tokens_.push_back(std::move(token));
    decode_forms_.push_back(std::move(form));
  }
  for (size_t i = 0; i < tokens_.size(); ++i) {
    by_id_[tokens_[i].id] = i;
    by_content_[tokens_[i].content] = tokens_[i].id;
    const std::string& key = decode_forms_[i];
    if (key.empty()) continue;  // a token its normalizer erases can never match
    if (tokens_[i].normalized) {
      normalized_.insert(key, static_cast<int32_t>(i));
      has_normalized_ = true;
    } else {
      raw_.insert(key, static_cast<int32_t>(i));
      has_raw_ = true;
    }
  }
}

void AddedVocabulary::split(std::string_view text, bool normalized_pass, bool allow_special,
                            std::vector<Segment>& out) const {
  const bool has = normalized_pass ? has_normalized_ : has_raw_;
  if (!has) {
    out.push_back({0, text.size(), -1});
    return;
  }
  const Trie& trie = normalized_pass ? normalized_ : raw_;
  size_t emitted = 0;  // end of the last segment written
  size_t search = 0;   // where the next search starts: the end of the previous match, before stripping
  size_t begin = 0, end = 0;
  int32_t index = -1;
  while (trie.find(text, search, begin, end, index)) {
    // The next search starts after the match as found, even when the match is then dropped or its span
    // widened by rstrip: Hugging Face's iterator works the same way, so a dropped special token also
    // hides any shorter token inside it.
    search = end;
    const AddedToken& token = tokens_[index];
    if (token.special && !allow_special) continue;
    if (token.single_word) {
      const bool alone_left = begin == 0 || !ends_with_word(text.substr(0, begin));
      const bool alone_right = end == text.size() || !starts_with_word(text.substr(end));
      if (!alone_left || !alone_right) continue;
    }
    if (token.lstrip) {
      const std::string_view before = strip_white_space(text.substr(0, begin), false, true);
      begin = std::max(before.size(), emitted);  // never reach back into the previous segment
    }
    if (token.rstrip) {
      const std::string_view after = text.substr(end);
      end += after.size() - strip_white_space(after, true, false).size();
    }
    // Text between two matches is a plain segment (lstrip may have reached back into it).
    if (emitted < begin) out.push_back({emitted, begin, -1});
    out.push_back({begin, end, token.id});
    emitted = end;
  }
  if (emitted != text.size()) out.push_back({emitted, text.size(), -1});
}

const AddedToken* AddedVocabulary::find(TokenId id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

std::optional<TokenId> AddedVocabulary::find(std::string_view content) const {
  const auto it = by_content_.find(content);
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

const std::string& AddedVocabulary::decode_form(const AddedToken& token) const {
  return decode_forms_[static_cast<size_t>(&token - tokens_.data())];
}

}  // namespace lightvl::text

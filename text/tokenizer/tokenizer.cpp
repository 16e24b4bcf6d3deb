// The tokenizer facade: loads tokenizer.json + tokenizer_config.json into the stage objects and runs
// them in Hugging Face's order.
#include "tokenizer/tokenizer.h"

#include <algorithm>

#include "core/logging.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/decoder.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/post_processor.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/utf8.h"

namespace lightvl::text {

struct Tokenizer::Impl {
  std::string name;
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  BpeModel model;
  AddedVocabulary added;
  Decoder decoder;
  PostProcessor post_processor;
  TokenizerConfig config;
  SpecialTokenIds special;
  size_t vocab_size = 0;
};

namespace {

// tokenizer.json "added_tokens": [{"id", "content", "single_word", "lstrip", "rstrip", "normalized",
// "special"}, ...].
std::vector<AddedToken> parse_added_tokens(const JsonPath& root) {
  std::vector<AddedToken> tokens;
  if (!root.has("added_tokens")) return tokens;
  const JsonPath list = root.at("added_tokens");
  list.require_type("array");
  for (size_t i = 0; i < list.value().size(); ++i) {
    const JsonPath entry = list.at(i);
    AddedToken t;
    t.id = static_cast<TokenId>(entry.integer("id", 0, 0x7FFFFFFE));
    t.content = entry.string("content");
    t.special = entry.boolean_or("special", false);
    t.normalized = entry.boolean_or("normalized", !t.special);
    t.lstrip = entry.boolean_or("lstrip", false);
    t.rstrip = entry.boolean_or("rstrip", false);
    t.single_word = entry.boolean_or("single_word", false);
    tokens.push_back(std::move(t));
  }
  return tokens;
}

// Adds the added_tokens_decoder entries of tokenizer_config.json that tokenizer.json lacks; an id both
// files define must name the same string.
void merge_config_tokens(std::vector<AddedToken>& tokens, const TokenizerConfig& config, const BpeModel& model,
                         const std::string& name) {
  for (const AddedToken& extra : config.added_tokens) {
    const auto same_id = std::find_if(tokens.begin(), tokens.end(), [&](const AddedToken& t) { return t.id == extra.id; });
    if (same_id != tokens.end()) {
      if (same_id->content != extra.content) {
        fail(ErrorCode::kBadModel, name + ": token id " + std::to_string(extra.id) + " is \"" + same_id->content +
                                       "\" in tokenizer.json but \"" + extra.content +
                                       "\" in tokenizer_config.json added_tokens_decoder; the files disagree");
      }
      continue;
    }
    const auto same_content =
        std::find_if(tokens.begin(), tokens.end(), [&](const AddedToken& t) { return t.content == extra.content; });
    if (same_content != tokens.end()) {
      fail(ErrorCode::kBadModel, name + ": \"" + extra.content + "\" is token " + std::to_string(same_content->id) +
                                     " in tokenizer.json but " + std::to_string(extra.id) +
                                     " in tokenizer_config.json added_tokens_decoder; the files disagree");
    }
    const auto in_model = model.token_to_id(extra.content);
    if (in_model && *in_model != extra.id) {
      fail(ErrorCode::kBadModel, name + ": tokenizer_config.json gives \"" + extra.content + "\" id " +
                                     std::to_string(extra.id) + " but the vocabulary has it as id " +
                                     std::to_string(*in_model) + "; the files disagree");
    }
    tokens.push_back(extra);
  }
}

void warn_ignored(const JsonPath& root, std::string_view key, const std::string& name) {
  if (root.has(key)) {
    log_warning(name + ": tokenizer.json sets \"" + std::string(key) +
                "\", which only concerns batched encoding; lightvl never truncates or pads and ignores it");
  }
}

}  // namespace

Tokenizer Tokenizer::from_directory(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "tokenizer.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    fail(ErrorCode::kNotFound, path.string() + " not found: the model directory must contain the Hugging Face "
                                               "tokenizer files (tokenizer.json, tokenizer_config.json)");
  }
  const nlohmann::json doc = parse_json_document(read_text_file(path), path.string());
  const TokenizerConfig config = TokenizerConfig::from_directory(dir);
  return from_json(doc, &config, dir.string());
}

Tokenizer Tokenizer::from_json(const nlohmann::json& tokenizer_json, const TokenizerConfig* config,
                               const std::string& name) {
  const JsonPath root(tokenizer_json, name.empty() ? std::string("tokenizer.json") : name + "/tokenizer.json");
  root.require_type("object");
  auto impl = std::make_shared<Impl>();
  impl->name = name;
  if (config != nullptr) impl->config = *config;
  warn_ignored(root, "truncation", name);
  warn_ignored(root, "padding", name);

  const auto optional_member = [&](std::string_view key) {
    static const nlohmann::json null_value;
    return root.has(key) ? root.at(key) : JsonPath(null_value, root.file(), std::string(key));
  };
  impl->normalizer = Normalizer::from_json(optional_member("normalizer"));
  impl->pre_tokenizer = PreTokenizer::from_json(optional_member("pre_tokenizer"));
  impl->model = BpeModel::from_json(root.at("model"));
  impl->decoder = Decoder::from_json(optional_member("decoder"));
  impl->post_processor = PostProcessor::from_json(optional_member("post_processor"));

  std::vector<AddedToken> added = parse_added_tokens(root);
  merge_config_tokens(added, impl->config, impl->model, name);
  impl->vocab_size = impl->model.id_bound();
  for (const AddedToken& t : added) impl->vocab_size = std::max(impl->vocab_size, static_cast<size_t>(t.id) + 1);
  impl->added = AddedVocabulary(std::move(added), impl->normalizer);

  Tokenizer tokenizer(impl);
  const auto resolve = [&](const std::optional<std::string>& token, const char* role) -> std::optional<TokenId> {
    if (!token) return std::nullopt;
    const auto id = tokenizer.token_to_id(*token);
    if (!id) log_warning(name + ": tokenizer_config.json names " + role + " token \"" + *token + "\", which is not in the vocabulary");
    return id;
  };
  impl->special.bos = resolve(impl->config.bos_token, "bos");
  impl->special.eos = resolve(impl->config.eos_token, "eos");
  impl->special.pad = resolve(impl->config.pad_token, "pad");
  impl->special.unk = resolve(impl->config.unk_token, "unk");
  return tokenizer;
}

// Memory: the ids, one normalized copy of a segment when there is a normalizer, and the bounded BPE cache;
// words are streamed from the pre-tokenizer straight into BPE.
std::vector<TokenId> Tokenizer::encode(std::string_view text, bool allow_special, bool add_special_tokens) const {
  require_valid_utf8(text, "text to encode");
  const Impl& m = *impl_;
  std::vector<TokenId> ids;
  ids.reserve(text.size() / 4 + 16);

  std::vector<AddedVocabulary::Segment> raw, normalized_segments;
  PreTokenizeScratch pre_scratch;
  BpeScratch bpe_scratch;
  const PreTokenizer::WordSink to_ids = [&](std::string_view word) { m.model.tokenize(word, ids, bpe_scratch); };

  // 1. Added tokens matched in the raw text; 2. normalization of the rest, and added tokens matched in
  // the normalized text; 3. pre-tokenization into words; 4. BPE per word.
  m.added.split(text, /*normalized_pass=*/false, allow_special, raw);
  for (const auto& segment : raw) {
    if (segment.id >= 0) {
      ids.push_back(segment.id);
      continue;
    }
    const std::string_view piece = text.substr(segment.begin, segment.end - segment.begin);
    if (piece.empty()) continue;
    std::string normalized_storage;
    std::string_view normalized = piece;
    if (!m.normalizer.is_identity()) {
      normalized_storage = m.normalizer.apply(piece);
      normalized = normalized_storage;
    }
    normalized_segments.clear();
    m.added.split(normalized, /*normalized_pass=*/true, allow_special, normalized_segments);
    for (const auto& sub : normalized_segments) {
      if (sub.id >= 0) {
        ids.push_back(sub.id);
        continue;
      }
      const std::string_view words = normalized.substr(sub.begin, sub.end - sub.begin);
      m.pre_tokenizer.split(words, segment.begin == 0 && sub.begin == 0, to_ids, pre_scratch);
    }
  }
  if (add_special_tokens) return m.post_processor.apply(std::move(ids));
  return ids;
}

// Added tokens print their (normalized) content; other ids their vocabulary string; the decoder then
// turns the list into text. Unknown ids are an error rather than silently dropped as in Hugging Face, so
// that a caller passing ids from another vocabulary finds out.
std::string Tokenizer::decode(std::span<const TokenId> ids, bool skip_special) const {
  const Impl& m = *impl_;
  std::vector<std::string_view> tokens;
  tokens.reserve(ids.size());
  for (const TokenId id : ids) {
    if (const AddedToken* added = m.added.find(id)) {
      if (!(skip_special && added->special)) tokens.push_back(m.added.decode_form(*added));
      continue;
    }
    const std::string* token = m.model.id_to_token(id);
    if (token == nullptr) {
      fail(ErrorCode::kInvalidArgument, "cannot decode token id " + std::to_string(id) + ": it is not in the vocabulary of " +
                                            m.name + " (ids 0.." + std::to_string(m.vocab_size - 1) + ")");
    }
    tokens.push_back(*token);
  }
  return m.decoder.decode(tokens);
}

std::optional<TokenId> Tokenizer::token_to_id(std::string_view token) const {
  if (const auto id = impl_->added.find(token)) return id;
  return impl_->model.token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(TokenId id) const {
  if (const AddedToken* added = impl_->added.find(id)) return added->content;
  if (const std::string* token = impl_->model.id_to_token(id)) return *token;
  return std::nullopt;
}

bool Tokenizer::is_special(TokenId id) const {
  const AddedToken* added = impl_->added.find(id);
  return added != nullptr && added->special;
}

size_t Tokenizer::vocab_size() const { return impl_->vocab_size; }
const SpecialTokenIds& Tokenizer::special_ids() const { return impl_->special; }
const TokenizerConfig& Tokenizer::config() const { return impl_->config; }
const std::string& Tokenizer::name() const { return impl_->name; }

}  // namespace lightvl::text

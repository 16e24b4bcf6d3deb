// Post-processing for single sequences: the template's special-token runs around the encoded ids.
#include "tokenizer/post_processor.h"

namespace lightvl::text {

PostProcessor PostProcessor::from_json(const JsonPath& config) {
  PostProcessor p;
  if (!config.value().is_null()) append(config, p);
  return p;
}

void PostProcessor::append(const JsonPath& config, PostProcessor& p) {
  const std::string type = config.string("type");
  if (type == "ByteLevel") return;  // only trims offsets, which lightvl does not report
  if (type == "Sequence") {
    const JsonPath list = config.at("processors");
    list.require_type("array");
    for (size_t i = 0; i < list.value().size(); ++i) append(list.at(i), p);
    return;
  }
  if (type != "TemplateProcessing") {
    config.fail_here("has type \"" + type +
                         "\", a post-processor lightvl does not implement (supported: TemplateProcessing, "
                         "ByteLevel, Sequence)",
                     ErrorCode::kUnsupported);
  }
  if (p.has_template_) config.fail_here("is a second TemplateProcessing; expected at most one", ErrorCode::kUnsupported);
  p.has_template_ = true;
  const JsonPath specials = config.at("special_tokens");
  specials.require_type("object");
  const JsonPath single = config.at("single");
  single.require_type("array");
  for (size_t i = 0; i < single.value().size(); ++i) {
    const JsonPath item = single.at(i);
    if (item.has("Sequence")) {
      // "A" is the one sequence of a single-text template; "B" would be the second text of a pair.
      const std::string name = item.at("Sequence").string("id");
      if (name != "A") item.fail_here("refers to sequence \"" + name + "\"; a single template can only use \"A\"");
      p.single_.push_back({true, {}});
      continue;
    }
    const std::string name = item.at("SpecialToken").string("id");
    if (!specials.has(name)) item.fail_here("uses \"" + name + "\", which post_processor.special_tokens does not define");
    const JsonPath ids = specials.at(name).at("ids");
    ids.require_type("array");
    Item special{false, {}};
    for (size_t k = 0; k < ids.value().size(); ++k) {
      const nlohmann::json& id = ids.value()[k];
      if (!id.is_number_integer() || id.get<int64_t>() < 0) ids.at(k).fail_here("is not a valid token id");
      special.ids.push_back(static_cast<TokenId>(id.get<int64_t>()));
    }
    p.single_.push_back(std::move(special));
  }
}

std::vector<TokenId> PostProcessor::apply(std::vector<TokenId> ids) const {
  if (!has_template_) return ids;
  std::vector<TokenId> out;
  out.reserve(ids.size() + 8);
  for (const Item& item : single_) {
    if (item.is_sequence) {
      out.insert(out.end(), ids.begin(), ids.end());
    } else {
      out.insert(out.end(), item.ids.begin(), item.ids.end());
    }
  }
  return out;
}

}  // namespace lightvl::text

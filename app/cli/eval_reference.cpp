#include "eval_reference.h"

#include "eval_scoring.h"
#include "jsonl_reader.h"

namespace lightvl::cli {

std::map<std::string, std::string> read_reference_predictions(const std::string& path) {
  std::map<std::string, std::string> predictions;
  for_each_jsonl_object(path, [&](int64_t line, const nlohmann::json& object) {
    const auto id = object.find("id");
    const auto prediction = object.find("prediction");
    if (id == object.end() || !id->is_string() || prediction == object.end() || !prediction->is_string()) {
      throw DataFileError(line_prefix(path, line) + "a reference line needs string fields \"id\" and \"prediction\"");
    }
    if (!predictions.emplace(id->get<std::string>(), prediction->get<std::string>()).second) {
      throw DataFileError(line_prefix(path, line) + "id \"" + id->get<std::string>() + "\" appears twice");
    }
  });
  return predictions;
}

Agreement compare_predictions(const std::vector<std::pair<std::string, std::string>>& ours,
                              const std::map<std::string, std::string>& reference) {
  Agreement a;
  for (const auto& [id, prediction] : ours) {
    const auto it = reference.find(id);
    if (it == reference.end()) {
      ++a.missing;
      continue;
    }
    ++a.compared;
    if (normalise(prediction) == normalise(it->second)) {
      ++a.agreeing;
    } else if (a.disagreeing_ids.size() < kMaxListedIds) {
      a.disagreeing_ids.push_back(id);
    }
  }
  return a;
}

}  // namespace lightvl::cli

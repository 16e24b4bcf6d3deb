#include "eval_records.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "jsonl_reader.h"
#include "lightvl/error.h"

namespace lightvl::cli {
namespace {

namespace fs = std::filesystem;

// `object[key]` when it is a string; throws std::invalid_argument naming `where`.`key` otherwise.
std::string string_field(const nlohmann::json& object, const std::string& key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) throw std::invalid_argument("missing field \"" + where + key + "\"");
  if (!it->is_string()) {
    throw std::invalid_argument("field \"" + where + key + "\" must be a string, got " + it->type_name());
  }
  return it->get<std::string>();
}

// `object[key]`, which must be present (null allowed) and, when not null, of the type `is_type` accepts.
const nlohmann::json& nullable_field(const nlohmann::json& object, const std::string& key, const char* type,
                                     bool (nlohmann::json::*is_type)() const noexcept) {
  const auto it = object.find(key);
  if (it == object.end()) throw std::invalid_argument("missing field \"" + key + "\" (null when there is none)");
  if (!it->is_null() && !((*it).*is_type)()) {
    throw std::invalid_argument("field \"" + key + "\" must be " + type + " or null, got " + it->type_name());
  }
  return *it;
}

ShapeTruth shape_from_json(const nlohmann::json& shape, size_t index) {
  const std::string where = "truth.shapes[" + std::to_string(index) + "].";
  if (!shape.is_object())
    throw std::invalid_argument("\"" + where.substr(0, where.size() - 1) + "\" must be an object");
  return {string_field(shape, "kind", where), string_field(shape, "colour", where), string_field(shape, "size", where),
          string_field(shape, "where", where)};
}

// A path of the record, relative to the JSONL file's directory unless absolute; it must be a file.
std::string resolve_file(const std::string& data_path, const std::string& relative, const std::string& what) {
  const fs::path path =
      fs::path(relative).is_absolute() ? fs::path(relative) : fs::path(data_path).parent_path() / relative;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw std::invalid_argument(what + " '" + path.string() + "' does not exist or is not a file (paths are relative " +
                                "to the JSONL file); fix the path or regenerate the data");
  }
  return path.string();
}

EvalRecord record_from_json(const nlohmann::json& o, const std::string& data_path) {
  EvalRecord r;
  r.id = string_field(o, "id", "");
  if (r.id.empty()) throw std::invalid_argument("field \"id\" is empty");
  r.task = string_field(o, "task", "");
  if (std::find(kEvalTasks.begin(), kEvalTasks.end(), r.task) == kEvalTasks.end()) {
    throw std::invalid_argument("unknown task \"" + r.task + "\" (expected caption, vqa, count, read or doc)");
  }
  r.prompt = string_field(o, "prompt", "");
  r.answer = string_field(o, "answer", "");
  const nlohmann::json& image = nullable_field(o, "image", "a string", &nlohmann::json::is_string);
  if (image.is_string()) r.image = resolve_file(data_path, image.get<std::string>(), "image");
  const nlohmann::json& document = nullable_field(o, "document", "an object", &nlohmann::json::is_object);
  if (document.is_object()) {
    r.document_file = resolve_file(data_path, string_field(document, "file", "document."), "document");
    r.document_name = string_field(document, "name", "document.");
  }
  const auto bucket = o.find("bucket");  // optional: the dataclass defaults it to null
  if (bucket != o.end() && !bucket->is_null()) {
    if (!bucket->is_string()) throw std::invalid_argument("field \"bucket\" must be a string or null");
    r.bucket = bucket->get<std::string>();
  }
  const auto truth = o.find("truth");
  if (truth == o.end() || !truth->is_object()) throw std::invalid_argument("missing object field \"truth\"");
  r.truth = truth_from_json(r.task, *truth);
  if (r.task == "doc") {
    const auto depth = truth->find("depth");
    if (depth == truth->end() || !depth->is_number() || *depth < 0.0 || *depth > 1.0) {
      throw std::invalid_argument("a doc record needs \"truth.depth\", a number in [0, 1]");
    }
    r.depth = depth->get<double>();
  }
  return r;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace

Truth truth_from_json(std::string_view task, const nlohmann::json& truth) {
  Truth t;
  if (task != "caption") {
    t.answer = string_field(truth, "answer", "truth.");
    return t;
  }
  t.style = string_field(truth, "style", "truth.");
  if (t.style == "text") {
    t.text = string_field(truth, "text", "truth.");
    t.text_colour = string_field(truth, "text_colour", "truth.");
    return t;
  }
  const auto shapes = truth.find("shapes");
  if (shapes == truth.end() || !shapes->is_array()) throw std::invalid_argument("missing array field \"truth.shapes\"");
  for (size_t i = 0; i < shapes->size(); ++i) t.shapes.push_back(shape_from_json((*shapes)[i], i));
  return t;
}

std::vector<EvalRecord> read_eval_records(const std::string& path) {
  std::vector<EvalRecord> records;
  std::unordered_map<std::string, int64_t> id_lines;
  for_each_jsonl_object(path, [&](int64_t line, const nlohmann::json& object) {
    try {
      records.push_back(record_from_json(object, path));
    } catch (const std::invalid_argument& e) {
      throw DataFileError(line_prefix(path, line) + e.what());
    }
    records.back().line = line;
    const auto [it, fresh] = id_lines.emplace(records.back().id, line);
    if (!fresh) {
      throw DataFileError(line_prefix(path, line) + "id \"" + it->first + "\" was already used on line " +
                          std::to_string(it->second) + "; ids must be unique");
    }
  });
  if (records.empty()) throw DataFileError("'" + path + "' holds no records (one JSON object a line expected)");
  return records;
}

std::string read_document_text(const EvalRecord& record, const std::string& data_path) {
  const std::string where = line_prefix(data_path, record.line) + "document '" + record.document_file + "'";
  std::ifstream in(record.document_file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) throw DataFileError(where + " cannot be read (or is empty)");
  const std::string content = text.str();
  if (content.rfind("%PDF", 0) == 0)
    throw DataFileError(where + " is a PDF; evaluation documents are UTF-8 text files");
  return content;
}

std::vector<EvalRecord> select_records(const std::vector<EvalRecord>& records, const std::vector<std::string>& tasks,
                                       const std::vector<std::string>& buckets, int64_t limit) {
  const auto listed = [](const std::vector<std::string>& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  std::vector<EvalRecord> out;
  std::set<std::string> file_tasks, file_buckets;
  for (const EvalRecord& r : records) {
    file_tasks.insert(r.task);
    if (!r.bucket.empty()) file_buckets.insert(r.bucket);
    const bool bucket_ok = r.bucket.empty() || listed(buckets, r.bucket);  // --buckets filters documents only
    if (listed(tasks, r.task) && bucket_ok && (limit == 0 || int64_t(out.size()) < limit)) out.push_back(r);
  }
  for (const std::string& b : buckets) {
    if (!file_buckets.count(b)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--buckets names '" + b + "', which no record has; the file has buckets " + joined(file_buckets));
    }
  }
  if (out.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "no record matches --tasks/--buckets; the file has tasks " +
                                                 joined(file_tasks) + " and buckets " + joined(file_buckets));
  }
  return out;
}

}  // namespace lightvl::cli

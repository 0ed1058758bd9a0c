// vpclab's background analyses (web/src/background.rs): this page's own wasm module, loaded
// in a worker, answers the jobs the page sends. The page passes the module's URLs, whose
// names carry a hash that only the built page knows.
let engine;

self.onmessage = async ({ data }) => {
  const { id, glue, wasm, request } = data;
  try {
    engine ??= import(glue).then(async (m) => {
      await m.default({ module_or_path: wasm });
      return m;
    });
    self.postMessage({ id, answer: (await engine).background(request) });
  } catch (e) {
    engine = undefined;
    self.postMessage({ id, error: String(e) });
  }
};

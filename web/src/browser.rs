//! The page's only contact with the browser beyond rendering: the address, storage,
//! clipboard, files and the host page. Every call tolerates what browsers refuse (storage
//! blocked in a sandboxed iframe, no clipboard permission) and says so instead of failing.

use wasm_bindgen::{JsCast, JsValue};

use crate::state::Saved;

const AUTOSAVE: &str = "vpclab.autosave";
/// Where autosaved work goes when a shared link opens over it.
const PREVIOUS: &str = "vpclab.previous";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The address's fragment without `#`.
pub fn fragment() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default().trim_start_matches('#').to_string()
}

/// The address's query string (`?embed=1…`).
pub fn search() -> String {
    window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// The page's address without query or fragment: what an "Open in vpclab" link and an
/// embed snippet point at.
pub fn page_url() -> String {
    let Some(l) = window().map(|w| w.location()) else { return String::new() };
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

fn storage() -> Option<web_sys::Storage> {
    // `local_storage()` itself throws when storage is blocked; both failures mean "none".
    window()?.local_storage().ok().flatten()
}

/// What autosave left, or that storage is blocked.
pub fn saved() -> Saved {
    let Some(s) = storage() else { return Saved::Blocked };
    match s.get_item(AUTOSAVE) {
        Ok(Some(v)) if !v.is_empty() => Saved::Link(v),
        Ok(_) => Saved::Nothing,
        Err(_) => Saved::Blocked,
    }
}

/// Autosave the state (as its link) and put it in the address, without a history entry.
pub fn persist(link: &str, previous: Option<&str>) {
    if let Some(s) = storage() {
        if let Some(p) = previous {
            let _ = s.set_item(PREVIOUS, p);
        }
        let _ = s.set_item(AUTOSAVE, link);
    }
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let url = format!("#{link}");
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Copy text to the clipboard; `false` when the browser has no clipboard for this page.
pub fn copy(text: &str) -> bool {
    let Some(w) = window() else { return false };
    let clipboard = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).ok();
    let write =
        clipboard.as_ref().and_then(|c| js_sys::Reflect::get(c, &JsValue::from_str("writeText")).ok());
    match (clipboard, write.and_then(|f| f.dyn_into::<js_sys::Function>().ok())) {
        (Some(c), Some(f)) => {
            // The promise may still reject (no permission); the dialog shows the text to copy by hand.
            if let Ok(p) = f.call1(&c, &JsValue::from_str(text)) {
                if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                    });
                }
            }
            true
        }
        _ => false,
    }
}

/// Offer `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = doc.create_element("a").map(JsCast::unchecked_into::<web_sys::HtmlAnchorElement>) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Post a message to the host page when the page is framed.
pub fn tell_host(message: &serde_json::Value) {
    let Some(w) = window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if parent == w {
        return;
    }
    let Ok(text) = serde_json::to_string(message) else { return };
    let Ok(value) = js_sys::JSON::parse(&text) else { return };
    let _ = parent.post_message(&value, "*");
}

/// The document's full height, for the host page to size the frame.
pub fn content_height() -> i32 {
    window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map(|e| e.scroll_height())
        .unwrap_or(0)
}

/// Apply a theme: `light` or `dark` force it, `auto` follows the system.
pub fn set_theme(theme: &str) {
    if let Some(root) = window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
}

/// The diagram as a standalone SVG document, styled with the page's current theme (the
/// CSS variables resolved), so it looks the same in any viewer.
pub fn diagram_svg() -> Option<String> {
    let w = window()?;
    let doc = w.document()?;
    let svg = doc.query_selector("svg.topology").ok()??;
    let root = doc.document_element()?;
    let computed = w.get_computed_style(&root).ok()??;
    // The SVG rules of the stylesheet, with every var(--x) replaced by its value.
    let mut css = String::new();
    for rule in SVG_CSS.split_inclusive('}') {
        let mut out = String::new();
        let mut rest = rule;
        while let Some(i) = rest.find("var(--") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 4..];
            let end = after.find(')').unwrap_or(after.len());
            let value = computed.get_property_value(&after[..end]).unwrap_or_default();
            out.push_str(value.trim());
            rest = after.get(end + 1..).unwrap_or("");
        }
        out.push_str(rest);
        css.push_str(&out);
    }
    let bg = computed.get_property_value("--panel").unwrap_or_default();
    let inner = svg.inner_html();
    let view_box = svg.get_attribute("viewBox").unwrap_or_default();
    let size: Vec<&str> = view_box.split_whitespace().collect();
    let (wd, ht) = (size.get(2).copied().unwrap_or("800"), size.get(3).copied().unwrap_or("600"));
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{view_box}\" width=\"{wd}\" height=\"{ht}\" font-family=\"system-ui, sans-serif\" font-size=\"12\"><style>{css}</style><rect width=\"100%\" height=\"100%\" fill=\"{}\"/>{inner}</svg>",
        bg.trim()
    ))
}

/// The stylesheet's rules for the diagram (kept in step with `assets/style.css`).
const SVG_CSS: &str = include_str!("../assets/diagram.css");

/// Download the diagram as a PNG at twice its size: the SVG drawn on a canvas.
pub fn download_png(name: &str) {
    let Some(svg) = diagram_svg() else { return };
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let Ok(img) = web_sys::HtmlImageElement::new() else { return };
    let url =
        format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&svg)));
    let name = name.to_string();
    let img2 = img.clone();
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let (w, h) = (img2.natural_width() * 2, img2.natural_height() * 2);
        let Ok(Some(canvas)) =
            doc.create_element("canvas").map(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width(w);
        canvas.set_height(h);
        let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
        let _ =
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, f64::from(w), f64::from(h));
        if let Ok(data) = canvas.to_data_url_with_type("image/png") {
            if let Ok(a) = doc.create_element("a").map(JsCast::unchecked_into::<web_sys::HtmlAnchorElement>) {
                a.set_href(&data);
                a.set_download(&name);
                a.click();
            }
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}

/// The background worker: this page's own wasm module in a Web Worker (`assets/worker.js`),
/// answering `background` jobs so that heavy analyses leave the page responsive.
#[derive(Debug)]
pub struct Worker {
    worker: web_sys::Worker,
    /// The module's JavaScript and wasm, whose names carry a hash only the built page knows.
    glue: String,
    wasm: String,
    _listeners: [wasm_bindgen::closure::Closure<dyn Fn(web_sys::Event)>; 2],
}

impl Worker {
    /// Start the worker. `on_answer(id, outcome or why not)` hears every answer, and
    /// `on_broken` a worker that failed as a whole (its script did not load). `None` where
    /// workers cannot start: then the page computes on the main thread.
    pub fn start(
        on_answer: impl Fn(u32, Result<String, String>) + 'static,
        on_broken: impl Fn() + 'static,
    ) -> Option<Worker> {
        use wasm_bindgen::closure::Closure;
        let doc = window()?.document()?;
        let base = doc.base_uri().ok()??;
        let url = |href: &str| web_sys::Url::new_with_base(href, &base).ok().map(|u| u.href());
        let href = |selector: &str| doc.query_selector(selector).ok()??.get_attribute("href");
        let glue = url(&href("link[rel=modulepreload]")?)?;
        let wasm = url(&href("link[rel=preload][as=fetch]")?)?;
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(&url("worker.js")?, &options).ok()?;
        let message = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(data) = e.dyn_ref::<web_sys::MessageEvent>().map(web_sys::MessageEvent::data) else {
                return;
            };
            let get = |k: &str| js_sys::Reflect::get(&data, &JsValue::from_str(k)).ok();
            let Some(id) = get("id").and_then(|v| v.as_f64()) else { return };
            let answer = get("answer").and_then(|v| v.as_string()).ok_or_else(|| {
                get("error").and_then(|v| v.as_string()).unwrap_or_else(|| "no answer".into())
            });
            on_answer(id as u32, answer);
        });
        let error = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| on_broken());
        worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(error.as_ref().unchecked_ref()));
        Some(Worker { worker, glue, wasm, _listeners: [message, error] })
    }

    /// Send request `id`; `false` if the browser refused the message.
    pub fn send(&self, id: u32, request: &str) -> bool {
        let message = js_sys::Object::new();
        let fields: [(&str, JsValue); 4] = [
            ("id", id.into()),
            ("glue", self.glue.as_str().into()),
            ("wasm", self.wasm.as_str().into()),
            ("request", request.into()),
        ];
        fields.iter().all(|(k, v)| js_sys::Reflect::set(&message, &JsValue::from_str(k), v).is_ok())
            && self.worker.post_message(&message).is_ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Scroll the first element matching `selector` into view if it is off screen, leaving the
/// page where it is otherwise.
pub fn reveal(selector: &str) {
    let Some(w) = window() else { return };
    let Some(el) = w.document().and_then(|d| d.query_selector(selector).ok().flatten()) else { return };
    let r = el.get_bounding_client_rect();
    let height = w.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    if r.top() < 0.0 || r.top() > height - 80.0 {
        el.scroll_into_view_with_bool(true);
    }
}

/// An event listener, removed when this is dropped: what an effect returns as its cleanup.
pub struct Listening {
    target: web_sys::EventTarget,
    event: &'static str,
    listener: wasm_bindgen::closure::Closure<dyn Fn(web_sys::Event)>,
}

impl std::fmt::Debug for Listening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Listening({})", self.event)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.listener.as_ref().unchecked_ref());
    }
}

/// Call `f` on each `event` at `target` until the result is dropped. A listener on an
/// element (not the window or document) may cancel a touch, as the diagram needs.
pub fn listen(
    target: &web_sys::EventTarget,
    event: &'static str,
    f: impl Fn(web_sys::Event) + 'static,
) -> Listening {
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    Listening { target: target.clone(), event, listener }
}

/// `listen` on the window.
pub fn listen_window(event: &'static str, f: impl Fn(web_sys::Event) + 'static) -> Option<Listening> {
    window().map(|w| listen(&w, event, f))
}

/// `listen` on the document.
pub fn listen_document(event: &'static str, f: impl Fn(web_sys::Event) + 'static) -> Option<Listening> {
    window().and_then(|w| w.document()).map(|d| listen(&d, event, f))
}

/// Call `dismiss` on Escape anywhere, or on a press outside the element matching `inside`
/// (a CSS selector): how a popup closes. Listening until the result is dropped.
pub fn on_dismiss(inside: &'static str, dismiss: impl Fn() + Clone + 'static) -> Vec<Listening> {
    let on_key = {
        let dismiss = dismiss.clone();
        move |e: web_sys::Event| {
            if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Escape") {
                dismiss();
            }
        }
    };
    let on_press = move |e: web_sys::Event| {
        let within = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(inside).ok().flatten())
            .is_some();
        if !within {
            dismiss();
        }
    };
    [listen_document("keydown", on_key), listen_document("pointerdown", on_press)]
        .into_iter()
        .flatten()
        .collect()
}

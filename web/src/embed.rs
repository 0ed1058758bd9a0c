//! Embed options, read from the page address's query string (the fragment holds the state):
//! `?embed=1&readonly=1&panels=diagram,trace&theme=dark&from=internet&to=web-1&protocol=tcp&port=443&origins=https://course.example`.
//! Pure parsing, tested natively.

use std::collections::BTreeSet;

use vpclab_core::trace::Query;
use vpclab_core::Protocol;

/// Every panel a host page can show or hide.
pub const PANELS: &[&str] =
    &["diagram", "query", "trace", "inspector", "components", "problems", "views", "challenge"];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embed {
    /// Chrome-less: no header or toolbar, an "Open in vpclab" link instead.
    pub embedded: bool,
    pub readonly: bool,
    /// Panels to show; `None` shows every panel.
    pub panels: Option<BTreeSet<String>>,
    /// `light`, `dark`, or `auto` (the system setting).
    pub theme: String,
    pub query: Option<Query>,
    /// Origins whose `load` messages are obeyed; empty obeys any origin.
    pub origins: Vec<String>,
}

impl Embed {
    /// Parse `?a=b&c=d` (with or without the `?`); unknown keys are ignored.
    pub fn parse(search: &str) -> Embed {
        let mut e = Embed { theme: "auto".into(), ..Embed::default() };
        let (mut from, mut to, mut protocol, mut port) = (None, None, None, None);
        for pair in search.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v);
            let on = matches!(v.as_str(), "" | "1" | "true" | "yes");
            match k {
                "embed" => e.embedded = on,
                "readonly" => e.readonly = on,
                "panels" => {
                    e.panels = Some(
                        v.split(',')
                            .map(str::trim)
                            .filter(|p| PANELS.contains(p))
                            .map(str::to_string)
                            .collect(),
                    )
                }
                "theme" if matches!(v.as_str(), "light" | "dark" | "auto") => e.theme = v,
                "from" => from = Some(v),
                "to" => to = Some(v),
                "protocol" => protocol = v.parse::<Protocol>().ok(),
                "port" => port = v.parse::<u16>().ok(),
                "origins" => {
                    e.origins = v
                        .split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_string())
                        .filter(|o| !o.is_empty())
                        .collect()
                }
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (from, to) {
            let protocol = protocol.unwrap_or(Protocol::Tcp);
            let port = port.or(protocol.has_ports().then_some(443));
            e.query = Some(Query::new(from, to, protocol, port));
        }
        e
    }

    pub fn shows(&self, panel: &str) -> bool {
        self.panels.as_ref().is_none_or(|p| p.contains(panel))
    }

    /// Whether a message from `origin` may load content.
    pub fn trusts(&self, origin: &str) -> bool {
        self.origins.is_empty() || self.origins.iter().any(|o| o == origin)
    }
}

/// Percent-decoding of a query-string value (`+` is a space).
fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The iframe snippet a host page pastes: titled, lazy, with a sensible minimum size.
pub fn snippet(page: &str, fragment: &str, title: &str, readonly: bool, theme: &str) -> String {
    let mut params = vec!["embed=1".to_string()];
    if readonly {
        params.push("readonly=1".into());
    }
    if theme != "auto" {
        params.push(format!("theme={theme}"));
    }
    let title = title.replace('"', "&quot;").replace('<', "&lt;");
    format!(
        "<iframe src=\"{page}?{}#{fragment}\" title=\"vpclab: {title}\" loading=\"lazy\" style=\"width:100%;min-width:320px;height:640px;min-height:480px;border:1px solid #d1d9e0;border-radius:8px\" allow=\"clipboard-write\"></iframe>",
        params.join("&")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_option_and_ignores_junk() {
        let e = Embed::parse("?embed=1&readonly=true&panels=diagram,trace,bogus&theme=dark&from=internet&to=web-1&port=22&origins=https://a.example/,https://b.example&zz=%");
        assert!(e.embedded && e.readonly);
        assert_eq!(e.panels, Some(["diagram".to_string(), "trace".to_string()].into_iter().collect()));
        assert!(e.shows("trace") && !e.shows("inspector"));
        assert_eq!(e.theme, "dark");
        assert_eq!(e.query, Some(Query::new("internet", "web-1", Protocol::Tcp, Some(22))));
        assert!(e.trusts("https://a.example") && !e.trusts("https://evil.example"));
        let d = Embed::parse("");
        assert!(!d.embedded && d.shows("inspector") && d.trusts("https://any.example") && d.theme == "auto");
        assert_eq!(Embed::parse("from=a%20b&to=c&theme=neon").query.map(|q| q.from), Some("a b".into()));
        assert_eq!(Embed::parse("theme=neon").theme, "auto");
        assert_eq!(decode("%4"), "%4");
    }

    #[test]
    fn snippet_is_titled_lazy_and_sized() {
        let s = snippet("https://x.example/vpclab/", "v1.abc", "Three \"tier\"", true, "dark");
        assert!(s.contains("src=\"https://x.example/vpclab/?embed=1&readonly=1&theme=dark#v1.abc\""), "{s}");
        assert!(
            s.contains("title=\"vpclab: Three &quot;tier&quot;\"")
                && s.contains("loading=\"lazy\"")
                && s.contains("min-height:480px")
        );
    }
}

//! Where in a JSON document a decoding error is, as a path (`security_groups`, 1,
//! `inbound`, 0, `icmp_type`), found from the line and column serde_json reports.
//!
//! A scanner rather than `serde_path_to_error`: that crate wraps every type's
//! deserializer, which tripled the decoding code in the page's WebAssembly; this is one
//! small loop over the text, run only when decoding has already failed.

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The path to the value at `line`:`column` (1-based, as serde_json counts) of `text`.
pub fn at(text: &str, line: usize, column: usize) -> Vec<Segment> {
    let offset = offset(text, line, column);
    // Each open container: its segment so far, and whether the next string is a key.
    #[derive(Debug)]
    enum Open {
        Object { key: Option<String>, expecting_key: bool },
        Array { index: usize },
    }
    let mut stack: Vec<Open> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && i < offset {
        match bytes[i] {
            b'{' => stack.push(Open::Object { key: None, expecting_key: true }),
            b'[' => stack.push(Open::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Open::Array { index }) => *index += 1,
                Some(Open::Object { expecting_key, .. }) => *expecting_key = true,
                None => {}
            },
            b':' => {
                if let Some(Open::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Open::Object { key, expecting_key: true }) = stack.last_mut() {
                    *key = text.get(start..i.min(bytes.len())).map(str::to_string);
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack
        .into_iter()
        .filter_map(|o| match o {
            Open::Object { key, .. } => key.map(Segment::Key),
            Open::Array { index } => Some(Segment::Index(index)),
        })
        .collect()
}

/// The byte offset of a 1-based line and column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column).min(text.len())
}

/// The path as people read it: `inbound[0].icmp_type`.
pub fn render(path: &[Segment]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Segment::Key(k) if out.is_empty() => out.push_str(k),
            Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A serde_json error's location in `text` as a path.
pub fn of_error(text: &str, e: &serde_json::Error) -> Vec<Segment> {
    at(text, e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let e = serde_json::from_str::<T>(text).err().unwrap_or_else(|| unreachable!("no error"));
        render(&of_error(text, &e))
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Rule {
        n: u8,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        groups: Vec<Group>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Group {
        id: String,
        rules: Vec<Rule>,
    }

    #[test]
    fn finds_bad_values_unknown_and_missing_fields() {
        let bad_value = r#"{"groups":[{"id":"a","rules":[]},{"id":"b, \"q\"","rules":[{"n":1},{"n":300}]}]}"#;
        assert_eq!(path_of_error::<Doc>(bad_value), "groups[1].rules[1].n");
        let unknown = "{\"groups\":[{\"id\":\"a\",\n \"rules\":[{\"n\":1,\"m\":2}]}]}";
        assert_eq!(path_of_error::<Doc>(unknown), "groups[0].rules[0].m");
        let missing = r#"{"groups":[{"id":"a","rules":[{}]}]}"#;
        assert_eq!(path_of_error::<Doc>(missing), "groups[0].rules[0]");
        assert_eq!(render(&at("", 1, 1)), "");
        assert_eq!(render(&at("[[[", 9, 9)), "[0][0][0]");
    }
}

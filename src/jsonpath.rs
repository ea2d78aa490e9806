//! The path of the field a JSON parse error is about (`config.hidden[1]`), rebuilt from the
//! text: serde_json reports where it stopped (line and column), and the text read up to there
//! tells which keys and array elements were open. Written like `serde_path_to_error`'s paths
//! (keys joined by `.`, elements as `[i]`, `?` for an object between two keys), without its
//! code size. Errors in syntax may name a slightly different place than that crate did (the
//! element where the text stops rather than its list), and a bad variant written as a map key
//! (`"loss": {"q": 1}`) is named with its key (`loss.q`).

/// One open container of the text read so far.
enum Frame {
    /// An object and the key whose value is being read (`None` between two keys).
    Obj(Option<String>),
    /// An array, the index of its current element and whether that element has begun.
    Arr(usize, bool),
}

/// The path at byte `offset` of `text` (clamped to its length): the keys and indices of the
/// containers still open there, `None` at the top level. Never panics, whatever the text.
pub fn path_at(text: &[u8], offset: usize) -> Option<String> {
    let full = text;
    let text = &text[..offset.min(text.len())];
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        i += 1;
        if let Some(Frame::Arr(_, begun)) = stack.last_mut() {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']') {
                *begun = true;
            }
        }
        match b {
            b'"' => {
                let start = i;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                if i >= text.len() {
                    break;
                }
                // A string closed in an object's key position is its new key.
                if let Some(Frame::Obj(key @ None)) = stack.last_mut() {
                    *key = Some(unescape(&text[start - 1..=i]));
                }
                i += 1;
            }
            b'{' => stack.push(Frame::Obj(None)),
            b'[' => stack.push(Frame::Arr(0, false)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Obj(key)) => *key = None,
                Some(Frame::Arr(index, begun)) => {
                    *index = index.saturating_add(1);
                    *begun = false;
                }
                None => {}
            },
            _ => {}
        }
    }
    // A wrong-type error on an array or object stops before its bracket: that value has begun.
    if let (Some(b'[' | b'{'), Some(Frame::Arr(_, begun))) =
        (full.get(text.len()), stack.last_mut())
    {
        *begun = true;
    }
    // Written as serde_path_to_error does: `.` before every key but the first segment.
    let mut path: Option<String> = None;
    for frame in &stack {
        let segment = match frame {
            Frame::Arr(_, false) => continue,
            Frame::Arr(index, true) => format!("[{index}]"),
            Frame::Obj(key) => key.as_deref().unwrap_or("?").to_string(),
        };
        match &mut path {
            None => path = Some(segment),
            Some(p) => {
                if matches!(frame, Frame::Obj(_)) {
                    p.push('.');
                }
                p.push_str(&segment);
            }
        }
    }
    path
}

/// A quoted JSON string's text; an invalid one (cut, bad escape) as it is written.
fn unescape(quoted: &[u8]) -> String {
    let raw = String::from_utf8_lossy(quoted);
    if !raw.contains('\\') {
        return raw[1..raw.len() - 1].to_string();
    }
    serde_json::from_str(&raw).unwrap_or_else(|_| raw[1..raw.len() - 1].to_string())
}

/// The byte offset of serde_json's `line` (from 1) and `column` (bytes into that line) in
/// `text`; the end of the text past its end.
pub fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    start.saturating_add(column).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> String {
        path_at(text.as_bytes(), text.len()).unwrap_or_else(|| "(top)".into())
    }

    #[test]
    fn paths_of_keys_and_elements() {
        assert_eq!(at_end(""), "(top)");
        assert_eq!(at_end("12"), "(top)");
        assert_eq!(at_end(r#"{"seed": "x""#), "seed");
        assert_eq!(at_end(r#"{"config": {"seed": 1"#), "config.seed");
        assert_eq!(at_end(r#"{"hidden": [8, "x""#), "hidden[1]");
        assert_eq!(at_end(r#"{"hidden": [8, "#), "hidden");
        assert_eq!(at_end(r#"{"hidden": ["#), "hidden");
        assert_eq!(at_end(r#"{"p": [[1, 2], [3, 4]"#), "p[1]");
        assert_eq!(at_end(r#"{"p": [[1, 2], [3, 4]]"#), "p");
        assert_eq!(at_end(r#"{"p": [[1, 2], [3]"#), "p[1]");
        assert_eq!(at_end(r#"{"p": [[1, 2], {"a": [0, {"b": 1"#), "p[1].a[1].b");
        assert_eq!(at_end(r#"[{"a": 1}, {"b": true"#), "[1].b");
        // Between two keys, and after a closed object: where serde_path_to_error says `?`,
        // and the container's own path.
        assert_eq!(at_end(r#"{"a": 1, "#), "?");
        assert_eq!(at_end(r#"{"a": {"b": 1}}"#), "(top)");
        // A key may be empty.
        assert_eq!(at_end(r#"{"": {"b": 1"#), ".b");
        assert_eq!(at_end(r#"{"a": {"b": 1}"#), "a");
        // Before the bracket of a wrong-type array or object element.
        let t = br#"{"hidden": [8, [1]]}"#;
        assert_eq!(path_at(t, 15).as_deref(), Some("hidden[1]"));
        assert_eq!(path_at(t, 14).as_deref(), Some("hidden"));
        // The key just read (an unknown field) is the path.
        assert_eq!(at_end(r#"{"hidden": [1, 2], "colour""#), "colour");
    }

    #[test]
    fn strings_hide_brackets_and_keys_are_unescaped() {
        assert_eq!(at_end(r#"{"a": "[{,\"", "b": 1"#), "b");
        assert_eq!(at_end(r#"{"a\"b\u0041": 1"#), "a\"bA");
        assert_eq!(at_end(r#"{"bad\q": 1"#), "bad\\q");
        // An unclosed key is no key yet.
        assert_eq!(at_end(r#"{"a": 1, "unfin"#), "?");
        assert_eq!(at_end(r#"{"a": "unfin"#), "a");
    }

    #[test]
    fn offsets_from_lines_and_columns() {
        let t = b"ab\ncde\n\nf";
        assert_eq!(offset_of(t, 1, 0), 0);
        assert_eq!(offset_of(t, 1, 2), 2);
        assert_eq!(offset_of(t, 2, 1), 4);
        assert_eq!(offset_of(t, 3, 0), 7);
        assert_eq!(offset_of(t, 4, 1), 9);
        assert_eq!(offset_of(t, 9, 1), t.len());
        assert_eq!(offset_of(t, 1, usize::MAX), t.len());
        assert_eq!(offset_of(t, 0, 0), 0);
    }

    #[test]
    fn hostile_text_never_panics() {
        let texts: [&[u8]; 14] = [
            b"}}}]]]",
            b"\"",
            b"\"\\",
            b"{\"\\",
            b"{\"\\\"",
            b"{\"a\\u12",
            b"{\"\xff\xfe\": [",
            b"{\"\xe2\x82\": 1",
            b"[,,,,,,",
            b"{:::,,}",
            b"{\"a\":{\"b\":{\"c\":[[[[",
            b"\\\\\\\"\"\"",
            b"{\"\"",
            b"[\"\",{\"\":[\"",
        ];
        for text in texts {
            for cut in 0..=text.len() + 2 {
                let _ = path_at(text, cut);
                for line in 0..4 {
                    let _ = offset_of(text, line, cut);
                }
            }
        }
        let deep = "[".repeat(100_000);
        assert_eq!(at_end(&deep), "[0]".repeat(99_999));
        assert_eq!(at_end(&format!("{deep}1")), "[0]".repeat(100_000));
    }
}

//! Log lines nobody can forge. Text logs print field values as they are, so a newline in a login
//! name, or a request id that looks like more fields, would write a line or a field the server
//! never wrote. Every value is escaped here, once, for every log call; JSON logs escape by
//! themselves.

use std::fmt::Write as _;

use tracing_subscriber::field::{MakeExt, RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{self, Writer};
use tracing_subscriber::fmt::FormatFields;

/// Text with its control characters written out (`\n`, `\u{1b}`), so it stays on its line.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A value as one piece of a log line: its control characters escaped, and quoted (with `"` and
/// `\` escaped) when it holds a space, quote or `=`, so it cannot read as more fields.
pub fn clean(text: &str) -> String {
    let escaped = escape_controls(text);
    if !text.is_empty() && !text.contains([' ', '"', '=', '\\']) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 2);
    out.push('"');
    for c in escaped.chars() {
        match c {
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The field formatter for text logs: `name=value`, each value [`clean`]ed; the message as it
/// is, with its control characters escaped.
pub fn fields() -> impl for<'w> FormatFields<'w> + Send + Sync + 'static {
    Fields
}

struct Fields;

impl<'w> FormatFields<'w> for Fields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> std::fmt::Result {
        let inner = format::debug_fn(|w: &mut Writer<'_>, field: &tracing::field::Field, value| {
            let text = format!("{value:?}");
            if field.name() == "message" {
                write!(w, "{}", escape_controls(&text))
            } else {
                write!(w, "{}={}", field.name(), clean(&text))
            }
        })
        .delimited(" ");
        let mut visitor = tracing_subscriber::field::MakeVisitor::make_visitor(&inner, writer);
        fields.record(&mut visitor);
        visitor.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn a_value_stays_one_value_on_one_line() {
        assert_eq!(clean("ada"), "ada");
        assert_eq!(clean("eve\nINFO forged"), "\"eve\\nINFO forged\"");
        assert_eq!(clean("a method=DELETE"), "\"a method=DELETE\"");
        assert_eq!(clean("\u{1b}[31m"), "\\u{1b}[31m");
        assert_eq!(clean(""), "\"\"");
    }
}

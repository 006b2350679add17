//! The pieces of typst source the report is written with: string literals (so that no user text
//! is read as markup), tables, the identification block and the signature lines.

use crate::identification::Field;

/// A typst string literal: the text, escaped, in code mode.
pub(crate) fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c if crate::svg::unprintable(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text in markup, as `#"..."`.
pub(crate) fn text(t: &str) -> String {
    format!("#{}", lit(t))
}

/// A table in code mode: a header row and string cells.
pub(super) fn table(columns: &[&str], header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("#table(columns: ({}), table.header(", columns.join(", "));
    out.push_str(
        &header
            .iter()
            .map(|h| format!("[*{}*]", text(h)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str("),\n");
    for row in rows {
        out.push_str(&row.iter().map(|c| lit(c)).collect::<Vec<_>>().join(", "));
        out.push_str(",\n");
    }
    out.push_str(")\n");
    out
}

/// The identification block: a label column and a value column; digests in a smaller size so
/// that 64 hex digits fit on one line.
pub(super) fn identification(fields: &[Field]) -> String {
    let mut out =
        String::from("#table(columns: (auto, 1fr), stroke: 0.5pt + luma(180), fill: (x, _) => if x == 0 { luma(240) },\n");
    for f in fields {
        let value = if f.digest {
            format!("text(size: 7.5pt, {})", lit(&f.value))
        } else {
            lit(&f.value)
        };
        out.push_str(&format!("[*{}*], {value},\n", text(f.label)));
    }
    out.push_str(")\n\n");
    out
}

/// The approval block of a target sheet: per signatory, lines for name, role, date and signature.
pub(super) fn signatures(who: &[String], lines: &[&str]) -> String {
    let mut out = String::from("#grid(columns: (1fr, 1fr), column-gutter: 16pt,\n");
    for w in who {
        out.push_str(&format!(
            "block(stroke: 0.5pt + luma(120), inset: 8pt, width: 100%, breakable: false)[*{}*\n#v(4pt)\n#grid(columns: (auto, 1fr), column-gutter: 6pt, row-gutter: 18pt, align: bottom,\n",
            text(w)
        ));
        for (i, l) in lines.iter().enumerate() {
            let height = if i + 1 == lines.len() { "24pt" } else { "10pt" };
            out.push_str(&format!(
                "{}, box(width: 100%, height: {height}, stroke: (bottom: 0.5pt)),\n",
                lit(l)
            ));
        }
        out.push_str(")],\n");
    }
    out.push_str(")\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::lit;

    #[test]
    fn user_text_cannot_become_markup() {
        assert_eq!(
            lit("a \"quoted\" \\ #eval(x)"),
            "\"a \\\"quoted\\\" \\\\ #eval(x)\""
        );
        assert_eq!(lit("two\nlines"), "\"two\\nlines\"");
    }
}

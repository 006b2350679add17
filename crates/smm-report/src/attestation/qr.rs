//! The verification link as a QR code, drawn as SVG (crisp at any print size, no raster).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `link` as an SVG document (without the XML declaration, so it can sit inline
/// in HTML). Error correction level M survives a crease or a smudge on a printed page.
pub fn svg(link: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| format!("the verification link does not fit a QR code: {e}"))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The renderer starts with `<?xml …?>`, which does not belong inside an HTML page.
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].to_string())
}

#[cfg(test)]
mod tests {
    use super::svg;

    #[test]
    fn the_code_is_an_svg_without_an_xml_declaration() {
        let code = svg("https://smm.example.org/verify?serial=00ff").expect("fits");
        assert!(code.starts_with("<svg"), "{code}");
        assert!(code.ends_with("</svg>"), "{code}");
        assert!(crate::png::parse(&code).is_ok());
    }
}

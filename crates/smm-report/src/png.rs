//! SVG to PNG, in Rust (resvg), with the fonts bundled in the binary so a chart renders the same
//! everywhere and needs nothing installed.

use resvg::{tiny_skia, usvg};

/// DejaVu Sans (regular and bold): free fonts with wide coverage; see `fonts/LICENSE-DejaVu.txt`.
const FONTS: [&[u8]; 2] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

/// Options that resolve every font family in our charts to the bundled DejaVu Sans.
fn options() -> usvg::Options<'static> {
    let mut options = usvg::Options::default();
    let db = options.fontdb_mut();
    for font in FONTS {
        db.load_font_data(font.to_vec());
    }
    db.set_sans_serif_family("DejaVu Sans");
    options.font_family = "DejaVu Sans".to_string();
    options
}

/// Parses SVG text the way the renderer does; an error means the SVG is not valid.
pub fn parse(svg: &str) -> Result<usvg::Tree, String> {
    usvg::Tree::from_str(svg, &options()).map_err(|e| format!("invalid SVG: {e}"))
}

/// Renders SVG text to PNG bytes at `scale` (2.0 for crisp images on high-density screens).
pub fn render(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    let tree = parse(svg)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("the chart has no size")?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or("the chart is too large to render")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("cannot encode PNG: {e}"))
}

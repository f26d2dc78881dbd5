//! Markdown written by staff, turned into HTML that is safe to show to anyone.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use pulldown_cmark::{html, Options, Parser};
use rustc_hash::FxBuildHasher;

/// The sanitiser: ammonia's defaults (no scripts, styles, event handlers or `javascript:`
/// URLs), links marked `noopener noreferrer nofollow`.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("noopener noreferrer nofollow"));
    b
});

/// Texts rendered lately, by their source. Pages show the same promos and posts to every
/// reader (the portal home renders each active promo per request), and rendering with
/// sanitising took a tenth of that page's time; the HTML depends on the source alone, so a
/// remembered one is always right. Emptied when it holds [`REMEMBERED`] texts; sources longer
/// than [`REMEMBERED_LEN`] bytes are rendered every time.
static RENDERED: LazyLock<Mutex<HashMap<String, String, FxBuildHasher>>> =
    LazyLock::new(Mutex::default);
const REMEMBERED: usize = 256;
const REMEMBERED_LEN: usize = 16 * 1024;

/// Renders Markdown (raw HTML inside it included) to sanitised HTML.
pub fn render_markdown(source: &str) -> String {
    if source.len() > REMEMBERED_LEN {
        return render(source);
    }
    if let Some(html) = RENDERED.lock().expect("rendered texts").get(source) {
        return html.clone();
    }
    let html = render(source);
    let mut rendered = RENDERED.lock().expect("rendered texts");
    if rendered.len() >= REMEMBERED {
        rendered.clear();
    }
    rendered.insert(source.to_owned(), html.clone());
    html
}

fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(source, options));
    CLEANER.clean(&raw).to_string()
}

/// A URL-friendly name from a title: lowercase ASCII letters and digits joined by dashes.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
        if out.len() >= 80 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Common Latin letters with accents, as their plain letter (`é` → `e`).
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_markup_is_removed() {
        let html = render_markdown(
            "# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) \
             <img src=x onerror=alert(1)> <a href=\"https://isp.id\" onclick=\"x()\">ok</a>",
        );
        for bad in ["<script", "javascript:", "onerror", "onclick"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("<h1>Hi</h1>"));
        assert!(html.contains("href=\"https://isp.id\""));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Promo Ramadhan 2026!"), "promo-ramadhan-2026");
        assert_eq!(
            slugify("  Gangguan  di Cimahi -- Selesai "),
            "gangguan-di-cimahi-selesai"
        );
        assert_eq!(slugify("Café Ünik"), "cafe-unik");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("promo-2026"), "promo-2026");
    }
}

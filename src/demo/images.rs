//! The demo company's logo and home page picture, drawn here (no stock photo ships with the
//! code): a lightning bolt for "Blitz", and Cimahi's hills at dusk with houses, poles and fibre
//! lines. They go through the same upload processing as an admin's files.

use image::{Rgb, RgbImage, Rgba, RgbaImage};

use crate::uploads::form::Incoming;
use crate::uploads::process::{self, Accept, Prepared, Shape};

/// The logo, processed as an uploaded logo is.
pub fn logo() -> Option<Prepared> {
    prepared(
        "logo.png",
        image::DynamicImage::ImageRgba8(draw_logo()),
        Shape::Logo,
    )
}

/// The hero picture, processed as an uploaded hero is (lossy WebP).
pub fn hero() -> Option<Prepared> {
    prepared(
        "cimahi-senja.png",
        image::DynamicImage::ImageRgb8(draw_hero()),
        Shape::Hero,
    )
}

fn prepared(name: &str, img: image::DynamicImage, shape: Shape) -> Option<Prepared> {
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .ok()?;
    let file = Incoming {
        field: "demo".into(),
        name: name.into(),
        bytes,
    };
    process::prepare_shaped_blocking(&file, Accept::Images, shape).ok()
}

/// A white lightning bolt on a rounded brand-green square, 256 px, edges smoothed by 4x4
/// samples per pixel.
fn draw_logo() -> RgbaImage {
    const S: f32 = 256.0;
    let bolt = [
        (150.0, 22.0),
        (62.0, 146.0),
        (122.0, 146.0),
        (100.0, 234.0),
        (196.0, 102.0),
        (136.0, 102.0),
        (166.0, 22.0),
    ];
    RgbaImage::from_fn(S as u32, S as u32, |x, y| {
        let (mut square, mut inside) = (0.0f32, 0.0f32);
        for i in 0..16 {
            let px = x as f32 + (i % 4) as f32 / 4.0 + 0.125;
            let py = y as f32 + (i / 4) as f32 / 4.0 + 0.125;
            if in_rounded_square(px, py, S, 52.0) {
                square += 1.0 / 16.0;
                if in_polygon(px, py, &bolt) {
                    inside += 1.0 / 16.0;
                }
            }
        }
        let green = [15.0, 110.0, 90.0];
        let c = |i: usize| (green[i] + (255.0 - green[i]) * inside / square.max(1e-6)) as u8;
        Rgba([c(0), c(1), c(2), (square * 255.0) as u8])
    })
}

fn in_rounded_square(x: f32, y: f32, size: f32, r: f32) -> bool {
    let cx = x.clamp(r, size - r);
    let cy = y.clamp(r, size - r);
    (x - cx).powi(2) + (y - cy).powi(2) <= r * r
}

/// Even-odd rule.
fn in_polygon(x: f32, y: f32, pts: &[(f32, f32)]) -> bool {
    let mut inside = false;
    let mut j = pts.len() - 1;
    for i in 0..pts.len() {
        let ((xi, yi), (xj, yj)) = (pts[i], pts[j]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

const W: u32 = 1600;
const H: u32 = 900;

/// Dusk over two ranges of hills, a row of houses with lit windows, a transmission tower and
/// poles carrying glowing fibre lines.
fn draw_hero() -> RgbImage {
    let sky_top = [12.0, 52.0, 72.0];
    let sky_low = [242.0, 160.0, 92.0];
    let mut img = RgbImage::from_fn(W, H, |x, y| {
        let t = (y as f32 / 620.0).min(1.0).powf(1.6);
        let mut c = mix(sky_top, sky_low, t);
        // The sun's glow.
        let d = ((x as f32 - 1180.0).powi(2) + (y as f32 - 560.0).powi(2)).sqrt();
        c = mix(
            c,
            [255.0, 214.0, 140.0],
            (1.0 - d / 420.0).clamp(0.0, 1.0).powi(2) * 0.8,
        );
        if d < 80.0 {
            c = mix(c, [255.0, 232.0, 180.0], ((80.0 - d) / 2.0).min(1.0));
        }
        px(c)
    });
    let far = |x: f32| 575.0 + 38.0 * (x / 170.0).sin() + 22.0 * (x / 61.0 + 1.0).sin();
    let near = |x: f32| 690.0 + 30.0 * (x / 240.0 + 2.0).sin() + 12.0 * (x / 93.0).sin();
    fill_below(&mut img, far, [58.0, 104.0, 108.0]);
    fill_below(&mut img, near, [30.0, 66.0, 72.0]);
    // Houses along the near hills, some windows lit.
    let mut seed = 7u32;
    let mut x = 40.0;
    while x < W as f32 - 60.0 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let w = 46.0 + (seed >> 16) as f32 % 40.0;
        let h = 30.0 + (seed >> 8) as f32 % 26.0;
        let ground = near(x + w / 2.0) + 14.0;
        let body = [22.0 + (seed % 17) as f32, 44.0, 52.0];
        rect(&mut img, x, ground - h, w, h, body);
        roof(
            &mut img,
            x - 6.0,
            ground - h,
            w + 12.0,
            h * 0.55,
            [20.0, 36.0, 42.0],
        );
        if !seed.is_multiple_of(3) {
            rect(
                &mut img,
                x + w * 0.3,
                ground - h * 0.7,
                10.0,
                10.0,
                [255.0, 210.0, 120.0],
            );
        }
        x += w + 14.0 + (seed >> 20) as f32 % 50.0;
    }
    // A transmission tower on the far hill, with its signal.
    let (tx, ty) = (300.0, far(300.0));
    let top = (tx, ty - 230.0);
    let dark = [16.0, 34.0, 40.0];
    line(&mut img, (tx - 42.0, ty), top, 4.0, dark);
    line(&mut img, (tx + 42.0, ty), top, 4.0, dark);
    for i in 1..6 {
        let f = i as f32 / 6.0;
        let (y0, half) = (ty - 230.0 * f, 42.0 * (1.0 - f));
        let (y1, next) = (ty - 230.0 * (f + 1.0 / 6.0), 42.0 * (1.0 - f - 1.0 / 6.0));
        line(&mut img, (tx - half, y0), (tx + next, y1), 2.0, dark);
        line(&mut img, (tx + half, y0), (tx - next, y1), 2.0, dark);
    }
    for r in [34.0, 58.0, 82.0] {
        arc(&mut img, top, r, 2.5, [120.0, 235.0, 216.0]);
    }
    // Poles in the foreground carrying two cables, one of them a glowing fibre line.
    let poles: Vec<f32> = (0..9).map(|i| 120.0 + i as f32 * 190.0).collect();
    for p in &poles {
        let base = H as f32 - 40.0;
        line(
            &mut img,
            (*p, base),
            (*p, base - 200.0),
            6.0,
            [14.0, 26.0, 30.0],
        );
        line(
            &mut img,
            (*p - 22.0, base - 186.0),
            (*p + 22.0, base - 186.0),
            4.0,
            [14.0, 26.0, 30.0],
        );
    }
    for pair in poles.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        sag(
            &mut img,
            (a - 18.0, H as f32 - 226.0),
            (b - 18.0, H as f32 - 226.0),
            2.0,
            [14.0, 26.0, 30.0],
        );
        sag(
            &mut img,
            (a + 18.0, H as f32 - 226.0),
            (b + 18.0, H as f32 - 226.0),
            3.0,
            [110.0, 231.0, 216.0],
        );
    }
    // Dark ground at the bottom.
    fill_below(
        &mut img,
        |x| 860.0 + 6.0 * (x / 140.0).sin(),
        [18.0, 40.0, 46.0],
    );
    img
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn px(c: [f32; 3]) -> Rgb<u8> {
    Rgb(c.map(|v| v.clamp(0.0, 255.0) as u8))
}

/// Blends `c` into the pixel at (x, y) with coverage `a`.
fn blend(img: &mut RgbImage, x: i64, y: i64, c: [f32; 3], a: f32) {
    if x < 0 || y < 0 || x >= W as i64 || y >= H as i64 || a <= 0.0 {
        return;
    }
    let p = img.get_pixel_mut(x as u32, y as u32);
    let old = p.0.map(f32::from);
    *p = px(mix(old, c, a.min(1.0)));
}

/// Fills everything below the curve `edge(x)`, the edge smoothed.
fn fill_below(img: &mut RgbImage, edge: impl Fn(f32) -> f32, c: [f32; 3]) {
    for x in 0..W {
        let e = edge(x as f32 + 0.5);
        for y in (e.floor().max(0.0) as u32)..H {
            blend(
                img,
                x.into(),
                y.into(),
                c,
                (y as f32 + 1.0 - e).clamp(0.0, 1.0),
            );
        }
    }
}

fn rect(img: &mut RgbImage, x: f32, y: f32, w: f32, h: f32, c: [f32; 3]) {
    for yy in y as i64..(y + h) as i64 {
        for xx in x as i64..(x + w) as i64 {
            blend(img, xx, yy, c, 1.0);
        }
    }
}

/// A triangle roof standing on (x, y)–(x + w, y).
fn roof(img: &mut RgbImage, x: f32, y: f32, w: f32, h: f32, c: [f32; 3]) {
    for yy in (y - h) as i64..=y as i64 {
        let f = (y - yy as f32) / h;
        let half = w / 2.0 * (1.0 - f);
        let mid = x + w / 2.0;
        for xx in (mid - half) as i64..=(mid + half) as i64 {
            blend(img, xx, yy, c, 1.0);
        }
    }
}

/// A line `width` px thick, its edges smoothed.
fn line(img: &mut RgbImage, a: (f32, f32), b: (f32, f32), width: f32, c: [f32; 3]) {
    let (x0, x1) = (a.0.min(b.0) - width, a.0.max(b.0) + width);
    let (y0, y1) = (a.1.min(b.1) - width, a.1.max(b.1) + width);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = (dx * dx + dy * dy).max(1e-6);
    for y in y0 as i64..=y1 as i64 {
        for x in x0 as i64..=x1 as i64 {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let t = (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0);
            let d = ((px - a.0 - t * dx).powi(2) + (py - a.1 - t * dy).powi(2)).sqrt();
            blend(img, x, y, c, width / 2.0 + 0.5 - d);
        }
    }
}

/// A cable hanging between two points.
fn sag(img: &mut RgbImage, a: (f32, f32), b: (f32, f32), width: f32, c: [f32; 3]) {
    let point = |t: f32| {
        (
            a.0 + (b.0 - a.0) * t,
            a.1 + (b.1 - a.1) * t + 26.0 * 4.0 * t * (1.0 - t),
        )
    };
    let mut prev = point(0.0);
    for i in 1..=16 {
        let next = point(i as f32 / 16.0);
        line(img, prev, next, width, c);
        prev = next;
    }
}

/// The upper half of a circle around `centre`.
fn arc(img: &mut RgbImage, centre: (f32, f32), r: f32, width: f32, c: [f32; 3]) {
    let at = |i: i32| {
        let a = std::f32::consts::PI * (1.15 + 0.7 * i as f32 / 12.0);
        (centre.0 + r * a.cos(), centre.1 + r * a.sin())
    };
    for i in 0..12 {
        line(img, at(i), at(i + 1), width, c);
    }
}

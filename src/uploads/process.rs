//! What a file is, decided from its bytes alone, and what we keep of it: images are decoded and
//! encoded again (which leaves EXIF, GPS positions and anything hidden after the pixels behind)
//! with a thumbnail; PDFs are kept as they are and only ever sent as attachments.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::form::Incoming;

/// The longest side of a stored image; larger ones are scaled down.
pub const MAX_SIDE: u32 = 2000;
/// The longest side of a thumbnail.
pub const THUMB_SIDE: u32 = 320;
/// Images claiming more pixels than this are refused before decoding (decompression bombs).
const MAX_PIXELS_SIDE: u32 = 12_000;
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// How an image is kept: its longest side, its thumbnail's, and the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Photos on forms (complaints): up to [`MAX_SIDE`], a [`THUMB_SIDE`] thumbnail, JPEG or PNG
    /// as they came.
    Standard,
    /// The company logo, shown about 32 px high in every header: up to 512 px, a 128 px
    /// thumbnail (sharp on 4x screens, a few KB).
    Logo,
    /// The picture behind the home page's headline: lossy WebP at most [`HERO_SIDE`] px wide
    /// with a [`HERO_THUMB_SIDE`] px thumbnail for phones, so that the home page's first load
    /// (document, stylesheet, logo and picture) stays under 60 KB.
    Hero,
}

pub const HERO_SIDE: u32 = 1280;
pub const HERO_THUMB_SIDE: u32 = 640;
const LOGO_SIDE: u32 = 512;
const LOGO_THUMB_SIDE: u32 = 128;
/// libwebp's quality (0–100) for the hero and its thumbnail. The picture sits behind a tinted
/// overlay and text, where artefacts do not show; 60 keeps a 1280 px photo near 40 KB.
const HERO_QUALITY: f32 = 60.0;

impl Shape {
    fn sides(self) -> (u32, u32) {
        match self {
            Shape::Standard => (MAX_SIDE, THUMB_SIDE),
            Shape::Logo => (LOGO_SIDE, LOGO_THUMB_SIDE),
            Shape::Hero => (HERO_SIDE, HERO_THUMB_SIDE),
        }
    }
}

/// The kinds of file we accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl Kind {
    /// Decided from the leading bytes only, never from the name or the declared type.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        match infer::get(bytes)?.mime_type() {
            "image/jpeg" => Some(Kind::Jpeg),
            "image/png" => Some(Kind::Png),
            "image/webp" => Some(Kind::Webp),
            "application/pdf" => Some(Kind::Pdf),
            _ => None,
        }
    }
}

/// Which kinds a form field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    Images,
    ImagesOrPdf,
}

/// Why one file was refused; the message is a translation key shown at its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileError {
    /// Not JPEG, PNG, WebP or PDF by its content (an executable, HTML, SVG, text…).
    NotAllowed,
    /// A PDF where only images are taken.
    NotAnImage,
    /// Looks like an image but does not decode (damaged, or something else behind a header).
    Unreadable,
    /// More pixels than we decode.
    TooManyPixels,
}

impl FileError {
    pub fn message_key(self) -> &'static str {
        match self {
            FileError::NotAllowed => "uploads.error.type",
            FileError::NotAnImage => "uploads.error.not_image",
            FileError::Unreadable => "uploads.error.unreadable",
            FileError::TooManyPixels => "uploads.error.dimensions",
        }
    }
}

/// Bytes ready to store, with their SHA-256 (hex) and type.
#[derive(Clone, Debug)]
pub struct Stored {
    pub bytes: Vec<u8>,
    pub hash: String,
    pub mime: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl Stored {
    fn new(bytes: Vec<u8>, mime: &'static str, dims: Option<(u32, u32)>) -> Stored {
        Stored {
            hash: hex::encode(Sha256::digest(&bytes)),
            bytes,
            mime,
            width: dims.map(|d| d.0),
            height: dims.map(|d| d.1),
        }
    }
}

/// An accepted file: what to store, its thumbnail (images), and its sanitised original name.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub kind: Kind,
    pub main: Stored,
    pub thumb: Option<Stored>,
    pub original_name: String,
}

/// Sniffs, checks and re-encodes one file. CPU-bound: call it through [`prepare`].
pub fn prepare_blocking(file: &Incoming, accept: Accept) -> Result<Prepared, FileError> {
    prepare_shaped_blocking(file, accept, Shape::Standard)
}

/// [`prepare_blocking`] with the sizes and format of `shape`.
pub fn prepare_shaped_blocking(
    file: &Incoming,
    accept: Accept,
    shape: Shape,
) -> Result<Prepared, FileError> {
    let kind = Kind::sniff(&file.bytes).ok_or(FileError::NotAllowed)?;
    if kind == Kind::Pdf {
        if accept == Accept::Images {
            return Err(FileError::NotAnImage);
        }
        return Ok(Prepared {
            kind,
            main: Stored::new(file.bytes.clone(), "application/pdf", None),
            thumb: None,
            original_name: file.name.clone(),
        });
    }
    let img = decode(&file.bytes, kind)?;
    // Keep JPEG and PNG as they came; WebP (whose encoder in `image` is lossless only) becomes
    // PNG when it has an alpha channel and JPEG otherwise, so pages stay small. The hero is
    // always lossy WebP (libwebp).
    let out = match kind {
        _ if shape == Shape::Hero => ImageFormat::WebP,
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        _ if img.color().has_alpha() => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    };
    let (side, thumb_side) = shape.sides();
    let img = if img.width() > side || img.height() > side {
        img.resize(side, side, FilterType::Triangle)
    } else {
        img
    };
    let thumb = img.thumbnail(thumb_side, thumb_side);
    Ok(Prepared {
        kind,
        main: encode(&img, out)?,
        thumb: Some(encode(&thumb, out)?),
        original_name: file.name.clone(),
    })
}

/// [`prepare_blocking`] on a blocking thread, so that decoding never stalls the server.
pub async fn prepare(file: Incoming, accept: Accept) -> Result<Prepared, FileError> {
    prepare_shaped(file, accept, Shape::Standard).await
}

/// [`prepare_shaped_blocking`] on a blocking thread.
pub async fn prepare_shaped(
    file: Incoming,
    accept: Accept,
    shape: Shape,
) -> Result<Prepared, FileError> {
    tokio::task::spawn_blocking(move || prepare_shaped_blocking(&file, accept, shape))
        .await
        .unwrap_or(Err(FileError::Unreadable))
}

/// Decodes with limits, pixels turned upright by the EXIF orientation (which is then dropped).
fn decode(bytes: &[u8], kind: Kind) -> Result<DynamicImage, FileError> {
    let format = match kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
        Kind::Pdf => return Err(FileError::NotAnImage),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

fn decode_error(e: image::ImageError) -> FileError {
    match e {
        image::ImageError::Limits(_) => FileError::TooManyPixels,
        _ => FileError::Unreadable,
    }
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Result<Stored, FileError> {
    let mut out = Vec::new();
    let mime = match format {
        ImageFormat::WebP => {
            out = lossy_webp(img)?;
            "image/webp"
        }
        ImageFormat::Png => {
            img.write_with_encoder(PngEncoder::new(&mut out))
                .map_err(|_| FileError::Unreadable)?;
            "image/png"
        }
        _ => {
            // JPEG has no alpha channel.
            DynamicImage::ImageRgb8(img.to_rgb8())
                .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
                .map_err(|_| FileError::Unreadable)?;
            "image/jpeg"
        }
    };
    Ok(Stored::new(out, mime, Some((img.width(), img.height()))))
}

/// Lossy WebP through libwebp (the `image` crate only writes lossless WebP); an alpha channel
/// is kept.
fn lossy_webp(img: &DynamicImage) -> Result<Vec<u8>, FileError> {
    let (w, h) = (img.width(), img.height());
    let pixels;
    let encoder = if img.color().has_alpha() {
        pixels = img.to_rgba8().into_raw();
        webp::Encoder::from_rgba(&pixels, w, h)
    } else {
        pixels = img.to_rgb8().into_raw();
        webp::Encoder::from_rgb(&pixels, w, h)
    };
    encoder
        .encode_simple(false, HERO_QUALITY)
        .map(|m| m.to_vec())
        .map_err(|_| FileError::Unreadable)
}

/// The extension that matches a stored type, for download names.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(bytes: &[u8]) -> Incoming {
        Incoming {
            field: "f".into(),
            name: "x.jpg".into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn disguised_files_are_refused_by_their_bytes() {
        let corpus: [&[u8]; 5] = [
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0",
            b"<!doctype html><html><script>alert(1)</script></html>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"just some text pretending to be a png",
        ];
        for bytes in corpus {
            assert_eq!(
                prepare_blocking(&incoming(bytes), Accept::ImagesOrPdf).unwrap_err(),
                FileError::NotAllowed
            );
        }
    }

    #[test]
    fn a_jpeg_header_in_front_of_something_else_does_not_decode() {
        let mut bytes = b"\xff\xd8\xff\xe0\0\x10JFIF\0".to_vec();
        bytes.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(
            prepare_blocking(&incoming(&bytes), Accept::Images).unwrap_err(),
            FileError::Unreadable
        );
    }

    #[test]
    fn pdfs_are_kept_as_they_are_where_allowed() {
        let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
        let p = prepare_blocking(&incoming(pdf), Accept::ImagesOrPdf).unwrap();
        assert_eq!(p.main.mime, "application/pdf");
        assert_eq!(p.main.bytes, pdf);
        assert!(p.thumb.is_none());
        assert_eq!(
            prepare_blocking(&incoming(pdf), Accept::Images).unwrap_err(),
            FileError::NotAnImage
        );
    }

    #[test]
    fn webp_becomes_jpeg_or_png_by_its_alpha_channel() {
        use image::codecs::webp::WebPEncoder;
        for (img, want) in [
            (DynamicImage::new_rgb8(40, 30), "image/jpeg"),
            (DynamicImage::new_rgba8(40, 30), "image/png"),
        ] {
            let mut webp = Vec::new();
            img.write_with_encoder(WebPEncoder::new_lossless(&mut webp))
                .unwrap();
            assert_eq!(Kind::sniff(&webp), Some(Kind::Webp));
            let p = prepare_blocking(&incoming(&webp), Accept::Images).unwrap();
            assert_eq!(p.main.mime, want);
            assert_eq!((p.main.width, p.main.height), (Some(40), Some(30)));
        }
    }

    #[test]
    fn the_hero_becomes_a_small_lossy_webp_with_a_phone_sized_thumbnail() {
        // A noisy 2400 x 1350 picture: the worst case for size.
        let img = image::RgbImage::from_fn(2400, 1350, |x, y| {
            let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 64;
            image::Rgb([(x / 10) as u8, (y / 6) as u8, 90 + n as u8])
        });
        let mut jpeg = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, 95))
            .unwrap();
        let p = prepare_shaped_blocking(&incoming(&jpeg), Accept::Images, Shape::Hero).unwrap();
        assert_eq!(p.main.mime, "image/webp");
        assert_eq!(Kind::sniff(&p.main.bytes), Some(Kind::Webp));
        assert_eq!((p.main.width, p.main.height), (Some(1280), Some(720)));
        let t = p.thumb.unwrap();
        assert_eq!(
            (t.mime, t.width, t.height),
            ("image/webp", Some(640), Some(360))
        );
        assert!(t.bytes.len() < p.main.bytes.len());
        // It decodes again (the `image` crate reads lossy WebP).
        let back = image::load_from_memory(&t.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (640, 360));
    }

    #[test]
    fn the_logo_keeps_its_format_with_a_header_sized_thumbnail() {
        let img = DynamicImage::new_rgba8(800, 400);
        let mut png = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut png)).unwrap();
        let p = prepare_shaped_blocking(&incoming(&png), Accept::Images, Shape::Logo).unwrap();
        assert_eq!(p.main.mime, "image/png");
        assert_eq!((p.main.width, p.main.height), (Some(512), Some(256)));
        let t = p.thumb.unwrap();
        assert_eq!((t.width, t.height), (Some(128), Some(64)));
    }

    #[test]
    fn large_images_are_scaled_and_get_a_thumbnail() {
        let img = DynamicImage::new_rgb8(2400, 1200);
        let mut png = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut png)).unwrap();
        let p = prepare_blocking(&incoming(&png), Accept::Images).unwrap();
        assert_eq!((p.main.width, p.main.height), (Some(2000), Some(1000)));
        let t = p.thumb.unwrap();
        assert_eq!((t.width, t.height), (Some(320), Some(160)));
        assert_eq!(t.mime, "image/png");
    }
}

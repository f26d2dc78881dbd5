//! Uploads: the company logo and hero image through the multipart company form, type sniffing
//! with a disguised-file corpus, EXIF stripping, size and count limits (refused while the body
//! still streams), the CSRF check on multipart bodies, and how files are served.

use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};
use reqwest::StatusCode;
use setia::auth::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{spawn, Browser, Resp, TestApp};

/// id, mime, original name, context, owner, width.
type UploadRow = (i64, String, String, String, Option<i64>, Option<i64>);

const BOUNDARY: &str = "----setia-test-boundary-7MA4YWxkTrZu0gW";

/// One part of a hand-built multipart body (built by hand so that tests control the order and
/// can send what a browser never would).
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File {
        field: &'a str,
        name: &'a str,
        declared: &'a str,
        bytes: &'a [u8],
    },
}

pub fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
            Part::File {
                field,
                name,
                declared,
                bytes,
            } => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                         Content-Type: {declared}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(bytes);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub async fn post_multipart(b: &Browser, path: &str, body: Vec<u8>) -> Resp {
    Browser::read(
        b.client
            .post(b.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn get_bytes(b: &Browser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let res = b.client.get(b.url(path)).send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(PngEncoder::new(&mut out))
        .unwrap();
    out
}

/// A little-endian TIFF/EXIF block with a camera make and a GPS position (Cimahi).
fn exif_with_gps() -> Vec<u8> {
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    // IFD0 at 8: two entries (Make, GPS IFD pointer), then next-IFD 0.
    let ifd0_len = 2 + 2 * 12 + 4;
    let make_at = 8 + ifd0_len;
    let make = b"SetiaCam\0";
    let gps_at = make_at + make.len() as u32 + 1;
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x010fu16.to_le_bytes()); // Make, ASCII
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&(make.len() as u32).to_le_bytes());
    t.extend_from_slice(&make_at.to_le_bytes());
    t.extend_from_slice(&0x8825u16.to_le_bytes()); // GPS IFD pointer, LONG
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&gps_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(make);
    t.push(0); // pad to an even offset
               // GPS IFD: LatitudeRef "S", Latitude 6/1 52/1 0/1, LongitudeRef "E", Longitude 107/1 32/1 0/1.
    let entries = 4u16;
    let data_at = gps_at + 2 + 12 * u32::from(entries) + 4;
    t.extend_from_slice(&entries.to_le_bytes());
    let mut entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    entry(1, 2, 2, *b"S\0\0\0");
    entry(2, 5, 3, data_at.to_le_bytes());
    entry(3, 2, 2, *b"E\0\0\0");
    entry(4, 5, 3, (data_at + 24).to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    for v in [6u32, 1, 52, 1, 0, 1, 107, 1, 32, 1, 0, 1] {
        t.extend_from_slice(&v.to_le_bytes());
    }
    t
}

/// A photo as a phone sends it: JPEG with an APP1 EXIF segment holding a GPS position.
fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([200, (x % 256) as u8, (y % 256) as u8])
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    // Insert APP1 "Exif\0\0" + TIFF right after SOI.
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&exif_with_gps());
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

fn has_exif(jpeg: &[u8]) -> bool {
    jpeg.windows(6).any(|w| w == b"Exif\0\0")
}

async fn upload_count(app: &TestApp) -> i64 {
    app.db()
        .scalar("SELECT COUNT(*) FROM uploads", vec![])
        .await
        .unwrap()
}

async fn company_images(app: &TestApp) -> (Option<i64>, Option<i64>) {
    app.db()
        .fetch_optional(
            "SELECT logo_upload_id, hero_upload_id FROM company_settings WHERE id = 1",
            vec![],
        )
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn logo_and_hero_are_uploaded_stripped_shown_and_served_safely() {
    let app = spawn().await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let token = admin.csrf().await;
    let logo = png(400, 400);
    let photo = jpeg_with_gps(1200, 800);
    assert!(has_exif(&photo), "the test photo carries EXIF");
    assert!(image::load_from_memory(&photo).is_ok());
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("name", "Blitz Net Cimahi"),
        Part::Text("tagline", "Internet rumah"),
        Part::File {
            field: "logo",
            name: "C:\\fakepath\\logo kantor.png",
            declared: "image/png",
            bytes: &logo,
        },
        Part::File {
            field: "hero",
            name: "IMG_2041.JPG",
            declared: "image/jpeg",
            bytes: &photo,
        },
    ]);
    let r = post_multipart(&admin, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // What landed in the database.
    let (Some(logo_id), Some(hero_id)) = company_images(&app).await else {
        panic!("logo and hero attached");
    };
    let rows: Vec<UploadRow> = app
        .db()
        .fetch_all(
            "SELECT id, mime, original_name, context, owner_id, width FROM uploads ORDER BY id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                logo_id,
                "image/png".into(),
                "logo_kantor.png".into(),
                "company.logo".into(),
                Some(admin_id),
                Some(400)
            ),
            (
                hero_id,
                "image/webp".into(),
                "IMG_2041.JPG".into(),
                "company.hero".into(),
                Some(admin_id),
                Some(1200)
            ),
        ]
    );
    let audit: Vec<(String, String)> = app
        .db()
        .fetch_all(
            "SELECT action, detail FROM audit_log WHERE action = 'company.update'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].1.contains(&format!(r#""logo_file":"{logo_id}""#))
            && audit[0].1.contains(&format!(r#""hero_file":"{hero_id}""#)),
        "{:?}",
        audit
    );

    // The public pages show them, with their sizes.
    let public = app.browser();
    let home = public.get("/").await;
    home.assert_contains(&format!(
        "src=\"/files/{logo_id}/thumb\" width=\"128\" height=\"128\""
    ))
    .assert_contains("data-testid=\"brand-logo\"")
    .assert_contains(&format!("src=\"/files/{hero_id}\""))
    .assert_contains(&format!(
        "srcset=\"/files/{hero_id}/thumb 640w, /files/{hero_id} 1200w\""
    ));
    public
        .get("/about")
        .await
        .assert_contains(&format!("/files/{logo_id}/thumb"));

    // The photo comes back re-encoded (as lossy WebP, the hero's format) without EXIF, served
    // so that nothing runs.
    let (status, headers, served) = get_bytes(&public, &format!("/files/{hero_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/webp");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    assert_eq!(
        headers["content-disposition"],
        "inline; filename=\"IMG_2041.webp\""
    );
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    assert!(!has_exif(&served), "EXIF stripped");
    assert!(!served.windows(8).any(|w| w == b"SetiaCam"));
    let decoded = image::load_from_memory(&served).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1200, 800));

    let (status, headers, thumb) = get_bytes(&public, &format!("/files/{hero_id}/thumb")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/webp");
    assert!(!has_exif(&thumb));
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (640, 427));
    assert!(
        served.len() < photo.len() / 2 && thumb.len() < served.len(),
        "the hero is smaller than the upload: {} / {} / {} bytes",
        photo.len(),
        served.len(),
        thumb.len()
    );

    let (status, headers, logo_back) = get_bytes(&public, &format!("/files/{logo_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(
        image::load_from_memory(&logo_back).unwrap().width(),
        400,
        "a PNG stays a PNG"
    );

    // A conditional request is answered without the bytes.
    let etag = headers["etag"].clone();
    let res = public
        .client
        .get(public.url(&format!("/files/{logo_id}")))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    // Replacing the logo deletes the old one: it is no longer public, nor stored.
    let token = admin.csrf().await;
    let new_logo = png(100, 50);
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("name", "Blitz Net Cimahi"),
        Part::File {
            field: "logo",
            name: "baru.png",
            declared: "image/png",
            bytes: &new_logo,
        },
        Part::File {
            field: "hero",
            name: "",
            declared: "application/octet-stream",
            bytes: b"",
        },
    ]);
    let r = post_multipart(&admin, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (new_logo_id, hero_after) = company_images(&app).await;
    assert_ne!(new_logo_id, Some(logo_id));
    assert_eq!(
        hero_after,
        Some(hero_id),
        "an empty file input keeps the image"
    );
    assert_eq!(
        public.get(&format!("/files/{logo_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(upload_count(&app).await, 2);
    let blobs: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM upload_blobs", vec![])
        .await
        .unwrap();
    assert_eq!(
        blobs, 4,
        "two images with a thumbnail each, nothing left over"
    );

    // The remove checkbox takes the hero image off the home page, once confirmed: the first
    // post asks (keeping what was typed) and changes nothing.
    let token = admin.csrf().await;
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("name", "Blitz Net Cimahi"),
        Part::Text("remove_hero", "1"),
    ]);
    let r = post_multipart(&admin, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Gambar utama akan dihapus dari beranda.")
        .assert_contains("value=\"Blitz Net Cimahi\"")
        .assert_contains("name=\"confirm\" value=\"1\"");
    assert!(
        company_images(&app).await.1.is_some(),
        "nothing removed yet"
    );
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("confirm", "1"),
        Part::Text("name", "Blitz Net Cimahi"),
        Part::Text("remove_hero", "1"),
    ]);
    let r = post_multipart(&admin, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(company_images(&app).await.1, None);
    assert!(!public
        .get("/")
        .await
        .body
        .contains("data-testid=\"hero-image\""));
    assert_eq!(
        public.get(&format!("/files/{hero_id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn disguised_files_are_refused_with_a_message_and_the_form_keeps_its_input() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let mut jpeg_header_then_html = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01".to_vec();
    jpeg_header_then_html.extend_from_slice(b"<html><script>alert(document.cookie)</script>");
    let corpus: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "elf.jpg",
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00"
                .to_vec(),
            "Jenis berkas tidak diterima",
        ),
        (
            "setup.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00".to_vec(),
            "Jenis berkas tidak diterima",
        ),
        (
            "page.jpg",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec(),
            "Jenis berkas tidak diterima",
        ),
        (
            "vector.jpg",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>"
                .to_vec(),
            "Jenis berkas tidak diterima",
        ),
        (
            "notes.png",
            b"this is only text, whatever the name says\n".to_vec(),
            "Jenis berkas tidak diterima",
        ),
        (
            "polyglot.jpg",
            jpeg_header_then_html,
            "Gambar rusak atau bukan gambar sungguhan",
        ),
        (
            "brosur.png",
            b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec(),
            "hanya gambar",
        ),
    ];
    for (name, bytes, message) in &corpus {
        let token = admin.csrf().await;
        let body = multipart(&[
            Part::Text("_csrf", &token),
            Part::Text("name", "PT Tetap Diketik"),
            Part::Text("tagline", "Slogan yang diketik"),
            Part::File {
                field: "logo",
                name,
                declared: "image/jpeg",
                bytes,
            },
        ]);
        let r = post_multipart(&admin, "/staff/company", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        r.assert_contains(message)
            .assert_contains("value=\"PT Tetap Diketik\"")
            .assert_contains("value=\"Slogan yang diketik\"")
            .assert_contains("id=\"e-logo\"");
    }
    assert_eq!(upload_count(&app).await, 0);
    assert!(!app
        .browser()
        .get("/")
        .await
        .body
        .contains("PT Tetap Diketik"));

    // The same refusal, in English.
    let r = admin.post("/lang", &[("lang", "en"), ("back", "/")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let token = admin.csrf().await;
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("name", "PT Tetap Diketik"),
        Part::File {
            field: "hero",
            name: "hero.jpg",
            declared: "image/jpeg",
            bytes: &corpus[0].1,
        },
    ]);
    let r = post_multipart(&admin, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("This type of file is not accepted")
        .assert_contains("id=\"e-hero\"");
}

#[tokio::test]
async fn six_files_are_refused() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let token = admin.csrf().await;
    let small = png(8, 8);
    let mut parts = vec![Part::Text("_csrf", &token), Part::Text("name", "Enam")];
    for _ in 0..6 {
        parts.push(Part::File {
            field: "logo",
            name: "a.png",
            declared: "image/png",
            bytes: &small,
        });
    }
    let r = post_multipart(&admin, "/staff/company", multipart(&parts)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    r.assert_contains("Paling banyak 5 berkas");
    assert_eq!(upload_count(&app).await, 0);
}

#[tokio::test]
async fn a_file_over_five_megabytes_is_refused() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let token = admin.csrf().await;
    // 5 MB + 1 byte in one file: within the route's body limit, over the per-file one.
    let mut big = png(16, 16);
    big.resize(5 * 1024 * 1024 + 1, 0);
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("name", "Besar"),
        Part::File {
            field: "hero",
            name: "big.png",
            declared: "image/png",
            bytes: &big,
        },
    ]);
    let r = post_multipart(&admin, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    r.assert_contains("paling besar 5 MB");
    assert_eq!(upload_count(&app).await, 0);

    // Other routes keep the default 1 MB limit, multipart or not.
    let token = admin.csrf().await;
    let two_mb = vec![b'a'; 2 * 1024 * 1024];
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::File {
            field: "x",
            name: "x.png",
            declared: "image/png",
            bytes: &two_mb,
        },
    ]);
    let r = post_multipart(&admin, "/staff/users", body).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Logs in over a bare client and returns the Cookie header and the CSRF token.
async fn raw_login(app: &TestApp, role: Role) -> (String, String) {
    let email = format!("{}-raw@test.id", role.as_str());
    app.create_user(role, &email).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookies_of = |res: &reqwest::Response| -> Vec<String> {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .filter(|c| !c.ends_with('='))
            .collect()
    };
    let res = client
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let csrf_cookie = cookies_of(&res)
        .into_iter()
        .find(|c| c.starts_with("setia_csrf="))
        .unwrap();
    let token = crate::common::extract_csrf(&res.text().await.unwrap()).unwrap();
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("login", email.as_str()),
        ("password", crate::common::PASSWORD),
    ])
    .unwrap();
    let res = client
        .post(format!("{}/login", app.base))
        .header("cookie", &csrf_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = cookies_of(&res)
        .into_iter()
        .find(|c| c.starts_with("setia_session="))
        .unwrap();
    (format!("{csrf_cookie}; {session}"), token)
}

/// Sends a multipart request whose file part streams `total` bytes in chunks over a bare TCP
/// connection, and reads the answer while it is still sending. Returns the status line and how
/// many bytes of the body had been written when the answer arrived.
async fn stream_upload(app: &TestApp, chunked: bool, total: usize) -> (String, usize) {
    let (cookie, token) = raw_login(app, Role::Admin).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"hero\"; filename=\"huge.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    );
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_string()
    } else {
        format!("Content-Length: {}", head.len() + total)
    };
    let request = format!(
        "POST /staff/company HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n"
    );
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let writer = tokio::spawn(async move {
        let frame = |data: &[u8]| -> Vec<u8> {
            if chunked {
                let mut f = format!("{:x}\r\n", data.len()).into_bytes();
                f.extend_from_slice(data);
                f.extend_from_slice(b"\r\n");
                f
            } else {
                data.to_vec()
            }
        };
        if wr.write_all(request.as_bytes()).await.is_err() {
            return;
        }
        if wr.write_all(&frame(head.as_bytes())).await.is_err() {
            return;
        }
        let chunk = vec![0x42u8; 64 * 1024];
        let mut written = 0;
        while written < total {
            if wr.write_all(&frame(&chunk)).await.is_err() {
                return;
            }
            written += chunk.len();
            counter.store(written, Ordering::SeqCst);
        }
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while !answer.windows(2).any(|w| w == b"\r\n") && answer.len() < 64 * 1024 {
            let n = rd.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
    };
    // A guard against a hang, not a timing assertion.
    tokio::time::timeout(std::time::Duration::from_secs(120), read)
        .await
        .expect("the server answers");
    let at_answer = sent.load(Ordering::SeqCst);
    writer.abort();
    let text = String::from_utf8_lossy(&answer);
    (text.lines().next().unwrap_or("").to_string(), at_answer)
}

#[tokio::test]
async fn fifty_megabytes_are_refused_before_the_upload_completes() {
    let app = spawn().await;
    let total = 50 * 1024 * 1024;
    // Streamed without a length: refused once the file passes 5 MB, long before 50 MB arrived.
    let (status, sent) = stream_upload(&app, true, total).await;
    eprintln!("chunked: {status} after {sent} bytes sent");
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert!(sent < total, "answered after {sent} of {total} bytes");
    // Announced with its length: refused from the header.
    let app = spawn().await;
    let (status, sent) = stream_upload(&app, false, total).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert!(sent < total, "answered after {sent} of {total} bytes");
    assert_eq!(upload_count(&app).await, 0);
}

#[tokio::test]
async fn multipart_without_the_token_first_or_with_a_wrong_one_is_forbidden() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let token = admin.csrf().await;
    let logo = png(20, 20);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "no token",
            multipart(&[Part::Text("name", "Tanpa Token"), file_part(&logo)]),
        ),
        (
            "wrong token",
            multipart(&[
                Part::Text("_csrf", &"0".repeat(64)),
                Part::Text("name", "Token Salah"),
                file_part(&logo),
            ]),
        ),
        (
            "token after another field",
            multipart(&[
                Part::Text("name", "Token Belakang"),
                Part::Text("_csrf", &token),
                file_part(&logo),
            ]),
        ),
        (
            "token as a file",
            multipart(&[
                Part::File {
                    field: "_csrf",
                    name: "t.txt",
                    declared: "text/plain",
                    bytes: token.as_bytes(),
                },
                Part::Text("name", "Token Berkas"),
            ]),
        ),
    ];
    for (case, body) in cases {
        let r = post_multipart(&admin, "/staff/company", body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{case}");
    }
    assert_eq!(upload_count(&app).await, 0);
    assert_eq!(company_images(&app).await.0, None);
    let changed: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'company.update'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(changed, 0);

    // Staff without the company role cannot upload, even with a valid token.
    let (tech, _) = app.logged_in(Role::Technician).await;
    let token = tech.csrf().await;
    let body = multipart(&[
        Part::Text("_csrf", &token),
        Part::Text("name", "Teknisi"),
        file_part(&logo),
    ]);
    let r = post_multipart(&tech, "/staff/company", body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(upload_count(&app).await, 0);
}

fn file_part(bytes: &[u8]) -> Part<'_> {
    Part::File {
        field: "logo",
        name: "logo.png",
        declared: "image/png",
        bytes,
    }
}

#[tokio::test]
async fn files_nobody_may_see_are_not_found() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, _) = app.logged_in(Role::Customer).await;
    let anonymous = app.browser();
    // A stored file of a context that is not public (as complaint photos will be).
    let now = app.clock_now();
    app.db()
        .execute(
            "INSERT INTO upload_blobs (hash, bytes, size, created_at) VALUES ('abc', $1, 17, $2)",
            vec![
                setia::db::Arg::Bytes(Some(b"PRIVATE-PDF-BYTES".to_vec())),
                setia::db::Arg::Time(Some(now)),
            ],
        )
        .await
        .unwrap();
    let id: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO uploads (hash, mime, size, original_name, context, created_at) \
             VALUES ('abc', 'application/pdf', 3, 'private.pdf', 'complaint.photo', $1) RETURNING id",
            vec![setia::db::Arg::Time(Some(now))],
        )
        .await
        .unwrap();
    for (who, b) in [
        ("anonymous", &anonymous),
        ("customer", &customer),
        ("admin", &admin),
    ] {
        for path in [
            format!("/files/{id}"),
            format!("/files/{id}/thumb"),
            "/files/999999".to_string(),
            "/files/not-a-number".to_string(),
        ] {
            let r = b.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {path}");
            // (A marker no page could hold by chance: a CSRF token may well contain "abc".)
            assert!(!r.body.contains("PRIVATE-PDF-BYTES"));
        }
    }
}

#[test]
fn the_test_jpeg_is_a_real_jpeg_with_gps() {
    let photo = jpeg_with_gps(64, 48);
    let mut decoder = image::ImageReader::new(Cursor::new(&photo))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    use image::ImageDecoder;
    let exif = decoder.exif_metadata().unwrap().expect("EXIF present");
    assert!(exif.windows(2).any(|w| w == 0x8825u16.to_le_bytes()));
}

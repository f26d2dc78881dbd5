//! The CSRF token of a multipart form, read without buffering the upload: forms put the hidden
//! `_csrf` input first, so the token is in the first part, within the first few KB. We read only
//! until that part ends, then hand on a body that replays what was read followed by the rest.

use axum::body::{Body, Bytes};
use futures_util::StreamExt;
use http_body_util::BodyExt;

/// How much of the body may be read to find the first part.
const MAX_PREFIX: usize = 8 * 1024;

/// The multipart boundary named in a `Content-Type` header, if it is `multipart/form-data`.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

/// Whether `content_type` announces a multipart form.
pub fn is_multipart(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// Reads the body until the end of its first part and returns that part's value if the part is
/// the `_csrf` field, together with a body that yields the whole original stream. `None` when
/// the first part is anything else, is malformed, or does not end within [`MAX_PREFIX`].
pub async fn first_field_token(body: Body, boundary: &str) -> Option<(String, Body)> {
    let mut body = body;
    let mut prefix: Vec<u8> = Vec::new();
    let token = loop {
        match parse_first(&prefix, boundary) {
            Parsed::Done(v) => break v?,
            Parsed::NeedMore if prefix.len() >= MAX_PREFIX => return None,
            Parsed::NeedMore => {}
        }
        let frame = body.frame().await?.ok()?;
        let data = frame.into_data().ok()?;
        prefix.extend_from_slice(&data);
    };
    let head = futures_util::stream::once(async move { Ok::<Bytes, axum::Error>(prefix.into()) });
    let replay = Body::from_stream(head.chain(body.into_data_stream()));
    Some((token, replay))
}

enum Parsed {
    /// The first part is complete: its value if it is `_csrf`, else `None`.
    Done(Option<String>),
    NeedMore,
}

fn parse_first(buf: &[u8], boundary: &str) -> Parsed {
    let opening = format!("--{boundary}\r\n");
    let n = opening.len().min(buf.len());
    if buf[..n] != opening.as_bytes()[..n] {
        return Parsed::Done(None);
    }
    if buf.len() < opening.len() {
        return Parsed::NeedMore;
    }
    let rest = &buf[opening.len()..];
    let Some(head_end) = find(rest, b"\r\n\r\n") else {
        return Parsed::NeedMore;
    };
    let closing = format!("\r\n--{boundary}");
    let value_start = head_end + 4;
    let Some(value_len) = find(&rest[value_start..], closing.as_bytes()) else {
        return Parsed::NeedMore;
    };
    let Ok(headers) = std::str::from_utf8(&rest[..head_end]) else {
        return Parsed::Done(None);
    };
    if !is_csrf_disposition(headers) {
        return Parsed::Done(None);
    }
    let value = &rest[value_start..value_start + value_len];
    Parsed::Done(std::str::from_utf8(value).ok().map(str::to_owned))
}

/// `Content-Disposition: form-data; name="_csrf"` and no file name.
fn is_csrf_disposition(headers: &str) -> bool {
    headers.split("\r\n").any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        if !name.trim().eq_ignore_ascii_case("content-disposition") {
            return false;
        }
        let mut params = value.split(';').map(str::trim);
        let kind_ok = params
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("form-data"));
        let mut named = false;
        for p in params {
            match p.split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("name") => {
                    named = v.trim() == "\"_csrf\"" || v.trim() == "_csrf";
                }
                Some((k, _)) if k.trim().to_ascii_lowercase().starts_with("filename") => {
                    return false;
                }
                _ => {}
            }
        }
        kind_ok && named
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[&str]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = parts
            .iter()
            .map(|p| Ok(Bytes::copy_from_slice(p.as_bytes())))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    #[test]
    fn boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary("multipart/form-data; charset=utf-8; boundary=\"x y\"").as_deref(),
            Some("x y")
        );
        assert_eq!(boundary("multipart/mixed; boundary=abc"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[tokio::test]
    async fn the_token_is_found_across_chunks_and_the_body_is_replayed_whole() {
        let text = "--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XX--\r\n";
        let (a, b) = text.split_at(30);
        let (b, c) = b.split_at(25);
        let (token, replay) = first_field_token(body(&[a, b, c]), "XX").await.unwrap();
        assert_eq!(token, "abc123");
        let all = replay.collect().await.unwrap().to_bytes();
        assert_eq!(all, text.as_bytes());
    }

    #[tokio::test]
    async fn another_first_part_or_a_file_is_refused() {
        let other =
            "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nabc\r\n--XX--\r\n";
        assert!(first_field_token(body(&[other]), "XX").await.is_none());
        let file = "--XX\r\nContent-Disposition: form-data; name=\"_csrf\"; filename=\"a\"\r\n\r\nabc\r\n--XX--\r\n";
        assert!(first_field_token(body(&[file]), "XX").await.is_none());
        let preamble = "junk\r\n--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XX--\r\n";
        assert!(first_field_token(body(&[preamble]), "XX").await.is_none());
    }

    #[tokio::test]
    async fn a_first_part_that_never_ends_is_refused_after_a_few_kilobytes() {
        let start = "--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n";
        let filler = "a".repeat(1024);
        let mut parts = vec![start];
        parts.extend(std::iter::repeat_n(filler.as_str(), 64));
        assert!(first_field_token(body(&parts), "XX").await.is_none());
    }
}

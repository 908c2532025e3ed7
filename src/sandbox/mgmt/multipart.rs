//! A small `multipart/form-data` reader for the few uploads the API takes (certificates,
//! images): fields by name, with the file name and content type of file parts.

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (essence, params) = content_type.split_once(';')?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn header_param(line: &str, name: &str) -> Option<String> {
    line.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Splits `body` into parts; `None` when it is not valid multipart for `boundary`.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut pos = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Some(parts);
        }
        let head_start = find(body, b"\r\n", pos)? + 2;
        let head_end = find(body, b"\r\n\r\n", head_start)?;
        // The data starts after the blank line; the next delimiter cannot come before it.
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), head_end + 4)?;
        let head = String::from_utf8_lossy(&body[head_start..head_end]);
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[head_end + 4..next].to_vec(),
        };
        for line in head.lines() {
            let (key, value) = line.split_once(':')?;
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                part.name = header_param(value, "name").unwrap_or_default();
                part.filename = header_param(value, "filename");
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_owned());
            }
        }
        parts.push(part);
        pos = next + 2 + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_ended_right_after_its_headers_is_malformed_not_a_panic() {
        let body = b"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n--B--";
        assert!(parse(body, "B").is_none());
        let empty = b"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--B--";
        let parts = parse(empty, "B").expect("an empty part");
        assert!(parts[0].data.is_empty());
    }

    #[test]
    fn reads_fields_and_files() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"usageType\"\r\n\r\nSIGNING\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.pem\"\r\nContent-Type: application/x-pem-file\r\n\r\n-----BEGIN-----\r\n--XyZ--\r\n";
        let b = boundary("multipart/form-data; boundary=XyZ").unwrap();
        let parts = parse(body.as_bytes(), &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "usageType");
        assert_eq!(parts[0].data, b"SIGNING");
        assert_eq!(parts[1].filename.as_deref(), Some("c.pem"));
        assert_eq!(parts[1].data, b"-----BEGIN-----");
        assert!(boundary("application/json").is_none());
        assert!(parse(b"garbage", "XyZ").is_none());
    }
}

//! What an uploaded image is: PingOne takes JPG, PNG and GIF files and answers with the
//! format and the pixel size of the original (`targets.original.type`, `width`, `height`),
//! so the sandbox reads them from the file's own header rather than trusting the name.

/// A format PingOne accepts, as its `type` field writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpg,
    Png,
    Gif,
}

impl Format {
    /// The format a `Content-Type` names (`image/jpeg`, `image/jpg`, `image/png`,
    /// `image/gif`); `None` for any other media type.
    pub fn from_media_type(content_type: &str) -> Option<Self> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Self::Jpg),
            "image/png" => Some(Self::Png),
            "image/gif" => Some(Self::Gif),
            _ => None,
        }
    }

    /// `jpg`, `png` or `gif`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
        }
    }

    /// The media type the image is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
        }
    }

    /// The width and height the file's header declares, when the bytes are a well-formed
    /// header of this format; `None` when they are not (a text file sent as `image/jpeg`).
    pub fn dimensions(self, data: &[u8]) -> Option<(u32, u32)> {
        match self {
            Self::Png => png(data),
            Self::Gif => gif(data),
            Self::Jpg => jpeg(data),
        }
    }
}

/// The IHDR chunk follows the 8-byte signature: width and height, big-endian.
fn png(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") || data.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

/// The logical screen descriptor follows `GIF87a`/`GIF89a`: width and height, little-endian.
fn gif(data: &[u8]) -> Option<(u32, u32)> {
    if !(data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a")) {
        return None;
    }
    let le = |at: usize| {
        Some(u32::from(u16::from_le_bytes([
            *data.get(at)?,
            *data.get(at + 1)?,
        ])))
    };
    Some((le(6)?, le(8)?))
}

/// Walks the JPEG markers from SOI to the first start-of-frame (SOF0–SOF15 but DHT, JPG
/// and DAC), whose segment holds height then width, big-endian.
fn jpeg(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        if *data.get(at)? != 0xFF {
            return None;
        }
        let marker = *data.get(at + 1)?;
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]));
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let be16 = |p: usize| {
                Some(u32::from(u16::from_be_bytes([
                    *data.get(p)?,
                    *data.get(p + 1)?,
                ])))
            };
            let height = be16(at + 5)?;
            let width = be16(at + 7)?;
            return Some((width, height));
        }
        if len < 2 {
            return None;
        }
        at += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_format_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&[0, 0, 0, 16, 0, 0, 0, 9]);
        assert_eq!(Format::Png.dimensions(&png), Some((16, 9)));
        assert_eq!(
            Format::Gif.dimensions(b"GIF89a\x20\x00\x10\x00"),
            Some((32, 16))
        );
        // SOI, an APP0 segment of 4 bytes, then SOF0: length, precision, height 7, width 5.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xC0, 0, 11, 8, 0, 7, 0, 5,
        ];
        assert_eq!(Format::Jpg.dimensions(&jpeg), Some((5, 7)));
    }

    #[test]
    fn refuses_bytes_of_another_format() {
        assert_eq!(Format::Jpg.dimensions(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(Format::Png.dimensions(b"hello"), None);
        assert_eq!(Format::Jpg.dimensions(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(Format::from_media_type("image/svg+xml"), None);
        assert_eq!(Format::from_media_type("IMAGE/JPEG"), Some(Format::Jpg));
    }
}

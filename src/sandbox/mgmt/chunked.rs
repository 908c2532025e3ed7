//! JSON bodies written in fixed-size chunks. A list response grown by doubling one buffer
//! asks the allocator for blocks of every size up to twice its length, and under steady load
//! glibc's arenas keep the high-water of those; chunks of one size are reused as they are freed.

use std::convert::Infallible;
use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Capacity of every chunk.
const CHUNK: usize = 16 * 1024;

/// An `io::Write` sink that collects the bytes in `CHUNK`-sized buffers.
#[derive(Debug)]
pub struct ChunkedBody {
    full: Vec<Bytes>,
    current: Vec<u8>,
    len: usize,
}

impl Default for ChunkedBody {
    fn default() -> Self {
        Self {
            full: Vec::new(),
            current: Vec::with_capacity(CHUNK),
            len: 0,
        }
    }
}

impl Write for ChunkedBody {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let written = buf.len();
        while !buf.is_empty() {
            if self.current.len() == CHUNK {
                let done = std::mem::replace(&mut self.current, Vec::with_capacity(CHUNK));
                self.full.push(Bytes::from(done));
            }
            let (head, rest) = buf.split_at(buf.len().min(CHUNK - self.current.len()));
            self.current.extend_from_slice(head);
            buf = rest;
        }
        self.len += written;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl ChunkedBody {
    /// How many bytes were written.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// 200 with this body as `application/json` and its `Content-Length`.
    pub fn into_json_response(self) -> Response {
        let len = self.len;
        let mut chunks = self.full;
        chunks.push(Bytes::from(self.current));
        let body = if chunks.len() == 1 {
            Body::from(chunks.pop().unwrap_or_default())
        } else {
            Body::from_stream(futures_util::stream::iter(
                chunks.into_iter().map(Ok::<_, Infallible>),
            ))
        };
        (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::CONTENT_LENGTH, HeaderValue::from(len)),
            ],
            body,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_equal_chunks_and_keeps_every_byte() {
        let mut body = ChunkedBody::default();
        let text: Vec<u8> = (0..CHUNK * 2 + 10)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        body.write_all(&text[..7]).unwrap();
        body.write_all(&text[7..]).unwrap();
        assert_eq!(body.len(), text.len());
        assert_eq!(body.full.len(), 2);
        assert!(body.full.iter().all(|c| c.len() == CHUNK));
        let joined: Vec<u8> = body
            .full
            .iter()
            .flat_map(|c| c.iter().copied())
            .chain(body.current.iter().copied())
            .collect();
        assert_eq!(joined, text);
    }
}

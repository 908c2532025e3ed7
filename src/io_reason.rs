//! An I/O error as a person reads it: the operating system's reason, in lower case and
//! without Rust's `(os error 13)`, so a message reads `cannot create report file
//! out/r.xml: permission denied`.

use std::fmt;

/// Displays an `io::Error` as its reason alone.
pub struct Reason<'a>(pub &'a std::io::Error);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        let text = match (self.0.raw_os_error(), text.rfind(" (os error ")) {
            (Some(_), Some(at)) => &text[..at],
            _ => text.as_str(),
        };
        let mut chars = text.chars();
        match chars.next() {
            // An acronym (`TLS …`) keeps its case; a sentence starts in lower case.
            Some(c) if !chars.clone().next().is_some_and(char::is_uppercase) => {
                write!(f, "{}{}", c.to_lowercase(), chars.as_str())
            }
            _ => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::Reason;

    #[test]
    fn the_os_reason_reads_as_words() {
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(Reason(&e).to_string(), "permission denied");
        let e = io::Error::from_raw_os_error(2);
        assert_eq!(Reason(&e).to_string(), "no such file or directory");
        let e = io::Error::other("not a regular file or a pipe");
        assert_eq!(Reason(&e).to_string(), "not a regular file or a pipe");
        let e = io::Error::other("TLS handshake failed");
        assert_eq!(Reason(&e).to_string(), "TLS handshake failed");
    }
}

//! `--report FORMAT=PATH`: which report file to write and where, and opening it. A report
//! that cannot be written is a tool failure (exit 3), found before anything is sent.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use crate::atomic::AtomicFile;
use crate::event::Reporter;
use crate::report::html::HtmlReporter;
use crate::report::json::JsonReporter;
use crate::report::junit::JunitReporter;

/// A report format named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    Junit,
    Json,
    Html,
}

impl ReportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Junit => "junit",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ReportFormat {
    type Err = ParseReportError;

    fn from_str(s: &str) -> Result<ReportFormat, ParseReportError> {
        match s.to_ascii_lowercase().as_str() {
            "junit" => Ok(ReportFormat::Junit),
            "json" => Ok(ReportFormat::Json),
            "html" => Ok(ReportFormat::Html),
            _ => Err(ParseReportError::UnknownFormat(s.to_owned())),
        }
    }
}

/// Where a report goes: a file, or standard output for `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportTarget {
    Stdout,
    File(PathBuf),
}

/// One `--report FORMAT=PATH` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    pub format: ReportFormat,
    pub target: ReportTarget,
}

/// A `--report` value that is not `FORMAT=PATH` (invalid input, exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseReportError {
    #[error("expected FORMAT=PATH, e.g. `junit=report.xml` or `json=-`, found `{0}`")]
    NotAnAssignment(String),
    #[error("unknown report format `{0}` (expected junit, json or html)")]
    UnknownFormat(String),
    #[error("missing path after `{0}=` (use `-` for standard output)")]
    MissingPath(String),
}

impl FromStr for ReportSpec {
    type Err = ParseReportError;

    fn from_str(s: &str) -> Result<ReportSpec, ParseReportError> {
        let (format, path) = s
            .split_once('=')
            .ok_or_else(|| ParseReportError::NotAnAssignment(s.to_owned()))?;
        let format = format.trim().parse()?;
        let target = match path {
            "" => return Err(ParseReportError::MissingPath(format!("{format}"))),
            "-" => ReportTarget::Stdout,
            path => ReportTarget::File(PathBuf::from(path)),
        };
        Ok(ReportSpec { format, target })
    }
}

/// A report that cannot be produced: a tool failure (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot create report file {}: {}", path.display(), crate::io_reason::Reason(source))]
    Create {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ReportSpec {
    /// The reporter for this spec, its file begun now (see `create_file`).
    pub fn open(&self) -> Result<Box<dyn Reporter>, ReportError> {
        let make: fn(Box<dyn Write + Send>) -> Box<dyn Reporter> = match self.format {
            ReportFormat::Junit => |out| Box::new(JunitReporter::new(out)),
            ReportFormat::Json => |out| Box::new(JsonReporter::new(out)),
            ReportFormat::Html => |out| Box::new(HtmlReporter::new(out)),
        };
        match &self.target {
            ReportTarget::Stdout => Ok(make(Box::new(io::stdout()))),
            ReportTarget::File(path) => {
                let file = Arc::new(Mutex::new(Some(create_file(path)?)));
                let reporter = make(Box::new(Shared(Arc::clone(&file))));
                Ok(Box::new(Committing { reporter, file }))
            }
        }
    }
}

/// A report file written through a temporary file (`crate::atomic`): the reporter writes into
/// it as the run goes, and it replaces the target once the reporter has finished.
struct Committing {
    reporter: Box<dyn Reporter>,
    file: Arc<Mutex<Option<AtomicFile>>>,
}

impl Reporter for Committing {
    fn event(&mut self, event: &crate::event::Event) -> io::Result<()> {
        self.reporter.event(event)
    }

    fn wants_step_starts(&self) -> bool {
        self.reporter.wants_step_starts()
    }

    fn wants_learned(&self) -> bool {
        self.reporter.wants_learned()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.reporter.finish()?;
        match lock(&self.file).take() {
            Some(file) => file.commit(),
            None => Ok(()),
        }
    }
}

/// The reporter's end of a `Committing` file.
struct Shared(Arc<Mutex<Option<AtomicFile>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match lock(&self.0).as_mut() {
            Some(file) => file.write(buf),
            None => Err(io::Error::other("the report was already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        lock(&self.0).as_mut().map_or(Ok(()), Write::flush)
    }
}

fn lock(file: &Mutex<Option<AtomicFile>>) -> std::sync::MutexGuard<'_, Option<AtomicFile>> {
    file.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ReportTarget {
    pub fn is_stdout(&self) -> bool {
        *self == ReportTarget::Stdout
    }
}

/// The report file, begun now (parent directories included) so that a bad path fails before
/// the run starts; it replaces `path` at the end of the run.
fn create_file(path: &Path) -> Result<AtomicFile, ReportError> {
    let begin = || {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        crate::atomic::create(path)
    };
    begin().map_err(|source| ReportError::Create {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn specs_parse() {
        let spec: ReportSpec = "junit=out/report.xml".parse().unwrap();
        assert_eq!(spec.format, ReportFormat::Junit);
        assert_eq!(spec.target, ReportTarget::File("out/report.xml".into()));
        let spec: ReportSpec = "JSON=-".parse().unwrap();
        assert_eq!(spec.format, ReportFormat::Json);
        assert!(spec.target.is_stdout());
        assert_eq!(
            "html=r.html".parse::<ReportSpec>().unwrap().format,
            ReportFormat::Html
        );
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let err = "junit".parse::<ReportSpec>().unwrap_err();
        assert_eq!(err, ParseReportError::NotAnAssignment("junit".into()));
        let err = "tap=x".parse::<ReportSpec>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown report format `tap` (expected junit, json or html)"
        );
        let err = "json=".parse::<ReportSpec>().unwrap_err();
        assert_eq!(err, ParseReportError::MissingPath("json".into()));
    }

    #[test]
    fn html_report_is_one_page_written_as_the_run_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        let spec: ReportSpec = format!("html={}", path.display()).parse().unwrap();
        let mut reporter = spec.open().unwrap();
        for event in fixtures::run() {
            reporter.event(&event).unwrap();
        }
        reporter.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>"));
        assert!(text.trim_end().ends_with("</html>"));
    }

    #[test]
    fn directories_are_created_first_and_the_file_put_in_place_at_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports/run.json");
        let spec: ReportSpec = format!("json={}", path.display()).parse().unwrap();
        let mut reporter = spec.open().unwrap();
        assert!(path.parent().unwrap().is_dir(), "created before the run");
        for event in fixtures::run() {
            reporter.event(&event).unwrap();
        }
        assert!(!path.exists(), "in place only when finished");
        reporter.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["workflows"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn unwritable_path_is_a_create_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let spec = ReportSpec {
            format: ReportFormat::Junit,
            target: ReportTarget::File(blocker.join("report.xml")),
        };
        let err = spec.open().err().expect("a file is not a directory");
        assert!(matches!(err, ReportError::Create { .. }), "{err}");
    }
}

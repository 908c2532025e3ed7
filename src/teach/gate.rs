//! The interactive gate: before each step it shows the request about to be sent, then waits
//! for a line (Enter sends, `s` skips, `c` shows it as a curl command, `q` quits). Answers come from standard input, or from
//! a script in tests; at the end of input it stops pausing and sends the rest.

#[cfg(test)]
use std::collections::VecDeque;
use std::future::Future;
use std::io::{BufRead, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::engine::{Decision, Gate, Preview};
use crate::report::style::{Paint, Style};
use crate::teach::text;

/// Where answers come from.
pub enum Answers {
    /// Lines of standard input, read only while the gate waits, so a step's `prompt` can read
    /// standard input too. `echo`: end the prompt line ourselves (input is not a terminal, so
    /// the person's Enter is not echoed).
    Stdin { echo: bool },
    /// A fixed list of lines (the test double); past its end, input has ended.
    #[cfg(test)]
    Script(Mutex<VecDeque<String>>),
}

impl Answers {
    #[cfg(test)]
    pub fn script<I: IntoIterator<Item = S>, S: Into<String>>(lines: I) -> Answers {
        Answers::Script(Mutex::new(lines.into_iter().map(Into::into).collect()))
    }

    /// The next line without its line break; `None` at the end of input (or when it cannot
    /// be read, which is treated the same way).
    async fn next(&self) -> Option<String> {
        match self {
            Answers::Stdin { .. } => read_stdin_line().await,
            #[cfg(test)]
            Answers::Script(lines) => lines.lock().ok().and_then(|mut l| l.pop_front()),
        }
    }
}

/// Reads one line on a thread of its own: a read blocked on a terminal must not keep the
/// process from exiting after Ctrl-C (a blocking task would).
async fn read_stdin_line() -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("teach-stdin".to_owned())
        .spawn(move || {
            let mut line = String::new();
            let read = std::io::stdin().lock().read_line(&mut line);
            let _ = tx.send(matches!(read, Ok(n) if n > 0).then_some(line));
        })
        .ok()?;
    let line = rx.await.ok()??;
    Some(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// What a line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Decide(Decision),
    /// Show the request as a `curl` command, then ask again.
    Curl,
}

/// The answer a line gives, or `None` when it means nothing.
pub fn parse_answer(line: &str) -> Option<Answer> {
    match line.trim().to_ascii_lowercase().as_str() {
        "" | "y" | "yes" | "send" => Some(Answer::Decide(Decision::Send)),
        "s" | "skip" | "n" | "no" => Some(Answer::Decide(Decision::Skip)),
        "q" | "quit" | "exit" => Some(Answer::Decide(Decision::Quit)),
        "c" | "curl" => Some(Answer::Curl),
        _ => None,
    }
}

/// Output streams shared by the gate and the explaining reporter.
pub type Out = Box<dyn Write + Send>;

/// The gate of `teach`.
pub struct TeachGate {
    answers: Answers,
    /// `false` with `--yes`, or once input has ended: show each request, do not wait.
    pausing: AtomicBool,
    paint: Paint,
    /// The explanation (standard output).
    out: Mutex<Out>,
    /// The question (standard error, like a step's `prompt`).
    ask: Mutex<Out>,
    /// Steps in the current workflow, set by the reporter when the workflow starts.
    total: Arc<AtomicUsize>,
    /// Columns that prose is wrapped to.
    width: usize,
}

impl TeachGate {
    pub fn new(answers: Answers, pause: bool, paint: Paint, (out, ask): (Out, Out)) -> TeachGate {
        TeachGate {
            answers,
            pausing: AtomicBool::new(pause),
            paint,
            out: Mutex::new(out),
            ask: Mutex::new(ask),
            total: Arc::new(AtomicUsize::new(0)),
            width: text::WIDTH,
        }
    }

    /// Wraps prose to `width` columns instead of [`text::WIDTH`].
    #[must_use]
    pub fn with_width(mut self, width: usize) -> TeachGate {
        self.width = width;
        self
    }

    /// The step count the reporter fills in, so headings can say "Step 2 of 12".
    pub fn total(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.total)
    }

    fn show(&self, step: Preview<'_>) {
        let p = self.paint;
        let total = self.total.load(Ordering::Relaxed);
        let mut lines = vec![
            String::new(),
            text::heading(
                p,
                &text::step_title(step.number, total, step.name),
                self.width,
            ),
        ];
        if let Some(doc) = step.doc {
            lines.extend(crate::markdown::to_lines(doc, "  ", self.width, p));
        }
        lines.push(String::new());
        lines.push(format!("  {}", p.paint(Style::Bold, "→ Request")));
        // The jar's `Cookie` is shown once, marked as the jar's, even where the request's
        // headers (as `-vv` lists them) already carry it.
        let mut shown = step.request.clone();
        if let Some(cookies) = step.cookies {
            shown
                .headers
                .retain(|(name, value)| !(name.eq_ignore_ascii_case("cookie") && value == cookies));
        }
        let mut request = text::request_lines(&shown, "    ", self.width);
        if let Some(cookies) = step.cookies {
            let at = 1 + shown.headers.len();
            let from = p.paint(Style::Dim, "  (from the cookie jar)");
            request.insert(at, format!("    cookie: {cookies}{from}"));
        }
        lines.extend(request);
        write_lines(&self.out, &lines);
    }

    /// Asks until a line decides; `None` when input ends first. `c` shows `curl` (the step's
    /// request as a command line) and asks again.
    async fn ask(&self, curl: &str) -> Option<Decision> {
        let p = self.paint;
        let question = format!(
            "  {} send · {} skip · {} curl · {} quit › ",
            p.paint(Style::Bold, "Enter"),
            p.paint(Style::Bold, "s"),
            p.paint(Style::Bold, "c"),
            p.paint(Style::Bold, "q"),
        );
        loop {
            write_text(&self.ask, &question);
            let line = self.answers.next().await;
            if matches!(self.answers, Answers::Stdin { echo: true }) {
                write_text(&self.ask, &format!("{}\n", line.as_deref().unwrap_or("")));
            }
            let line = line?;
            match parse_answer(&line) {
                Some(Answer::Decide(decision)) => return Some(decision),
                Some(Answer::Curl) => write_text(&self.out, &format!("\n{curl}\n\n")),
                None => write_text(
                    &self.ask,
                    &format!("  `{}` means nothing here.\n", line.trim()),
                ),
            }
        }
    }
}

impl Gate for TeachGate {
    fn decide<'a>(
        &'a self,
        step: Preview<'a>,
    ) -> Pin<Box<dyn Future<Output = Decision> + Send + 'a>> {
        Box::pin(async move {
            self.show(step);
            if !self.pausing.load(Ordering::Relaxed) {
                return Decision::Send;
            }
            if let Some(decision) = self.ask(step.curl).await {
                return decision;
            }
            self.pausing.store(false, Ordering::Relaxed);
            let note = "  (end of input: the remaining steps are sent without pausing)\n";
            write_text(&self.ask, &self.paint.paint(Style::Dim, note).to_string());
            Decision::Send
        })
    }
}

fn write_lines(out: &Mutex<Out>, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    write_text(out, &text);
}

/// Writes and flushes; a closed stream is not a reason to stop teaching.
fn write_text(out: &Mutex<Out>, text: &str) {
    if let Ok(mut out) = out.lock() {
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::RequestInfo;

    /// A writer whose bytes the test can read afterwards.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn gate(answers: Answers, pause: bool) -> (TeachGate, Buffer, Buffer) {
        let (out, ask) = (Buffer::default(), Buffer::default());
        let gate = TeachGate::new(
            answers,
            pause,
            Paint::new(false),
            (Box::new(out.clone()), Box::new(ask.clone())),
        );
        (gate, out, ask)
    }

    fn request() -> RequestInfo {
        RequestInfo {
            method: "GET".into(),
            url: "http://h/v1/x".into(),
            headers: vec![("authorization".into(), "Bearer «accessToken»".into())],
            body: None,
        }
    }

    async fn decide(gate: &TeachGate, number: usize) -> Decision {
        let request = request();
        gate.decide(Preview {
            number,
            name: "Get x",
            doc: Some("Reads `x`."),
            request: &request,
            cookies: Some("ST=abc"),
            curl: "curl 'http://h/v1/x' -H 'authorization: Bearer «accessToken»'",
        })
        .await
    }

    #[tokio::test]
    async fn scripted_answers_send_skip_and_quit() {
        let (gate, out, ask) = gate(Answers::script(["", "c", "s", "what", "q"]), true);
        gate.total().store(3, Ordering::Relaxed);
        assert_eq!(decide(&gate, 1).await, Decision::Send);
        assert_eq!(decide(&gate, 2).await, Decision::Skip);
        assert_eq!(decide(&gate, 3).await, Decision::Quit);
        let shown = out.text();
        assert!(shown.contains("Step 1 of 3 · Get x"), "{shown}");
        assert!(
            shown.contains("  Reads x.\n"),
            "inline code shows without backticks: {shown}"
        );
        assert!(shown.contains("GET http://h/v1/x"));
        assert!(
            shown.contains(
                "authorization: Bearer «accessToken»\n    cookie: ST=abc  (from the cookie jar)"
            ),
            "{shown}"
        );
        assert!(ask.text().contains("`what` means nothing here."));
        assert!(
            shown.contains("\ncurl 'http://h/v1/x' -H 'authorization: Bearer «accessToken»'\n"),
            "`c` shows the command and asks again: {shown}"
        );
        assert_eq!(shown.matches("curl '").count(), 1);
    }

    #[tokio::test]
    async fn end_of_input_sends_the_rest_without_asking_again() {
        let (gate, _, ask) = gate(Answers::script(["s"]), true);
        assert_eq!(decide(&gate, 1).await, Decision::Skip);
        assert_eq!(decide(&gate, 2).await, Decision::Send);
        assert_eq!(decide(&gate, 3).await, Decision::Send);
        let asked = ask.text();
        assert_eq!(asked.matches("end of input").count(), 1, "{asked}");
        assert_eq!(asked.matches("quit ›").count(), 2, "{asked}");
    }

    #[tokio::test]
    async fn without_pausing_the_request_is_shown_and_sent() {
        let (gate, out, ask) = gate(Answers::script(["q"]), false);
        assert_eq!(decide(&gate, 1).await, Decision::Send);
        assert!(out.text().contains("→ Request"));
        assert_eq!(ask.text(), "");
    }

    #[test]
    fn answers_parse() {
        assert_eq!(parse_answer(""), Some(Answer::Decide(Decision::Send)));
        assert_eq!(parse_answer(" S "), Some(Answer::Decide(Decision::Skip)));
        assert_eq!(parse_answer("quit"), Some(Answer::Decide(Decision::Quit)));
        assert_eq!(parse_answer("curl"), Some(Answer::Curl));
        assert_eq!(parse_answer("x"), None);
    }
}

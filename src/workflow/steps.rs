//! A workflow's steps, in order. A long workflow keeps its first steps converted and reads the
//! others again from its file's text when they are needed, so memory does not grow with the
//! number of steps: the static check and the run each read a deferred step once, one at a time.
//! The list is plain data; reading a deferred step is the loader's (`load::read_steps`).

use std::sync::Arc;

use crate::workflow::model::Step;
use crate::workflow::request::Defaults;
use crate::workflow::source::{Source, Span};

/// Steps of one file kept converted; the rest are read again when needed.
pub const KEPT: usize = 1024;

#[derive(Debug, Clone, Default)]
pub struct Steps {
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Loaded(Box<Step>),
    /// A `[[steps]]` entry of `reader`'s file, at this byte range.
    Deferred(Arc<Reader>, Span),
}

/// What reading a deferred step needs: its file and the file's converted `[defaults]`.
#[derive(Debug)]
pub struct Reader {
    pub source: Arc<Source>,
    pub defaults: Defaults,
}

impl Steps {
    pub fn push(&mut self, step: Step) {
        self.push_boxed(Box::new(step));
    }

    pub fn push_boxed(&mut self, step: Box<Step>) {
        self.items.push(Item::Loaded(step));
    }

    pub fn reserve(&mut self, additional: usize) {
        self.items.reserve(additional);
    }

    pub fn defer(&mut self, reader: &Arc<Reader>, range: Span) {
        self.items.push(Item::Deferred(Arc::clone(reader), range));
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The steps in order, deferred ones as where to read them (`load::read_steps` reads them).
    pub fn items(&self) -> &[Item] {
        &self.items
    }
}

impl FromIterator<Step> for Steps {
    fn from_iter<I: IntoIterator<Item = Step>>(iter: I) -> Steps {
        Steps {
            items: iter
                .into_iter()
                .map(|s| Item::Loaded(Box::new(s)))
                .collect(),
        }
    }
}

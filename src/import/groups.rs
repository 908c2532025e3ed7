//! Which requests of a collection go into one workflow file. A top-level folder is a file, and
//! so is each run of loose requests. A folder of alternatives (sibling folders that set the
//! same variable, as "three ways to get a worker token" do) is split into a file per
//! alternative: in one file, the first failing alternative would skip the others.

use std::collections::{BTreeMap, BTreeSet};

use crate::import::postman::{Item, script_lines};
use crate::import::scripts::{self, Kind};

/// The items of one workflow file.
#[derive(Debug)]
pub struct Group<'a> {
    /// The folders it is in, outermost first; none for the collection's loose requests.
    pub folders: Vec<&'a Item>,
    /// What becomes its steps: the last folder's items, or a run of loose requests.
    pub items: Vec<&'a Item>,
}

/// The collection's files, in collection order.
pub fn groups(items: &[Item]) -> Vec<Group<'_>> {
    let mut out = Vec::new();
    split(items, &[], &mut out);
    out
}

/// Adds the groups of `items`, the children of `folders` (the collection's items when empty).
fn split<'a>(items: &'a [Item], folders: &[&'a Item], out: &mut Vec<Group<'a>>) {
    // The group collecting this level's loose requests, while no folder comes between them.
    let mut loose: Option<usize> = None;
    for item in items {
        let Some(children) = &item.children else {
            if let Some(i) = loose {
                out[i].items.push(item);
            } else {
                loose = Some(out.len());
                out.push(Group {
                    folders: folders.to_vec(),
                    items: vec![item],
                });
            }
            continue;
        };
        loose = None;
        let mut path = folders.to_vec();
        path.push(item);
        if alternatives(children) {
            split(children, &path, out);
        } else {
            out.push(Group {
                folders: path,
                items: children.iter().collect(),
            });
        }
    }
}

/// Whether two or more subfolders of `items` set the same variable: then they are ways to
/// the same end, not steps of one flow (those set different variables, each for the next).
fn alternatives(items: &[Item]) -> bool {
    let mut setters: BTreeMap<String, usize> = BTreeMap::new();
    for folder in items.iter().filter(|i| i.children.is_some()) {
        let mut names = BTreeSet::new();
        sets(std::slice::from_ref(folder), &mut names);
        for name in names {
            *setters.entry(name).or_default() += 1;
        }
    }
    setters.values().any(|&n| n > 1)
}

/// The variables the test scripts of `items` (and of their folders' items) set.
fn sets(items: &[Item], names: &mut BTreeSet<String>) {
    for item in items {
        if let Some(children) = &item.children {
            sets(children, names);
            continue;
        }
        let outcome = scripts::read(&script_lines(&item.event, "test"), Kind::Test);
        names.extend(outcome.extract.into_iter().map(|(name, _)| name));
        names.extend(outcome.literals.into_iter().map(|(name, _)| name));
        names.extend(outcome.unresolved_sets);
    }
}

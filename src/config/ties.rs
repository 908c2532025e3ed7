//! Which workflow files must run together when a run is partitioned: a workflow that reads a
//! variable an earlier workflow extracts (before extracting it itself; its own `[vars]` do not
//! count, an extracted value wins over them) depends on that workflow's store, so the two
//! form one unit. A `use`d file is not a tie: its steps are
//! inlined into the workflow that uses it. Variables from vars files are left out of the
//! reckoning, so `list` (which has none) and `run` group alike; a name both extracted and set
//! in a vars file only ties files that would have run together anyway.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::template::Templates;
use crate::vars::layers::Layers;
use crate::workflow::model::Workflow;

/// The workflows in groups of indices: each group in run order, groups ordered by their first
/// workflow. Every workflow is in exactly one group.
pub fn tie_groups(workflows: &[Arc<Workflow>]) -> Vec<Vec<usize>> {
    let templates = Templates::new("00000000");
    let known: BTreeSet<String> = BTreeSet::from(["run_id".to_owned()]);
    let extracted: Vec<BTreeSet<String>> = workflows.iter().map(|w| extracted_names(w)).collect();
    let mut parent: Vec<usize> = (0..workflows.len()).collect();
    for (i, workflow) in workflows.iter().enumerate() {
        // A file named twice is one unit, whatever else either copy is tied to: both copies
        // run in one shard, as they would in one run.
        let path = workflow.source.path();
        if let Some(j) = (0..i).find(|&j| workflows[j].source.path() == path) {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a.max(b)] = a.min(b);
        }
        let reads = reads_from_outside(workflow, &known, &templates);
        for name in &reads {
            // The latest earlier workflow that extracts it is the one whose value it would see.
            if let Some(j) = (0..i).rev().find(|&j| extracted[j].contains(name)) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root = vec![usize::MAX; workflows.len()];
    for i in 0..workflows.len() {
        let r = root(&mut parent, i);
        if group_of_root[r] == usize::MAX {
            group_of_root[r] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of_root[r]].push(i);
    }
    groups
}

/// The names a workflow reads that an earlier workflow's extraction would decide: checked
/// alone, the names said to be undefined (a near name suggested and `expect.vars` included).
/// Its own `[vars]` are left out, since an extracted value wins over them (README,
/// Variables); its own extractions before the read are not.
fn reads_from_outside(
    workflow: &Workflow,
    known: &BTreeSet<String>,
    templates: &Templates,
) -> BTreeSet<String> {
    let mut bare = workflow.clone();
    bare.vars.clear();
    let (mut errors, _) = crate::workflow::check::check(
        std::slice::from_ref(&Arc::new(bare)),
        known,
        templates,
        &Layers::default(),
    );
    errors.extend(crate::workflow::check::check_decls(
        &workflow.vars,
        known,
        templates,
    ));
    errors.into_iter().filter_map(|d| d.undefined).collect()
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The names a workflow's steps extract or prompt for (its `use`d steps included).
fn extracted_names(workflow: &Workflow) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for step in crate::workflow::load::read_steps(&workflow.steps).flatten() {
        names.extend(step.extract.iter().map(|e| e.name.clone()));
        names.extend(step.prompt.iter().map(|(name, _)| name.clone()));
    }
    names
}

//! `steprun report merge`: the shards' JSON reports made into one report; a bad input is
//! invalid input (exit 2), an output that cannot be written a tool failure (exit 3), and the
//! merged run's own result the outcome.

use std::io::Write;

use crate::cli::MergeArgs;
use crate::error::{AppError, RunOutcome};
use crate::event::RunSummary;
use crate::report::ReportSpec;

pub(super) fn merge_reports(args: &MergeArgs) -> Result<RunOutcome, AppError> {
    let reports = args
        .reports
        .iter()
        .map(|r| r.parse::<ReportSpec>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::Usage(format!("--report: {e}")))?;
    crate::config::check_report_targets(&reports).map_err(|d| {
        // The messages alone: `Usage` says `error: ` itself.
        AppError::Usage(
            d.iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let merged = crate::report::merge(&args.files, &reports).map_err(|e| {
        if e.is_output() {
            AppError::tool("cannot write the merged report", e)
        } else {
            AppError::Usage(e.to_string())
        }
    })?;
    say_merged(
        &merged.summary,
        (merged.shards, merged.tenants),
        (&merged.missing, merged.missing_more),
    );
    let s = &merged.summary;
    Ok(
        if s.counts.steps_failed + s.counts.cleanups_failed + s.counts.workflows_failed > 0
            || s.interrupted
        {
            RunOutcome::Failed
        } else {
            RunOutcome::Passed
        },
    )
}

/// The merged run's summary line on stderr (how many reports, over how many tenants), and
/// the shards of the partition no report was given for.
fn say_merged(
    s: &RunSummary,
    (shards, tenants_seen): (usize, usize),
    (missing, missing_more): (&[String], u64),
) {
    let tenants = if tenants_seen > 0 {
        format!(
            " over {}",
            crate::report::excerpt::plural(tenants_seen, "tenant", "tenants")
        )
    } else {
        String::new()
    };
    say_err!(
        "merged {}{tenants}: {} workflows, {} failed · steps: {} passed, {} failed, {} skipped{}{}",
        crate::report::excerpt::plural(shards, "report", "reports"),
        s.counts.workflows,
        s.counts.workflows_failed,
        s.counts.steps_passed,
        s.counts.steps_failed,
        s.counts.steps_skipped,
        if s.counts.cleanups_failed > 0 {
            format!(" · {} cleanups failed", s.counts.cleanups_failed)
        } else {
            String::new()
        },
        if s.interrupted {
            " · a shard was interrupted"
        } else {
            ""
        },
    );
    if !missing.is_empty() {
        let more = match missing_more {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        say_err!(
            "warning: no report of shard {}{more}: its units are not in the merged report",
            missing.join(", ")
        );
    }
}

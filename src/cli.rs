//! The command line, as clap structs only (README, Commands). `RunPlan` (`config::plan`) turns
//! these into resolved paths, layered variables and units; nothing below the CLI imports clap.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "steprun",
    version,
    about = "Run API workflows written as TOML: ordered HTTP steps, variables, a cookie jar, JSONPath extraction",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line of this process, read as `Parser::try_parse` reads it. clap's model
    /// of the command line is not freed: the process ends soon after, and freeing its
    /// hundreds of pieces one by one would only delay the exit.
    pub fn read() -> Result<Cli, clap::Error> {
        let mut command = Cli::command();
        let cli = command
            .try_get_matches_from_mut(std::env::args_os())
            .and_then(|mut matches| {
                Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
            });
        std::mem::forget(command);
        cli
    }

    /// The command's `--color` (`auto` for a command without one), which its errors follow too.
    pub fn color(&self) -> ColorChoice {
        match &self.command {
            Command::Run(args) => args.color,
            Command::Teach(args) => args.color,
            _ => ColorChoice::Auto,
        }
    }
}

#[derive(Debug, Subcommand)]
// Each command's options are defined only when it is the one run (or for help, completions
// and the manual page): a run does not build the other commands' hundred-odd options.
#[command(defer = true)]
pub enum Command {
    /// Run workflow files or directories (recursively, sorted)
    Run(RunArgs),
    /// Run one workflow interactively, step by step: each request is shown before it is sent,
    /// then the response and what was learned from it
    Teach(TeachArgs),
    /// Validate workflows without sending anything
    Check(CheckArgs),
    /// List workflows: name, steps, tags, description line
    List(ListArgs),
    /// Serve the PingOne sandbox; print its URLs and admin credentials
    Sandbox(SandboxArgs),
    /// Print the JSON Schema of the workflow format
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `steprun man | man -l -`
    Man,
    /// Convert another tool's files to workflow files
    #[command(subcommand)]
    Import(ImportCommand),
    /// Work with report files
    #[command(subcommand)]
    Report(ReportCommand),
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ReportCommand {
    /// Merge the JSON reports of shards (`run --report json=…`) into one report of the whole run
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' JSON reports
    #[arg(value_name = "FILE.json", required = true)]
    pub files: Vec<PathBuf>,
    /// Write the merged report: junit, json or html (PATH `-` is stdout); repeatable
    #[arg(long = "report", value_name = "FORMAT=PATH", required = true)]
    pub reports: Vec<String>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ImportCommand {
    /// Convert a Postman collection (v2.0/2.1) to workflow files, one per top-level folder
    Postman(PostmanArgs),
}

#[derive(Debug, Args)]
pub struct PostmanArgs {
    /// The collection, as exported by Postman (JSON)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where to write the workflows [default: ./<collection-name>/]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite files that already exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct VarArgs {
    /// A vars file (TOML); repeatable, later files win
    #[arg(long = "vars", value_name = "FILE")]
    pub vars: Vec<PathBuf>,
    /// Set a variable; repeatable, overrides vars files and the environment
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub var: Vec<String>,
    /// Start the sandbox in-process and layer its variables under --vars
    #[arg(long)]
    pub sandbox: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Workflow files or directories (`-`: read one from standard input) [default: workflows/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub net: NetArgs,
    /// Inject faults into the --sandbox's answers (README, The sandbox: Faults)
    #[arg(long, value_name = "SPEC", requires = "sandbox")]
    pub sandbox_faults: Option<String>,
    /// Run only workflows with this tag; repeatable (any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out workflows with this tag; repeatable (any of them), wins over --tag
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Skip cleanups
    #[arg(long)]
    pub keep: bool,
    /// Stop the run at the first failed workflow
    #[arg(long)]
    pub fail_fast: bool,
    /// How many matrix runs go at once; without --matrix, how many of the named workflows run
    /// side by side, each with its own variables
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Run everything once per vars file matching GLOB
    #[arg(long, value_name = "GLOB")]
    pub matrix: Option<String>,
    /// A response-time limit for every step whose file sets none (expect.duration): lt=2s,
    /// or several, gt=10ms,lt=2s (lt, lte, gt, gte)
    #[arg(long, value_name = "PRED=DURATION")]
    pub expect_duration: Option<String>,
    /// Run one shard of the units (matrix entry × workflow file): count:I/N deals them
    /// round-robin, hash:I/N by a stable hash of each; I from 1 to N
    #[arg(long, value_name = "count:I/N|hash:I/N")]
    pub partition: Option<String>,
    /// Write a report: junit, json or html (PATH `-` is stdout); repeatable
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<String>,
    /// Write the variables at the end of the run as a vars file
    #[arg(long, value_name = "FILE")]
    pub save_vars: Option<PathBuf>,
    /// Include secrets in --save-vars output
    #[arg(long)]
    pub save_secrets: bool,
    /// -v: request lines and extracted names; -vv: full headers and bodies
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Reveal secrets in console output (for a person at a terminal)
    #[arg(long)]
    pub show_secrets: bool,
    /// When to use colors
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct TeachArgs {
    /// The workflow file (`-`: read it from standard input)
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub net: NetArgs,
    /// Inject faults into the --sandbox's answers (README, The sandbox: Faults)
    #[arg(long, value_name = "SPEC", requires = "sandbox")]
    pub sandbox_faults: Option<String>,
    /// Do not pause: show each step and send it at once (for demos and CI)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Skip cleanups
    #[arg(long)]
    pub keep: bool,
    /// -v: every response header, not only Location, Set-Cookie and the like
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Reveal secrets (for a person at a terminal)
    #[arg(long)]
    pub show_secrets: bool,
    /// When to use colors
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Workflow files or directories [default: workflows/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Workflow files or directories [default: workflows/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Only workflows with this tag; repeatable
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out workflows with this tag; repeatable, wins over --tag
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Only the workflows `run --partition` gives this shard (count:I/N or hash:I/N)
    #[arg(long, value_name = "count:I/N|hash:I/N")]
    pub partition: Option<String>,
    /// List each workflow once per vars file matching GLOB, as `run --matrix` runs it (with
    /// --partition: the (vars file × workflow) units of that shard)
    #[arg(long, value_name = "GLOB")]
    pub matrix: Option<String>,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (loopback unless --allow-remote)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8642")]
    pub listen: SocketAddr,
    /// Let --listen take an address other machines can reach (a container's 0.0.0.0)
    #[arg(long)]
    pub allow_remote: bool,
    /// Write the sandbox's variables to FILE as a vars file (secrets included)
    #[arg(long, value_name = "FILE")]
    pub write_vars: Option<PathBuf>,
    /// Inject faults: latency, 429, 503, resets, bad bodies, stalls (README, The sandbox: Faults)
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// How requests reach servers, with curl's and hurl's names for the same things (README,
// Commands: Connections). Not a doc comment: clap would take it for the `about` of the
// commands that flatten these options, once their options are defined late (`defer`).
#[derive(Debug, Args)]
pub struct NetArgs {
    /// Also trust the CA certificates in FILE (PEM, one or more)
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Present the client certificate in FILE (PEM; may hold the key too)
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// The private key of --cert (PEM)
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Send every request through this proxy (http:// or https://); `NO_PROXY` is honoured
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Give up connecting (TCP and TLS) after this long: 500ms, 5s, 1m
    #[arg(long, value_name = "DURATION")]
    pub connect_timeout: Option<String>,
    /// Do not verify TLS certificates (as `insecure = true` on every step), with a warning
    #[arg(short = 'k', long)]
    pub insecure: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

//! What a template uses, read from handlebars' own parse: the variables it prints, the blocks
//! around them, the partials it calls and the inline partials it defines, each with its line;
//! and what expanding it costs. No I/O, and never a scan of the template's text for tags.
//!
//! [`analyse`] compiles a template once; the compiled template is what gets registered, so
//! what is checked is exactly what renders. [`graph`] puts a campaign's templates together:
//! partials that call themselves, and expansion beyond [`MAX_ELEMENTS`].

pub mod graph;
pub mod shape;
mod walk;

use handlebars::TemplateErrorReason;
use handlebars::template::Template as Compiled;

/// The largest template file outcry reads, in bytes. handlebars' parser takes time in
/// proportion to a template's size times its tags, so both are bounded.
pub const MAX_BYTES: usize = 64 * 1024;
/// The most `{{` a template file may contain (tags, comments and escapes alike).
pub const MAX_TAGS: usize = 500;
/// The deepest nesting of blocks (each `{{else if}}` counts as one more) and of
/// sub-expressions `(...)`: handlebars renders them recursively.
pub const MAX_DEPTH: usize = 64;
/// The most elements (text runs and tags) a template may expand to, counting every partial
/// where it is called and every `{{#each}}` body as many times as the longest list.
pub const MAX_ELEMENTS: u64 = 100_000;
/// The most template text, in bytes, a template may expand to (counted as above).
pub const MAX_EXPANDED_BYTES: u64 = 1024 * 1024;

/// A problem in one template, at a line of its text (1 for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// A template, compiled and outlined.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// handlebars' own compiled template, named for error messages: register this.
    pub compiled: Compiled,
    pub outline: Outline,
}

/// Every tag of a template, and the nodes it is made of: the template itself (node 0) and
/// each inline partial it defines (`{{#*inline "name"}}`), in order.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub tags: Vec<Tag>,
    pub nodes: Vec<Node>,
    /// The block parameters a `Block` tag names (`{{#each demands as |d i|}}`: `d`, `i`).
    pub block_params: Vec<(usize, Vec<String>)>,
}

/// The template itself, or one inline partial it defines.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// The inline partial's name; `None` for the template itself.
    pub inline: Option<String>,
    /// Where it starts.
    pub line: usize,
    /// What rendering it writes, partials not yet expanded.
    pub body: Expansion,
}

/// One tag, where it is and what it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub line: usize,
    /// The node whose body holds it (index into [`Outline::nodes`]).
    pub node: usize,
    /// The blocks around it within its node, outermost first.
    pub within: Vec<Within>,
    pub kind: TagKind,
}

/// A block around a tag: the `Block` tag (index into [`Outline::tags`]), and whether the tag
/// is in its `{{else}}` part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Within {
    pub block: usize,
    pub inverse: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagKind {
    /// `{{path}}` or `{{{path}}}`: prints a value.
    Print(Var),
    /// `{{helper args}}`: the variables among its arguments (sub-expressions included).
    Helper { name: String, args: Vec<Var> },
    /// `{{#helper args}}`…`{{/helper}}`; the tags inside name it in their `within`.
    Block { name: String, args: Vec<Var> },
    /// `{{> name args}}`, or with `block` `{{#> name}}`…`{{/name}}`.
    Partial {
        name: PartialName,
        block: bool,
        args: Vec<Var>,
    },
    /// `{{#*inline "name"}}`: defines the node (index into [`Outline::nodes`]).
    Inline { node: usize },
    /// Any other decorator `{{* name}}`.
    Decorator { name: String },
}

/// A variable as written (`sender.name`, `@root.demands`, `../recipient`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub raw: String,
    /// Its named segments in order (`["sender", "name"]`); `this`, `..`, `@root` left out.
    pub names: Vec<String>,
}

/// Which partial a `{{> ...}}` calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartialName {
    Named(String),
    /// `{{> @partial-block}}`: the block the partial was called with.
    PartialBlock,
}

/// What a node writes when rendered, before partials are expanded: its own elements and
/// text, and the partial calls and loops whose size depends on other nodes and on data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    pub elements: u64,
    pub bytes: u64,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A partial called at `line`, with the block it is given (`{{#> name}}`…).
    Call {
        line: usize,
        name: PartialName,
        block: Option<Expansion>,
    },
    /// An `{{#each}}` body at `line`, written once per item.
    Repeat { line: usize, body: Expansion },
}

impl Outline {
    /// Every variable printed (`{{x}}`, `{{{x}}}`), with its tag: its line, node, and the
    /// blocks around it (see [`Outline::block`]).
    pub fn printed(&self) -> impl Iterator<Item = (&Tag, &Var)> {
        self.tags.iter().filter_map(|t| match &t.kind {
            TagKind::Print(v) => Some((t, v)),
            _ => None,
        })
    }

    /// The helper and arguments of a block around a tag (`each`, `[demands]`).
    pub fn block(&self, w: Within) -> Option<(&str, &[Var])> {
        match &self.tags.get(w.block)?.kind {
            TagKind::Block { name, args } => Some((name, args)),
            _ => None,
        }
    }

    /// Whether any tag uses the variable `name` (as `{{name}}`, `{{#if name}}`,
    /// `{{name.field}}`, an argument...).
    pub fn uses_variable(&self, name: &str) -> bool {
        self.tags.iter().any(|t| {
            let vars: &[Var] = match &t.kind {
                TagKind::Print(v) => std::slice::from_ref(v),
                TagKind::Helper { args, .. }
                | TagKind::Block { args, .. }
                | TagKind::Partial { args, .. } => args,
                TagKind::Inline { .. } | TagKind::Decorator { .. } => &[],
            };
            vars.iter()
                .any(|v| v.names.first().is_some_and(|n| n == name))
        })
    }
}

impl Analysis {
    /// Makes the `print`-th printed variable (in the order of [`Outline::printed`]) print
    /// `path` instead: `{{this}}` on a demand becomes `{{this.text}}` (see [`shape`]).
    pub fn print_through(&mut self, print: usize, path: &str) -> Result<(), String> {
        let new = handlebars::Path::parse(path).map_err(|e| e.to_string())?;
        let mut prints = Vec::new();
        walk::prints_mut(&mut self.compiled, &mut prints);
        let h = prints
            .into_iter()
            .nth(print)
            .ok_or_else(|| format!("no printed variable {print}"))?;
        h.name = handlebars::template::Parameter::Path(new);
        Ok(())
    }
}

/// The analyses made so far, by template name and text ([`analyse`]).
type Kept = std::collections::HashMap<(String, String), Result<Analysis, Vec<Problem>>>;
static KEPT: std::sync::LazyLock<std::sync::Mutex<Kept>> =
    std::sync::LazyLock::new(std::sync::Mutex::default);

/// Compiles `text` (registered as `name`) with handlebars and outlines it. Refuses, with
/// the line, a template too large to parse quickly, invalid syntax, nesting deeper than
/// [`MAX_DEPTH`], dynamic partials `{{> (expr)}}` and inline partials without a quoted name.
pub fn analyse(name: &str, text: &str) -> Result<Analysis, Vec<Problem>> {
    // A bound on the parser's work, checked before it runs; not a reading of the tags.
    if text.len() > MAX_BYTES {
        return Err(vec![Problem {
            line: 1,
            message: format!(
                "the template is {} KiB: a template may be at most {} KiB",
                text.len().div_ceil(1024),
                MAX_BYTES / 1024
            ),
        }]);
    }
    let braces = text.matches("{{").count();
    if braces > MAX_TAGS {
        return Err(vec![Problem {
            line: 1,
            message: format!(
                "the template has {braces} tags: a template may have at most {MAX_TAGS} (split it into partials)"
            ),
        }]);
    }
    // A run reads the same template more than once (for each language, a campaign's layouts;
    // the letter for its checks): each text is parsed once, and kept.
    let key = (name.to_string(), text.to_string());
    let kept = |k: &Kept| k.get(&key).cloned();
    if let Some(known) = kept(
        &KEPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    ) {
        return known;
    }
    let result = parse_apart(name, text);
    let mut all = KEPT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // A few hundred templates at most (64 KiB each): a workspace's, many times over.
    if all.len() >= 256 {
        all.clear();
    }
    all.insert(key, result.clone());
    result
}

/// [`analyse`], parsing: on a thread of its own.
fn parse_apart(name: &str, text: &str) -> Result<Analysis, Vec<Problem>> {
    // handlebars parses sub-expressions recursively, with no limit of its own: on a stack of
    // its own, large enough for the deepest nesting MAX_BYTES allows, the parse (and the drop
    // of what is refused) cannot overflow ours. Its panics become a problem too. One thread
    // parses every template of the run, in turn ([`parser`]).
    let outcome = parser().and_then(|parser| {
        let (back, answer) = std::sync::mpsc::channel();
        parser
            .send((name.to_string(), text.to_string(), back))
            .ok()?;
        answer.recv().ok()
    });
    match outcome {
        Some(Ok(result)) => result,
        Some(Err(_)) => Err(vec![Problem {
            line: 1,
            message: "handlebars could not read this template".to_string(),
        }]),
        None => Err(vec![Problem {
            line: 1,
            message: "cannot start reading the template".to_string(),
        }]),
    }
}

/// What the parser thread answers: the analysis, or the panic it caught.
type Answer = std::thread::Result<Result<Analysis, Vec<Problem>>>;

/// A template to parse (its name and text) and where the answer goes.
type Job = (String, String, std::sync::mpsc::Sender<Answer>);

/// The thread that parses templates, on a stack of [`PARSER_STACK`], started with the first
/// template and kept for the next ones (a campaign has dozens, with its layouts and partials,
/// and a thread started for each cost more than its parse).
fn parser() -> Option<std::sync::mpsc::Sender<Job>> {
    static PARSER: std::sync::Mutex<Option<std::sync::mpsc::Sender<Job>>> =
        std::sync::Mutex::new(None);
    let mut kept = PARSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if kept.is_none() {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("template".into())
            .stack_size(PARSER_STACK)
            .spawn(move || {
                for (name, text, back) in queue {
                    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        compile_and_outline(&name, &text)
                    }));
                    let _ = back.send(answer);
                }
            })
            .ok()?;
        *kept = Some(jobs);
    }
    kept.clone()
}

/// The stack handlebars' parser gets: the 16,000 nested sub-expressions that fit in
/// [`MAX_BYTES`] need more than 8 MiB and less than 32 MiB (measured).
const PARSER_STACK: usize = 64 << 20;

fn compile_and_outline(name: &str, text: &str) -> Result<Analysis, Vec<Problem>> {
    let compiled =
        Compiled::compile_with_name(text, name.to_string()).map_err(|e| vec![syntax(&e)])?;
    let outline = walk::outline(&compiled)?;
    Ok(Analysis { compiled, outline })
}

fn syntax(e: &handlebars::TemplateError) -> Problem {
    let line = e.pos().map_or(1, |(l, _)| l);
    let message = match e.reason() {
        TemplateErrorReason::InvalidSyntax(m) if m.contains("stack limit") => {
            format!("blocks or sub-expressions (...) are nested more than {MAX_DEPTH} deep")
        }
        TemplateErrorReason::InvalidSyntax(_) => "invalid handlebars syntax: a {{...}} tag is malformed, or a block such as {{#each}} or {{#if}} is not closed".to_string(),
        other => format!("template syntax: {other}"),
    };
    Problem { line, message }
}

#[cfg(test)]
mod tests;

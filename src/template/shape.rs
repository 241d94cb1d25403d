//! What a printed variable is, given the shape of the data templates render with: a text
//! prints as it is; an object or a list would print as `[object]`, so it is a problem that says
//! what to write instead, unless the object has a field it shows (a demand shows its `text`).
//! Blocks that change the context (`{{#each}}`, `{{#with}}`) are followed, and partials are
//! checked in the context they are called in.

use std::collections::HashSet;

use super::graph::{Finding, Source};
use super::{PartialName, Tag, TagKind, Var};

/// The shape of a value in the render context.
#[derive(Debug)]
pub enum Shape {
    /// Printed as it is: a text or a number.
    Text,
    /// Anything (a signer's own columns, a partial called with arguments): not checked.
    Open,
    /// An object and its fields, in order. `shows` is the field printed when the object
    /// itself is (`{{this}}` in `{{#each demands}}` prints the demand's `text`); `hint` is the
    /// path suggested instead of printing it whole.
    Object {
        fields: &'static [(&'static str, &'static Shape)],
        shows: Option<&'static str>,
        hint: &'static str,
    },
    /// A list of items of one shape.
    List(&'static Shape),
}

impl Shape {
    fn field(&self, name: &str) -> Option<&'static Shape> {
        match self {
            Shape::Object { fields, .. } => fields.iter().find(|(n, _)| *n == name).map(|f| f.1),
            _ => None,
        }
    }

    fn names(&self) -> String {
        match self {
            Shape::Object { fields, .. } => fields
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }
}

/// What the check found: problems, and the printed variables to print through a field
/// instead (`(source, index among its printed tags, new path)`).
#[derive(Debug, Default)]
pub struct Checked {
    pub problems: Vec<Finding>,
    pub shown: Vec<(usize, usize, String)>,
}

/// One level of context: its shape, the block that made it (`{{#each demands}}`), if any,
/// and the block parameters it names (`as |d i|`) with their shapes.
type Level = (
    &'static Shape,
    Option<String>,
    Vec<(String, &'static Shape)>,
);

/// Checks what each template prints. `roots[i]` is the context `sources[i]` renders with, or
/// `None` for a shared partial (checked where it is called).
pub fn check(sources: &[Source<'_>], roots: &[Option<&'static Shape>]) -> Checked {
    let mut out = Checked::default();
    let mut todo: Vec<(usize, usize, Vec<Level>)> = roots
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (i, 0, vec![(r, None, Vec::new())])))
        .collect();
    let mut seen: HashSet<(usize, usize, Vec<usize>)> = HashSet::new();
    let mut shown = HashSet::new();
    while let Some((s, node, base)) = todo.pop() {
        let key = (
            s,
            node,
            base.iter()
                .map(|l| std::ptr::from_ref(l.0) as usize)
                .collect(),
        );
        if !seen.insert(key) {
            continue;
        }
        let outline = sources[s].outline;
        let mut prints = 0;
        for tag in &outline.tags {
            let is_print = matches!(tag.kind, TagKind::Print(_));
            if tag.node != node {
                prints += usize::from(is_print);
                continue;
            }
            let levels = levels(sources[s].outline, tag, &base);
            match &tag.kind {
                TagKind::Print(v) => {
                    match printed(v, &levels) {
                        Ok(Some(path)) => {
                            if shown.insert((s, prints)) {
                                out.shown.push((s, prints, path));
                            }
                        }
                        Ok(None) => {}
                        Err(message) => {
                            let f = Finding {
                                source: s,
                                line: tag.line,
                                message,
                            };
                            if !out.problems.contains(&f) {
                                out.problems.push(f);
                            }
                        }
                    }
                    prints += 1;
                }
                TagKind::Partial {
                    name: PartialName::Named(name),
                    args,
                    ..
                } => {
                    let called = if args.is_empty() {
                        levels
                    } else {
                        vec![(&Shape::Open, None, Vec::new())]
                    };
                    for (t, src) in sources.iter().enumerate() {
                        for (n, nd) in src.outline.nodes.iter().enumerate() {
                            let named = match &nd.inline {
                                Some(inline) => inline == name,
                                None => src.partial && src.name == name,
                            };
                            if named {
                                todo.push((t, n, called.clone()));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out.problems.sort_by_key(|f| (f.source, f.line));
    out
}

/// The context levels a tag sees: `base`, then one for each `{{#each}}` or `{{#with}}` around it.
fn levels(outline: &super::Outline, tag: &Tag, base: &[Level]) -> Vec<Level> {
    let mut levels = base.to_vec();
    for w in &tag.within {
        let Some((name, args)) = outline.block(*w) else {
            continue;
        };
        if w.inverse || !(name == "each" || name == "with") {
            continue;
        }
        let shape = match args.first().map(|a| resolve(a, &levels)) {
            Some(Ok(shape)) => match (name, shape) {
                ("each", Shape::List(item)) => *item,
                ("with", s) => s,
                _ => &Shape::Open,
            },
            _ => &Shape::Open,
        };
        let raw = args.first().map_or("", |a| a.raw.as_str());
        let params = outline
            .block_params
            .iter()
            .find(|(b, _)| *b == w.block)
            .map(|(_, p)| p.as_slice())
            .unwrap_or_default();
        let params = params
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), if i == 0 { shape } else { &Shape::Text }))
            .collect();
        levels.push((shape, Some(format!("{{{{#{name} {raw}}}}}")), params));
    }
    levels
}

/// What a printed variable needs: nothing (`Ok(None)`), to be printed through a field
/// (`Ok(Some(path))`), or it is a problem.
fn printed(v: &Var, levels: &[Level]) -> Result<Option<String>, String> {
    let shape = resolve(v, levels)?;
    let suggest = |field: &str| {
        let base = v.raw.trim_end_matches(['.', '/']);
        if base.is_empty() || base == "this" {
            field.to_string()
        } else if base.ends_with("..") {
            format!("{base}/{field}")
        } else {
            format!("{base}.{field}")
        }
    };
    match shape {
        Shape::Text | Shape::Open => Ok(None),
        Shape::Object {
            shows: Some(field), ..
        } => Ok(Some(suggest(field))),
        Shape::Object { hint, .. } => Err(format!(
            "`{{{{{}}}}}` would print an object as \"[object]\": write one of its fields, e.g. `{{{{{}}}}}` (its fields: {})",
            v.raw,
            suggest(hint),
            shape.names()
        )),
        Shape::List(item) => {
            let each = match item {
                Shape::Object { hint, .. } => format!("{{{{{hint}}}}}"),
                _ => "{{this}}".to_string(),
            };
            Err(format!(
                "`{{{{{raw}}}}}` would print a whole list as \"[...]\": write each item, e.g. `{{{{#each {raw}}}}}{each}{{{{/each}}}}`",
                raw = v.raw
            ))
        }
    }
}

/// The shape a variable names in `levels`, or why it names none.
fn resolve(v: &Var, levels: &[Level]) -> Result<&'static Shape, String> {
    if v.raw.starts_with('@') && !v.raw.starts_with("@root") {
        return Ok(&Shape::Text);
    }
    let param = v.names.first().and_then(|first| {
        levels
            .iter()
            .rev()
            .flat_map(|l| &l.2)
            .find(|(p, _)| p == first)
    });
    if let (Some((name, shape)), false) = (
        param,
        v.raw.starts_with(['.', '@']) || v.raw.starts_with("this"),
    ) {
        return follow(v, shape, None, &v.names[1..], vec![name.as_str()]);
    }
    let (start, rest) = if v.raw.starts_with("@root") {
        (0, &v.names[..])
    } else {
        let up = v.raw.matches("../").count() + usize::from(v.raw.ends_with(".."));
        match levels.len().checked_sub(1 + up) {
            Some(i) => (i, &v.names[..]),
            None => return Ok(&Shape::Open),
        }
    };
    follow(
        v,
        levels[start].0,
        levels[start].1.as_deref(),
        rest,
        Vec::new(),
    )
}

/// The shape `names` lead to from `shape`; `walked` the names that led to `shape`.
fn follow<'a>(
    v: &Var,
    mut shape: &'static Shape,
    block: Option<&str>,
    names: &'a [String],
    mut walked: Vec<&'a str>,
) -> Result<&'static Shape, String> {
    for name in names {
        let name = name.trim_start_matches('[').trim_end_matches(']');
        shape = match shape {
            Shape::Object { .. } => match shape.field(name) {
                Some(s) => s,
                None => return Err(unknown(v, shape, &walked, block)),
            },
            Shape::List(item) if name.parse::<usize>().is_ok() => item,
            _ => return Ok(&Shape::Open),
        };
        walked.push(name);
    }
    Ok(shape)
}

fn unknown(v: &Var, shape: &Shape, walked: &[&str], block: Option<&str>) -> String {
    let place = match (walked, block) {
        ([], None) => "known: ".to_string(),
        ([], Some(block)) => format!("inside {block} the fields are "),
        (path, _) => format!("the fields of `{}` are ", path.join(".")),
    };
    let layouts = if walked.is_empty() && block.is_none() {
        "; in layouts also subject, body, addressee, copy_to, original_to"
    } else {
        ""
    };
    let names = if walked.is_empty() && block.is_none() {
        "campaign, demands, recipient, recipients, sender, date, personal, signer, signatories"
            .to_string()
    } else {
        shape.names()
    };
    format!(
        "template uses `{}`, which is not defined ({place}{names}{layouts})",
        v.raw
    )
}

//! What a template uses, read from handlebars' own parse: the variables it prints, the blocks
//! around them, the partials it calls and the inline partials it defines, each with its line;
//! and what expanding it costs. No I/O, and never a scan of the template's text for tags.
//!
//! [`analyse`] compiles a template once; the compiled template is what gets registered, so
//! what is checked is exactly what renders. [`graph`] puts a campaign's templates together:
//! partials that call themselves, and expansion beyond [`MAX_ELEMENTS`].

pub mod graph;

use std::collections::HashMap;

use handlebars::template::{
    DecoratorTemplate, HelperTemplate, Parameter, Template as Compiled, TemplateElement,
};
use handlebars::{JsonValue, Path, PathSeg, TemplateErrorReason};

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
#[derive(Debug)]
pub struct Analysis {
    /// handlebars' own compiled template, named for error messages: register this.
    pub compiled: Compiled,
    pub outline: Outline,
}

/// Every tag of a template, and the nodes it is made of: the template itself (node 0) and
/// each inline partial it defines (`{{#*inline "name"}}`), in order.
#[derive(Debug, Default)]
pub struct Outline {
    pub tags: Vec<Tag>,
    pub nodes: Vec<Node>,
}

/// The template itself, or one inline partial it defines.
#[derive(Debug, Default)]
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
    // handlebars parses sub-expressions recursively, with no limit of its own: on a stack of
    // its own, large enough for the deepest nesting MAX_BYTES allows, the parse (and the drop
    // of what is refused) cannot overflow ours. Its panics become a problem too.
    std::thread::scope(|scope| {
        let parse = std::thread::Builder::new()
            .name("template".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || compile_and_outline(name, text));
        match parse.map(std::thread::ScopedJoinHandle::join) {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(vec![Problem {
                line: 1,
                message: "handlebars could not read this template".to_string(),
            }]),
            Err(e) => Err(vec![Problem {
                line: 1,
                message: format!("cannot start reading the template: {e}"),
            }]),
        }
    })
}

/// The stack handlebars' parser gets: the 16,000 nested sub-expressions that fit in
/// [`MAX_BYTES`] need more than 8 MiB and less than 32 MiB (measured).
const PARSER_STACK: usize = 64 << 20;

fn compile_and_outline(name: &str, text: &str) -> Result<Analysis, Vec<Problem>> {
    let compiled =
        Compiled::compile_with_name(text, name.to_string()).map_err(|e| vec![syntax(&e)])?;
    let mut walk = Walk::default();
    walk.outline.nodes.push(Node {
        inline: None,
        line: 1,
        body: Expansion::default(),
    });
    let body = walk.template(&compiled, &Scope::top(), 1);
    walk.outline.nodes[0].body = body;
    if walk.problems.is_empty() {
        Ok(Analysis {
            compiled,
            outline: walk.outline,
        })
    } else {
        Err(walk.problems)
    }
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

/// Where the walk is: the node, the blocks around, how deep.
#[derive(Clone)]
struct Scope {
    node: usize,
    within: Vec<Within>,
    depth: usize,
}

impl Scope {
    fn top() -> Scope {
        Scope {
            node: 0,
            within: Vec::new(),
            depth: 0,
        }
    }

    fn deeper(&self, within: Option<Within>) -> Scope {
        let mut s = self.clone();
        s.within.extend(within);
        s.depth += 1;
        s
    }
}

#[derive(Default)]
struct Walk {
    outline: Outline,
    problems: Vec<Problem>,
}

impl Walk {
    fn problem(&mut self, line: usize, message: String) {
        if !self.problems.iter().any(|p| p.message == message) {
            self.problems.push(Problem { line, message });
        }
    }

    fn tag(&mut self, line: usize, scope: &Scope, kind: TagKind) -> usize {
        self.outline.tags.push(Tag {
            line,
            node: scope.node,
            within: scope.within.clone(),
            kind,
        });
        self.outline.tags.len() - 1
    }

    /// Outlines a template's elements; `line` is where it starts (for chained `{{else}}`
    /// parts, which handlebars leaves without positions). Recursion stops at [`MAX_DEPTH`].
    fn template(&mut self, t: &Compiled, scope: &Scope, line: usize) -> Expansion {
        let mut out = Expansion::default();
        if scope.depth > MAX_DEPTH {
            self.problem(
                line,
                format!("blocks are nested more than {MAX_DEPTH} deep"),
            );
            return out;
        }
        for (i, el) in t.elements.iter().enumerate() {
            let line = t.mapping.get(i).map_or(line, |m| m.0);
            out.elements = out.elements.saturating_add(1);
            match el {
                TemplateElement::RawString(s) => {
                    out.bytes = out.bytes.saturating_add(s.len() as u64);
                }
                TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                    let kind = match (&h.name, h.params.is_empty() && h.hash.is_empty()) {
                        (Parameter::Path(p), true) => TagKind::Print(var(p)),
                        _ => TagKind::Helper {
                            name: name_of(&h.name),
                            args: self.args(h, line),
                        },
                    };
                    self.tag(line, scope, kind);
                }
                TemplateElement::HelperBlock(h) => {
                    out.add(self.block(h, scope, line));
                }
                TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
                    out.parts.extend(self.partial(d, scope, line));
                }
                TemplateElement::DecoratorExpression(d) | TemplateElement::DecoratorBlock(d) => {
                    self.decorator(d, scope, line);
                }
                _ => {}
            }
        }
        out
    }

    fn block(&mut self, h: &HelperTemplate, scope: &Scope, line: usize) -> Expansion {
        let name = name_of(&h.name);
        let args = self.args(h, line);
        let me = self.tag(
            line,
            scope,
            TagKind::Block {
                name: name.clone(),
                args,
            },
        );
        let mut out = Expansion::default();
        if let Some(t) = &h.template {
            let inner = Within {
                block: me,
                inverse: false,
            };
            let body = self.template(t, &scope.deeper(Some(inner)), line);
            if name == "each" {
                out.parts.push(Part::Repeat { line, body });
            } else {
                out.add(body);
            }
        }
        if let Some(t) = &h.inverse {
            let inner = Within {
                block: me,
                inverse: true,
            };
            let line = first_line(t).unwrap_or(line);
            out.add(self.template(t, &scope.deeper(Some(inner)), line));
        }
        out
    }

    fn partial(&mut self, d: &DecoratorTemplate, scope: &Scope, line: usize) -> Option<Part> {
        let args = self.params(&d.params, &d.hash, line);
        let name = match &d.name {
            Parameter::Name(n) if n == "@partial-block" => PartialName::PartialBlock,
            Parameter::Name(n) => PartialName::Named(n.clone()),
            Parameter::Path(p) => PartialName::Named(raw(p)),
            _ => {
                self.problem(
                    line,
                    "dynamic partials are not supported: name the partial, e.g. {{> signature}}"
                        .to_string(),
                );
                return None;
            }
        };
        let block = d.template.is_some();
        self.tag(
            line,
            scope,
            TagKind::Partial {
                name: name.clone(),
                block,
                args,
            },
        );
        let block = d
            .template
            .as_ref()
            .map(|t| self.template(t, &scope.deeper(None), line));
        Some(Part::Call { line, name, block })
    }

    fn decorator(&mut self, d: &DecoratorTemplate, scope: &Scope, line: usize) {
        let name = name_of(&d.name);
        self.params(&d.params, &d.hash, line);
        if name != "inline" {
            self.tag(line, scope, TagKind::Decorator { name });
            return;
        }
        let Some(Parameter::Literal(JsonValue::String(inline))) = d.params.first() else {
            self.problem(
                line,
                "an inline partial needs its name in quotes, e.g. {{#*inline \"footer\"}}"
                    .to_string(),
            );
            return;
        };
        let Some(t) = &d.template else {
            return;
        };
        let node = self.outline.nodes.len();
        self.outline.nodes.push(Node {
            inline: Some(inline.clone()),
            line,
            body: Expansion::default(),
        });
        self.tag(line, scope, TagKind::Inline { node });
        let inner = Scope {
            node,
            within: Vec::new(),
            depth: scope.depth + 1,
        };
        let body = self.template(t, &inner, line);
        self.outline.nodes[node].body = body;
    }

    fn args(&mut self, h: &HelperTemplate, line: usize) -> Vec<Var> {
        let mut vars = match &h.name {
            // `{{(helper args)}}`: the name itself is an expression.
            Parameter::Subexpression(_) => {
                self.params(std::slice::from_ref(&h.name), &HashMap::new(), line)
            }
            _ => Vec::new(),
        };
        vars.extend(self.params(&h.params, &h.hash, line));
        vars
    }

    /// The variables among parameters, sub-expressions included (without recursion:
    /// they may be nested thousands deep; beyond [`MAX_DEPTH`] is a problem).
    fn params<'a>(
        &mut self,
        params: &'a [Parameter],
        hash: &'a HashMap<String, Parameter>,
        line: usize,
    ) -> Vec<Var> {
        let mut hash: Vec<(&String, &Parameter)> = hash.iter().collect();
        hash.sort_by_key(|(k, _)| *k);
        let mut stack: Vec<(&Parameter, usize)> = hash
            .into_iter()
            .rev()
            .map(|(_, p)| (p, 0))
            .chain(params.iter().rev().map(|p| (p, 0)))
            .collect();
        let mut vars = Vec::new();
        while let Some((p, depth)) = stack.pop() {
            match p {
                Parameter::Path(path) => vars.push(var(path)),
                Parameter::Literal(value) => {
                    // "\u001b" in a template's string is decoded when it renders.
                    if let Some(name) = literal_control(value) {
                        self.problem(
                            line,
                            format!("a string here holds a control character ({name}), written as an escape: it can hide or change text on a terminal"),
                        );
                    }
                }
                Parameter::Subexpression(_) if depth >= MAX_DEPTH => {
                    self.problem(
                        line,
                        format!("sub-expressions (...) are nested more than {MAX_DEPTH} deep"),
                    );
                    break;
                }
                Parameter::Subexpression(sub) => {
                    if let TemplateElement::Expression(h) = sub.as_element() {
                        let name = matches!(h.name, Parameter::Path(_)).then_some(&h.name);
                        let mut hash: Vec<(&String, &Parameter)> = h.hash.iter().collect();
                        hash.sort_by_key(|(k, _)| *k);
                        let inner = name
                            .into_iter()
                            .chain(&h.params)
                            .chain(hash.into_iter().map(|(_, p)| p));
                        let at = stack.len();
                        stack.extend(inner.map(|p| (p, depth + 1)));
                        stack[at..].reverse();
                    }
                }
                _ => {}
            }
        }
        vars
    }
}

impl Expansion {
    fn add(&mut self, other: Expansion) {
        self.elements = self.elements.saturating_add(other.elements);
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.parts.extend(other.parts);
    }
}

/// How to name the first [`crate::fields::hidden_control`] in a literal (a string, or the
/// strings of an array or object), if it holds one.
fn literal_control(value: &JsonValue) -> Option<String> {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            JsonValue::String(s) => {
                if let Some((_, name)) = crate::fields::find_hidden_control(s) {
                    return Some(name);
                }
            }
            JsonValue::Array(a) => stack.extend(a),
            JsonValue::Object(o) => {
                for (k, v) in o {
                    if let Some((_, name)) = crate::fields::find_hidden_control(k) {
                        return Some(name);
                    }
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where a template's first element is. handlebars gives no position to the link of an
/// `{{else if}}` chain: then where its own body starts (just after its tag).
fn first_line(t: &Compiled) -> Option<usize> {
    match (t.mapping.first(), t.elements.first()) {
        (Some(m), _) => Some(m.0),
        (None, Some(TemplateElement::HelperBlock(h))) => h
            .template
            .as_ref()
            .and_then(|t| t.mapping.first())
            .map(|m| m.0),
        _ => None,
    }
}

fn name_of(p: &Parameter) -> String {
    match p {
        Parameter::Name(n) => n.clone(),
        Parameter::Path(path) => raw(path),
        _ => String::new(),
    }
}

fn raw(p: &Path) -> String {
    match p {
        Path::Relative((_, raw)) | Path::Local((_, _, raw)) => raw.clone(),
    }
}

fn var(p: &Path) -> Var {
    let names = match p {
        Path::Relative((segs, _)) => segs
            .iter()
            .filter_map(|s| match s {
                PathSeg::Named(n) if n != "this" => Some(n.clone()),
                _ => None,
            })
            .collect(),
        Path::Local((_, name, _)) => vec![format!("@{name}")],
    };
    Var { raw: raw(p), names }
}

#[cfg(test)]
mod tests;

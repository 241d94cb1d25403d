//! The walk over handlebars' compiled template that outlines it: every tag with its line and
//! the blocks around it, the inline partials it defines, and what expanding each part costs.

use std::collections::HashMap;

use handlebars::template::{
    BlockParam, DecoratorTemplate, HelperTemplate, Parameter, Template as Compiled, TemplateElement,
};
use handlebars::{JsonValue, Path, PathSeg};

use super::{
    Expansion, MAX_DEPTH, Node, Outline, Part, PartialName, Problem, Tag, TagKind, Var, Within,
};

/// Outlines a compiled template: its tags and nodes, or every problem found on the way.
pub(super) fn outline(compiled: &Compiled) -> Result<Outline, Vec<Problem>> {
    let mut walk = Walk::default();
    walk.outline.nodes.push(Node {
        inline: None,
        line: 1,
        body: Expansion::default(),
    });
    let body = walk.template(compiled, &Scope::top(), 1);
    walk.outline.nodes[0].body = body;
    if walk.problems.is_empty() {
        Ok(walk.outline)
    } else {
        Err(walk.problems)
    }
}

/// The printed variables (`{{x}}`) of a compiled template, in the order [`outline`] lists
/// their tags, to change what they print.
pub(super) fn prints_mut<'a>(t: &'a mut Compiled, out: &mut Vec<&'a mut HelperTemplate>) {
    for el in &mut t.elements {
        match el {
            TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h)
                if matches!(h.name, Parameter::Path(_))
                    && h.params.is_empty()
                    && h.hash.is_empty() =>
            {
                out.push(h);
            }
            TemplateElement::HelperBlock(h) => {
                let h = &mut **h;
                if let Some(t) = &mut h.template {
                    prints_mut(t, out);
                }
                if let Some(t) = &mut h.inverse {
                    prints_mut(t, out);
                }
            }
            TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
                if let Some(t) = &mut d.template {
                    prints_mut(t, out);
                }
            }
            TemplateElement::DecoratorExpression(d) | TemplateElement::DecoratorBlock(d) => {
                let inline = name_of(&d.name) == "inline"
                    && matches!(
                        d.params.first(),
                        Some(Parameter::Literal(JsonValue::String(_)))
                    );
                if let (true, Some(t)) = (inline, &mut d.template) {
                    prints_mut(t, out);
                }
            }
            _ => {}
        }
    }
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
        if let Some(bp) = &h.block_param {
            let params = match bp {
                BlockParam::Single(p) => vec![name_of(p)],
                BlockParam::Pair((a, b)) => vec![name_of(a), name_of(b)],
                _ => Vec::new(),
            };
            self.outline.block_params.push((me, params));
        }
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

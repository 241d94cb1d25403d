//! A campaign's templates together, as a graph of partial calls: no partial may reach itself,
//! and no template may expand beyond [`MAX_ELEMENTS`] or [`MAX_EXPANDED_BYTES`]. Both in
//! time linear in the templates' size.
//!
//! Which partial `{{> name}}` renders depends on where it is called from: handlebars looks
//! first through the inline partials defined along the way (in the caller, and in whoever
//! called the caller), then at the registered templates. The graph takes every possibility:
//! a call may reach any inline partial of that name in the campaign, and the registered one.

use std::collections::HashMap;

use super::{Expansion, MAX_ELEMENTS, MAX_EXPANDED_BYTES, Outline, Part, PartialName};

/// One compiled template of the campaign.
pub struct Source<'a> {
    /// The name handlebars knows it by: `signature` for a shared partial, the file path for
    /// the others.
    pub name: &'a str,
    /// A shared partial (`letters/_partials/`).
    pub partial: bool,
    pub outline: &'a Outline,
}

/// A problem found: in `sources[source]` at `line` of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub source: usize,
    pub line: usize,
    pub message: String,
}

/// Checks the templates together: the first partial that reaches itself, else the first
/// template (smallest first) that expands too far. `list_bound` is the most items an
/// `{{#each}}` can go through. Templates are searched in the order given.
pub fn check(sources: &[Source<'_>], list_bound: u64) -> Option<Finding> {
    let graph = Graph::new(sources);
    let order = match graph.search() {
        Ok(order) => order,
        Err(cycle) => return Some(cycle),
    };
    graph.sizes(&order, list_bound)
}

struct Graph<'a> {
    sources: &'a [Source<'a>],
    /// Every node: (source, node within its outline).
    nodes: Vec<(usize, usize)>,
    /// The nodes a call of each name can reach.
    names: HashMap<&'a str, Vec<usize>>,
    /// Per node, its calls in order: (line, target).
    edges: Vec<Vec<(usize, usize)>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Colour {
    White,
    Grey,
    Black,
}

/// What expanding something costs: elements, bytes of text, and how many times it writes
/// the block its partial was called with (`{{> @partial-block}}`).
#[derive(Clone, Copy, Default, Debug)]
struct Cost {
    elements: u64,
    bytes: u64,
    blocks: u64,
}

impl Cost {
    fn plus(self, o: Cost) -> Cost {
        Cost {
            elements: self.elements.saturating_add(o.elements),
            bytes: self.bytes.saturating_add(o.bytes),
            blocks: self.blocks.saturating_add(o.blocks),
        }
    }

    fn times(self, n: u64) -> Cost {
        Cost {
            elements: self.elements.saturating_mul(n),
            bytes: self.bytes.saturating_mul(n),
            blocks: self.blocks.saturating_mul(n),
        }
    }

    fn max(self, o: Cost) -> Cost {
        Cost {
            elements: self.elements.max(o.elements),
            bytes: self.bytes.max(o.bytes),
            blocks: self.blocks.max(o.blocks),
        }
    }

    fn too_big(self) -> bool {
        self.elements > MAX_ELEMENTS || self.bytes > MAX_EXPANDED_BYTES
    }
}

impl<'a> Graph<'a> {
    fn new(sources: &'a [Source<'a>]) -> Graph<'a> {
        let mut nodes = Vec::new();
        let mut names: HashMap<&str, Vec<usize>> = HashMap::new();
        for (s, source) in sources.iter().enumerate() {
            for (n, node) in source.outline.nodes.iter().enumerate() {
                let name = node.inline.as_deref().unwrap_or(source.name);
                names.entry(name).or_default().push(nodes.len());
                nodes.push((s, n));
            }
        }
        let mut graph = Graph {
            sources,
            nodes,
            names,
            edges: Vec::new(),
        };
        graph.edges = (0..graph.nodes.len())
            .map(|id| {
                let mut calls = Vec::new();
                calls_in(&graph.node(id).body, &mut calls);
                calls
                    .into_iter()
                    .flat_map(|(line, name)| graph.targets(name).iter().map(move |&t| (line, t)))
                    .collect()
            })
            .collect();
        graph
    }

    fn node(&self, id: usize) -> &'a super::Node {
        let (s, n) = self.nodes[id];
        &self.sources[s].outline.nodes[n]
    }

    fn targets(&self, name: &str) -> &[usize] {
        self.names.get(name).map_or(&[], Vec::as_slice)
    }

    /// How the node is named in messages.
    fn label(&self, id: usize) -> &'a str {
        let (s, _) = self.nodes[id];
        self.node(id)
            .inline
            .as_deref()
            .unwrap_or(self.sources[s].name)
    }

    fn what(&self, id: usize) -> String {
        let (s, _) = self.nodes[id];
        match &self.node(id).inline {
            Some(name) => format!("inline partial `{name}`"),
            None if self.sources[s].partial => format!("partial `{}`", self.sources[s].name),
            None => "the template".to_string(),
        }
    }

    /// Depth-first search with colours: a call back to a node still open is a cycle.
    /// Otherwise, every node in an order where each comes after all it calls.
    fn search(&self) -> Result<Vec<usize>, Finding> {
        let mut colour = vec![Colour::White; self.nodes.len()];
        let mut order = Vec::with_capacity(self.nodes.len());
        for root in 0..self.nodes.len() {
            if colour[root] != Colour::White {
                continue;
            }
            colour[root] = Colour::Grey;
            let mut stack = vec![(root, 0usize)];
            while let Some((id, next)) = stack.last_mut() {
                let id = *id;
                let Some(&(line, to)) = self.edges[id].get(*next) else {
                    colour[id] = Colour::Black;
                    order.push(id);
                    stack.pop();
                    continue;
                };
                *next += 1;
                match colour[to] {
                    Colour::White => {
                        colour[to] = Colour::Grey;
                        stack.push((to, 0));
                    }
                    Colour::Grey => {
                        let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let mut path: Vec<&str> =
                            stack[from..].iter().map(|(n, _)| self.label(*n)).collect();
                        path.push(self.label(to));
                        return Err(Finding {
                            source: self.nodes[id].0,
                            line,
                            message: format!(
                                "partial `{}` includes itself ({}): it would never finish",
                                self.label(to),
                                path.join(" → ")
                            ),
                        });
                    }
                    Colour::Black => {}
                }
            }
        }
        Ok(order)
    }

    /// Each node's cost, memoised, in `order` (callees first); the first node that costs too
    /// much is reported at the call or loop that tips it over.
    fn sizes(&self, order: &[usize], list_bound: u64) -> Option<Finding> {
        let mut cost = vec![Cost::default(); self.nodes.len()];
        for &id in order {
            let body = &self.node(id).body;
            let mut total = Cost {
                elements: body.elements,
                bytes: body.bytes,
                blocks: 0,
            };
            let mut over = total.too_big().then_some(self.node(id).line);
            for part in &body.parts {
                total = total.plus(self.part(part, &cost, list_bound));
                if over.is_none() && total.too_big() {
                    over = Some(match part {
                        Part::Call { line, .. } | Part::Repeat { line, .. } => *line,
                    });
                }
            }
            if let Some(line) = over {
                let limit = if total.elements > MAX_ELEMENTS {
                    format!("{MAX_ELEMENTS} template elements")
                } else {
                    format!("{} MiB of template text", MAX_EXPANDED_BYTES >> 20)
                };
                return Some(Finding {
                    source: self.nodes[id].0,
                    line,
                    message: format!(
                        "{} expands to more than {limit} through partials and {{{{#each}}}} loops: it would take too long to render",
                        self.what(id)
                    ),
                });
            }
            cost[id] = total;
        }
        None
    }

    fn expansion(&self, e: &Expansion, cost: &[Cost], list_bound: u64) -> Cost {
        let own = Cost {
            elements: e.elements,
            bytes: e.bytes,
            blocks: 0,
        };
        e.parts
            .iter()
            .fold(own, |c, p| c.plus(self.part(p, cost, list_bound)))
    }

    fn part(&self, part: &Part, cost: &[Cost], list_bound: u64) -> Cost {
        match part {
            Part::Repeat { body, .. } => self.expansion(body, cost, list_bound).times(list_bound),
            Part::Call { name, block, .. } => {
                let block = block
                    .as_ref()
                    .map(|b| self.expansion(b, cost, list_bound))
                    .unwrap_or_default();
                let targets = match name {
                    PartialName::PartialBlock => {
                        return block.plus(Cost {
                            blocks: 1,
                            ..Cost::default()
                        });
                    }
                    PartialName::Named(n) => self.targets(n),
                };
                if targets.is_empty() {
                    // Not found: the block is the fallback (or rendering fails).
                    return block;
                }
                let callee = targets.iter().fold(Cost::default(), |c, &t| c.max(cost[t]));
                // The block is rendered once, then written wherever the partial asks.
                let copies = callee.blocks.saturating_add(1);
                Cost {
                    elements: callee
                        .elements
                        .saturating_add(block.elements.saturating_mul(copies)),
                    bytes: callee
                        .bytes
                        .saturating_add(block.bytes.saturating_mul(copies)),
                    blocks: block.blocks.saturating_mul(copies),
                }
            }
        }
    }
}

/// The named partial calls in an expansion, blocks and loops included, in order.
fn calls_in<'e>(e: &'e Expansion, out: &mut Vec<(usize, &'e str)>) {
    for part in &e.parts {
        match part {
            Part::Call { line, name, block } => {
                if let PartialName::Named(n) = name {
                    out.push((*line, n));
                }
                if let Some(b) = block {
                    calls_in(b, out);
                }
            }
            Part::Repeat { body, .. } => calls_in(body, out),
        }
    }
}

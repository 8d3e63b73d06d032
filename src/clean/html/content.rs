//! Finding the story's part of a page: every paragraph scores the boxes it lies in
//! (more for longer text with more commas, less the further up), the best box is taken
//! with the boxes beside it that score nearly as well, and its blocks are kept but for
//! the furniture and the link lists within it. When the rules find too little, they
//! are tried again less strictly; a page whose every attempt finds nothing gives its
//! readable text.

use super::dom::{Block, Dom, Kind};
use super::furniture;

/// Shortest block that scores the boxes around it.
const MIN_SCORED_CHARS: usize = 25;

/// How many levels of boxes above a paragraph its score reaches.
const SCORED_LEVELS: usize = 5;

/// How many of the best boxes are weighed when the best one may be part of a larger
/// whole.
const TOP_CANDIDATES: usize = 5;

/// A story shorter than this is looked for again with less strict rules (counted by
/// [`Block::weight`], so that a short story in Chinese is as long as one in English).
const ENOUGH_CHARS: usize = 500;

/// Share of the page's prose an element must hold to be taken for a page-wide
/// wrapper, whose class words describe the layout rather than furniture.
const WRAPPER_SHARE: f32 = 0.5;

/// Share of a box's text in a quote for the box to be a quotation of the story.
const QUOTED_SHARE: f32 = 0.8;

/// How strictly one attempt reads the page.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// Leave out furniture before scoring.
    skip_furniture: bool,
    /// Weigh boxes by their class words.
    weigh_classes: bool,
    /// Remove link lists, image galleries and forms from the chosen boxes.
    clean_conditionally: bool,
}

/// The attempts that leave furniture out, strictest first.
const ATTEMPTS: [Rules; 3] = [
    Rules {
        skip_furniture: true,
        weigh_classes: true,
        clean_conditionally: true,
    },
    Rules {
        skip_furniture: true,
        weigh_classes: false,
        clean_conditionally: true,
    },
    Rules {
        skip_furniture: true,
        weigh_classes: false,
        clean_conditionally: false,
    },
];

/// The attempt for pages whose furniture seems to hold the story: when leaving it out
/// finds less than [`ENOUGH_CHARS`] / `FURNITURE_RETRY_DIVISOR`.
const WITH_FURNITURE: Rules = Rules {
    skip_furniture: false,
    weigh_classes: false,
    clean_conditionally: true,
};

const FURNITURE_RETRY_DIVISOR: usize = 4;

/// The indexes of the blocks that make up the story, in document order.
pub fn story_blocks(dom: &Dom, furniture: &Furniture) -> Vec<usize> {
    if dom.elements.is_empty() {
        return Vec::new();
    }
    let mut best: Vec<usize> = Vec::new();
    let mut best_chars = 0;
    for rules in ATTEMPTS {
        let blocks = attempt(dom, furniture, rules);
        let chars = weight(dom, &blocks);
        if chars >= ENOUGH_CHARS {
            return blocks;
        }
        if chars > best_chars {
            best_chars = chars;
            best = blocks;
        }
    }
    if best_chars < ENOUGH_CHARS / FURNITURE_RETRY_DIVISOR {
        let blocks = attempt(dom, furniture, WITH_FURNITURE);
        if weight(dom, &blocks) > best_chars {
            best = blocks;
        }
    }
    if best.is_empty() {
        return readable_blocks(dom, furniture);
    }
    best
}

fn weight(dom: &Dom, blocks: &[usize]) -> usize {
    blocks.iter().map(|&b| dom.blocks[b].weight()).sum()
}

/// Which elements are furniture, as marked on themselves and as inherited.
pub struct Furniture {
    /// What each element's tag and names say of it.
    pub judgements: Vec<furniture::Judgement>,
    /// The element itself is furniture (and is no page-wide wrapper), and how it is told.
    own: Vec<Option<furniture::Furniture>>,
    /// The element or one it lies in is furniture.
    pub inside: Vec<bool>,
}

impl Furniture {
    /// Marks the furniture of a page.
    pub fn mark(dom: &Dom) -> Furniture {
        // Prose: blocks that read as sentences rather than links or labels.
        let mut prose_before = Vec::with_capacity(dom.blocks.len() + 1);
        let mut total = 0usize;
        prose_before.push(0);
        for block in &dom.blocks {
            if is_prose(block) {
                total += block.chars;
            }
            prose_before.push(total);
        }
        // A wrapper holds the headline too, when the page has one: a comment section
        // can hold more prose than the story, never the page's `<h1>`.
        let headlines = dom.elements.first().map_or(0, |root| root.counts.headlines);
        let judgements: Vec<furniture::Judgement> =
            dom.elements.iter().map(furniture::judge).collect();
        let mut own = Vec::with_capacity(dom.elements.len());
        let mut inside: Vec<bool> = Vec::with_capacity(dom.elements.len());
        // The nearest element (itself included) whose name marks the story's box, and
        // its prose: within it, a box holding most of that prose is the story.
        let mut story_box: Vec<Option<usize>> = Vec::with_capacity(dom.elements.len());
        let prose_of = |i: usize| {
            let e = &dom.elements[i];
            prose_before[e.end_block] - prose_before[e.first_block]
        };
        for (i, element) in dom.elements.iter().enumerate() {
            let prose = prose_of(i);
            let boxed = if judgements[i].story_mark {
                Some(i)
            } else {
                element.parent.and_then(|p| story_box[p])
            };
            story_box.push(boxed);
            let holds_most = |of: usize| of > 0 && prose as f32 >= WRAPPER_SHARE * of as f32;
            let wrapper = (holds_most(total) && (headlines == 0 || element.counts.headlines > 0))
                || boxed.is_some_and(|b| holds_most(prose_of(b)));
            // A box named as furniture around a quote (`article-widget`, `tweet-embed`)
            // holds a quotation of the story.
            let quoted = element.chars > 0
                && element.counts.quote_chars as f32 >= QUOTED_SHARE * element.chars as f32;
            let is = match judgements[i].furniture {
                _ if element.depth <= 1 || wrapper => None,
                Some(furniture::Furniture::Named) if quoted => None,
                found => found,
            };
            let inherited = element.parent.is_some_and(|p| inside[p]);
            own.push(is);
            inside.push(is.is_some() || inherited);
        }
        Furniture {
            judgements,
            own,
            inside,
        }
    }

    /// Whether element `i` is furniture or lies in furniture below element `root`:
    /// any furniture, or only the page's frame (`named` false).
    fn between(&self, dom: &Dom, root: usize, i: usize, named: bool) -> bool {
        if !self.inside[i] {
            return false;
        }
        dom.ancestors_and_self(i)
            .take_while(|&e| e != root)
            .any(|e| match self.own[e] {
                Some(furniture::Furniture::Frame) => true,
                Some(furniture::Furniture::Named) => named,
                None => false,
            })
    }
}

fn is_prose(block: &Block) -> bool {
    block.chars >= MIN_SCORED_CHARS && block.link_density() < 0.5
}

/// One reading of the page under `rules`: the story's blocks.
fn attempt(dom: &Dom, furniture: &Furniture, rules: Rules) -> Vec<usize> {
    let scores = score(dom, furniture, rules);
    let Some(top) = top_candidate(dom, &scores) else {
        return Vec::new();
    };
    let roots = with_siblings(dom, &scores, top, rules);
    let mut blocks = Vec::new();
    for root in roots {
        collect(dom, furniture, root, rules, &mut blocks);
    }
    blocks
}

/// The content score of every box that prose reaches (`NaN` for the others).
fn score(dom: &Dom, furniture: &Furniture, rules: Rules) -> Vec<f32> {
    let mut scores = vec![f32::NAN; dom.elements.len()];
    for block in &dom.blocks {
        if block.chars < MIN_SCORED_CHARS {
            continue;
        }
        if rules.skip_furniture && furniture.inside[block.element] {
            continue;
        }
        let element = &dom.elements[block.element];
        if !matches!(
            element.kind,
            Kind::Paragraph
                | Kind::Heading(2..=6)
                | Kind::Cell
                | Kind::Pre
                | Kind::Quote
                | Kind::Box
        ) {
            continue;
        }
        let content = 1.0 + block.commas as f32 + (block.chars / 100).min(3) as f32;
        // A paragraph scores the box around it; text written straight into a box of
        // other blocks is a paragraph of that box.
        let first = if element.kind.is_paragraph_like() || !element.has_block_children {
            element.parent
        } else {
            Some(block.element)
        };
        let Some(first) = first else { continue };
        for (level, ancestor) in dom
            .ancestors_and_self(first)
            .take(SCORED_LEVELS)
            .enumerate()
        {
            if dom.elements[ancestor].parent.is_none() {
                break;
            }
            if scores[ancestor].is_nan() {
                scores[ancestor] = initial_score(dom, furniture, ancestor, rules);
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                n => n as f32 * 3.0,
            };
            scores[ancestor] += content / divider;
        }
    }
    for (i, score) in scores.iter_mut().enumerate() {
        if !score.is_nan() {
            *score *= 1.0 - dom.elements[i].link_density();
        }
    }
    scores
}

/// What a box scores before its paragraphs: by its tag, and its class words.
fn initial_score(dom: &Dom, furniture: &Furniture, i: usize, rules: Rules) -> f32 {
    let element = &dom.elements[i];
    let by_tag = match element.tag {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    let by_class = if rules.weigh_classes {
        let judgement = &furniture.judgements[i];
        judgement.weight + if judgement.story_mark { 25.0 } else { 0.0 }
    } else {
        0.0
    };
    by_tag + by_class
}

/// The best-scoring box, moved up to the box around it when that holds several of the
/// best, or scores higher itself.
fn top_candidate(dom: &Dom, scores: &[f32]) -> Option<usize> {
    let mut ranked: Vec<usize> = (0..scores.len()).filter(|&i| !scores[i].is_nan()).collect();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    ranked.truncate(TOP_CANDIDATES);
    let mut top = *ranked.first()?;
    let top_score = scores[top];

    // Several nearly as good boxes under one box: the story is split among them.
    let close: Vec<usize> = ranked[1..]
        .iter()
        .copied()
        .filter(|&c| scores[c] >= 0.75 * top_score)
        .collect();
    if close.len() >= 3 {
        let mut parent = dom.elements[top].parent;
        while let Some(p) = parent {
            if dom.elements[p].parent.is_none() {
                break;
            }
            let holding = close.iter().filter(|&&c| dom.contains(p, c)).count();
            if holding >= 3 {
                top = p;
                break;
            }
            parent = dom.elements[p].parent;
        }
    }

    // A parent scoring higher than its best child is the better box.
    let mut last = score_or_zero(scores, top);
    let threshold = last / 3.0;
    let mut parent = dom.elements[top].parent;
    while let Some(p) = parent.filter(|&p| dom.elements[p].tag != "body" && p != 0) {
        if scores[p].is_nan() {
            parent = dom.elements[p].parent;
            continue;
        }
        if scores[p] < threshold {
            break;
        }
        if scores[p] > last {
            top = p;
            break;
        }
        last = scores[p];
        parent = dom.elements[p].parent;
    }

    // An only child stands for its parent, so that its parent's other children can
    // join it.
    while let Some(p) = dom.elements[top].parent {
        if dom.elements[p].tag == "body" || p == 0 || dom.children(p).count() != 1 {
            break;
        }
        top = p;
    }
    Some(top)
}

fn score_or_zero(scores: &[f32], i: usize) -> f32 {
    if scores[i].is_nan() {
        0.0
    } else {
        scores[i]
    }
}

/// The top box and those of its siblings that belong to the story: boxes that score
/// nearly as well (more so with the same class), and paragraphs of plain prose.
fn with_siblings(dom: &Dom, scores: &[f32], top: usize, rules: Rules) -> Vec<usize> {
    let Some(parent) = dom.elements[top].parent else {
        return vec![top];
    };
    let top_score = score_or_zero(scores, top);
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.elements[top].class;
    let best_threshold = (best_within(dom, scores, top) * 0.2).max(10.0);
    dom.children(parent)
        .filter(|&sibling| {
            if sibling == top {
                return true;
            }
            let element = &dom.elements[sibling];
            let bonus =
                if rules.weigh_classes && !top_class.is_empty() && element.class == top_class {
                    top_score * 0.2
                } else {
                    0.0
                };
            if !scores[sibling].is_nan() && scores[sibling] + bonus >= threshold {
                return true;
            }
            // A sibling whose best box scores like the top's best: a later section of
            // the story, split off by a figure or an aside.
            if best_within(dom, scores, sibling) >= best_threshold {
                return true;
            }
            if element.kind == Kind::Paragraph
                || (element.kind == Kind::Box && !element.has_block_children)
            {
                let density = element.link_density();
                let text = dom.blocks_of(sibling);
                let chars = element.chars;
                return (chars > 80 && density < 0.25)
                    || (chars > 0
                        && chars <= 80
                        && density == 0.0
                        && text
                            .iter()
                            .any(|b| b.text.contains(". ") || b.text.ends_with('.')));
            }
            false
        })
        .collect()
}

/// The best score of a box within element `i` (itself included), 0 for none.
fn best_within(dom: &Dom, scores: &[f32], i: usize) -> f32 {
    scores[i..dom.elements[i].end]
        .iter()
        .filter(|s| !s.is_nan())
        .fold(0.0, |best, &s| best.max(s))
}

/// Adds the story blocks of `root` to `out`: all but those in furniture below it, in
/// boxes the conditional cleaning removes, in the headline or captions, and link
/// lines.
fn collect(dom: &Dom, furniture: &Furniture, root: usize, rules: Rules, out: &mut Vec<usize>) {
    let removed = if rules.clean_conditionally {
        removed_boxes(dom, furniture, root)
    } else {
        Vec::new()
    };
    let root_element = &dom.elements[root];
    for b in root_element.first_block..root_element.end_block {
        let block = &dom.blocks[b];
        if furniture.between(dom, root, block.element, rules.skip_furniture) {
            continue;
        }
        if removed.iter().any(|&r| dom.contains(r, block.element)) {
            continue;
        }
        let element = &dom.elements[block.element];
        if matches!(element.kind, Kind::Heading(1) | Kind::Caption) {
            continue;
        }
        if block.link_density() > 0.5 {
            continue;
        }
        out.push(b);
    }
}

/// The boxes, lists and tables below `root` that hold no story: link lists, image
/// galleries, forms, tiny boxes, embeds (the outermost of each).
fn removed_boxes(dom: &Dom, furniture: &Furniture, root: usize) -> Vec<usize> {
    let mut removed: Vec<usize> = Vec::new();
    let end = dom.elements[root].end;
    let mut i = root + 1;
    while i < end {
        let element = &dom.elements[i];
        let conditional = match element.kind {
            Kind::List | Kind::Table => true,
            Kind::Box => element.has_block_children || matches!(element.tag, "form" | "fieldset"),
            _ => false,
        };
        if is_data_table(element) {
            // A data table stays whole, its short rows included.
            i = element.end;
        } else if conditional && should_remove(dom, i, furniture.judgements[i].weight) {
            removed.push(i);
            i = element.end;
        } else {
            i += 1;
        }
    }
    removed
}

fn should_remove(dom: &Dom, i: usize, weight: f32) -> bool {
    let element = &dom.elements[i];
    if weight < 0.0 {
        return true;
    }
    let blocks = dom.blocks_of(i);
    let commas: usize = blocks.iter().map(|b| b.commas).sum();
    if commas >= 10 {
        return false;
    }
    let counts = element.counts;
    let paragraphs = counts.paragraphs as f32;
    let images = counts.images as f32;
    let list_items = counts.list_items as f32 - 100.0;
    let inputs = counts.inputs as f32;
    let chars = element.chars;
    let heading_density = if chars == 0 {
        0.0
    } else {
        counts.heading_chars as f32 / chars as f32
    };
    let is_list = element.kind == Kind::List;
    let density = element.link_density();
    let text_only_ad = blocks.len() == 1 && is_ad_or_loading(&blocks[0].text);
    text_only_ad
        || (images > 1.0 && paragraphs / images < 0.5)
        || (!is_list && list_items > paragraphs)
        || inputs > (paragraphs / 3.0).floor()
        || (!is_list
            && heading_density < 0.9
            && chars < 25
            && (counts.images == 0 || counts.images > 2))
        || (!is_list && weight < 25.0 && density > 0.2)
        || (weight >= 25.0 && density > 0.5)
        || (counts.embeds == 1 && chars < 75)
        || counts.embeds > 1
}

/// A table of data (standings, results, figures) rather than of layout: ten rows or
/// more, or more than four columns.
fn is_data_table(element: &super::dom::Element) -> bool {
    let counts = element.counts;
    element.tag == "table"
        && counts.rows > 0
        && (counts.rows >= 10 || counts.cells / counts.rows > 4)
}

/// A box whose only text says it is an advertisement or still loading.
fn is_ad_or_loading(text: &str) -> bool {
    let lower = text.trim().trim_end_matches(['.', '…']).to_lowercase();
    matches!(
        lower.as_str(),
        "ad" | "ads"
            | "advertising"
            | "advertisement"
            | "publicité"
            | "werbung"
            | "anuncio"
            | "publicidad"
            | "реклама"
            | "广告"
            | "loading"
            | "cargando"
            | "chargement"
            | "загрузка"
    )
}

/// The readable text of a page in which no box holds a story: every block outside
/// furniture that is not a link line, else every block.
fn readable_blocks(dom: &Dom, furniture: &Furniture) -> Vec<usize> {
    let blocks: Vec<usize> = (0..dom.blocks.len())
        .filter(|&b| {
            let block = &dom.blocks[b];
            !furniture.inside[block.element] && block.link_density() <= 0.5
        })
        .collect();
    if blocks.is_empty() {
        (0..dom.blocks.len()).collect()
    } else {
        blocks
    }
}

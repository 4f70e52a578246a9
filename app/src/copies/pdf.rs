//! Copies to keep, as PDF.
//!
//! [`render`] turns a [`Copy`] (a title, a reference and a date, then headings, paragraphs and
//! labelled answers) into an A4 PDF whose text is real text: it can be selected, searched,
//! copied and read aloud, because every glyph is mapped back to its characters and the
//! document is tagged (H1 for the title, H2 for headings, P for everything else; the footers
//! are marked as page artifacts), has bookmarks for its title and headings, and says it
//! conforms to PDF/UA-1 when krilla's checks pass.
//!
//! The text is set in Noto Sans (regular and bold), shipped in `assets/fonts/` under the SIL
//! Open Font License (`assets/fonts/OFL.txt`) and built into the binary; krilla embeds only the
//! glyphs a document uses. The layout is done here: lines are broken at spaces by measuring
//! glyph advances from the font, a word longer than a line is broken between characters, text
//! flows onto as many pages as it needs and a heading or a label is kept with what follows it.
//! There is no shaping (no kerning, ligatures or complex scripts): characters map one to one to
//! glyphs, which is what the forms' English text needs. A character the font has no glyph for
//! is printed as `?`.
//!
//! The output depends only on the [`Copy`]: no clock is read, so the same copy gives the same
//! bytes.

use std::fmt;
use std::num::NonZeroU16;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, SpanTag, Tag, TagGroup, TagTree};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

/// Noto Sans Regular (SIL Open Font License 1.1, see `assets/fonts/OFL.txt`).
static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold (SIL Open Font License 1.1, see `assets/fonts/OFL.txt`).
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");

/// A4 portrait, in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
/// The margin on every side of the body text.
const MARGIN: f32 = 56.0;
/// How wide a line of body text may be.
const LINE_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// No line box of body text reaches below this.
const BODY_BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
/// The rule above the footer, and the footer's first baseline.
const FOOTER_RULE: f32 = BODY_BOTTOM + 10.0;
const FOOTER_BASELINE: f32 = FOOTER_RULE + 14.0;
/// Printed for a field whose value is empty.
const NOT_ANSWERED: &str = "Not answered";
/// Printed for a character the font has no glyph for.
const REPLACEMENT: char = '?';
/// Near-black for text, grey for the footer and "Not answered".
const INK: (u8, u8, u8) = (11, 12, 12);
const GREY: (u8, u8, u8) = (80, 90, 95);

/// A copy to keep: what one PDF says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// The document's title, printed large at the top of page 1 and set as the PDF's title,
    /// e.g. "EHC needs assessment request (E1)".
    pub title: String,
    /// Printed in the footer of every page, e.g. "Reference SUB-000042".
    pub reference: String,
    /// Printed in the footer of every page, e.g. "Sent 4 December 2026, 10:32".
    pub dated: String,
    /// What the copy says, in reading order.
    pub blocks: Vec<Block>,
}

/// One part of a [`Copy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section heading: bold and larger, never left alone at the bottom of a page.
    Heading(String),
    /// A paragraph. Line breaks (`'\n'`) in it are kept.
    Text(String),
    /// A question and its answer: the label in bold on its own line, then the value as a
    /// paragraph (line breaks kept). An empty value is printed as "Not answered".
    Field {
        /// The question, e.g. "Child's full name".
        label: String,
        /// The answer; may be several lines, or empty.
        value: String,
    },
}

/// Why a PDF could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// A font built into the binary could not be read; names the font file.
    Font(&'static str),
    /// krilla could not write the document; its message.
    Write(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Font(name) => write!(f, "the built-in font {name} could not be read"),
            PdfError::Write(message) => write!(f, "the PDF could not be written: {message}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// Renders a copy as a PDF: A4, tagged, with the title as its metadata title and en-GB as
/// its language, bookmarks for the title and headings, and "{reference} · {dated} · Page N of
/// M" at the foot of every page.
///
/// The document is checked against PDF/UA-1 (accessible PDF) as it is written and, when it
/// passes, says that it conforms. A copy that cannot pass (an empty title, say) is written
/// the same way without that claim rather than failing.
pub fn render(copy: &Copy) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    let layout = lay_out(copy, &fonts);
    let accessible = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map(|configuration| SerializeSettings {
            configuration,
            ..SerializeSettings::default()
        });
    if let Ok(settings) = accessible {
        match write(copy, &fonts, &layout, settings) {
            Err(KrillaError::Validation(_)) => {}
            written => return written.map_err(|error| PdfError::Write(error.to_string())),
        }
    }
    write(copy, &fonts, &layout, SerializeSettings::default())
        .map_err(|error| PdfError::Write(error.to_string()))
}

/// Draws a laid-out copy into a new document written with the given settings.
fn write(
    copy: &Copy,
    fonts: &Fonts,
    layout: &Layout,
    settings: SerializeSettings,
) -> Result<Vec<u8>, KrillaError> {
    let page_count = layout.pages.len();
    // A4 is also krilla's default page.
    let page_settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).unwrap_or_default();

    let mut document = Document::new_with(settings);
    let mut metadata = Metadata::new()
        .language("en-GB".to_owned())
        .creator("SEND Portal".to_owned());
    if !copy.title.trim().is_empty() {
        metadata = metadata.title(copy.title.trim().to_owned());
    }
    document.set_metadata(metadata);

    // One structure element per paragraph; each line drawn becomes one of its children.
    let mut groups: Vec<TagGroup> = layout
        .paragraphs
        .iter()
        .map(|paragraph| match paragraph.role {
            Role::Title => TagGroup::new(Tag::Hn(NonZeroU16::MIN, Some(paragraph.plain()))),
            Role::Heading => TagGroup::new(Tag::Hn(
                NonZeroU16::MIN.saturating_add(1),
                Some(paragraph.plain()),
            )),
            Role::Paragraph => TagGroup::new(Tag::P),
        })
        .collect();
    let mut outline = Outline::new();

    for (index, lines) in layout.pages.iter().enumerate() {
        let mut page = document.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        for placed in lines {
            let Some(paragraph) = layout.paragraphs.get(placed.paragraph) else {
                continue;
            };
            let Some(line) = paragraph.lines.get(placed.line) else {
                continue;
            };
            if line.text.trim().is_empty() {
                continue;
            }
            let style = paragraph.style;
            if placed.line == 0 && paragraph.role != Role::Paragraph {
                let top = placed.baseline - style.baseline_offset();
                outline.push_child(OutlineNode::new(
                    paragraph.plain(),
                    XyzDestination::new(index, Point::from_xy(0.0, (top - 12.0).max(0.0))),
                ));
            }
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            draw_line(
                &mut surface,
                fonts.face(style),
                style,
                &line.text,
                MARGIN,
                placed.baseline,
            );
            surface.end_tagged();
            if let Some(group) = groups.get_mut(placed.paragraph) {
                group.push(id);
            }
        }
        draw_footer(&mut surface, fonts, copy, index + 1, page_count);
        surface.finish();
        page.finish();
    }

    let mut tree = TagTree::new();
    for group in groups
        .into_iter()
        .filter(|group| !group.children.is_empty())
    {
        tree.push(group);
    }
    document.set_tag_tree(tree);
    document.set_outline(outline);
    document.finish()
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Title,
    Heading,
    Label,
    Body,
    NotAnswered,
    Footer,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 18.0,
            Style::Heading => 14.0,
            Style::Label | Style::Body | Style::NotAnswered => 11.0,
            Style::Footer => 8.5,
        }
    }

    fn bold(self) -> bool {
        matches!(self, Style::Title | Style::Heading | Style::Label)
    }

    /// The height of one line box; Noto Sans's ascender and descender add up to 1.36 em.
    fn line_height(self) -> f32 {
        self.size() * 1.36
    }

    /// From the top of a line box to its baseline.
    fn baseline_offset(self) -> f32 {
        self.size() * 1.07
    }

    fn colour(self) -> rgb::Color {
        let (r, g, b) = match self {
            Style::NotAnswered | Style::Footer => GREY,
            _ => INK,
        };
        rgb::Color::new(r, g, b)
    }
}

/// What a paragraph is in the structure tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Title,
    Heading,
    Paragraph,
}

/// One font file: krilla's handle for embedding it, and skrifa's tables for measuring it.
struct Face {
    pdf: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8], name: &'static str) -> Result<Face, PdfError> {
        let font = FontRef::new(data).map_err(|_| PdfError::Font(name))?;
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let charmap = font.charmap();
        // The replacement character must itself be in the font.
        if units_per_em <= 0.0 || charmap.map(REPLACEMENT).is_none() {
            return Err(PdfError::Font(name));
        }
        Ok(Face {
            pdf: Font::new(data.into(), 0).ok_or(PdfError::Font(name))?,
            charmap,
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    /// The glyph for a character, and its advance in em.
    fn glyph(&self, c: char) -> Option<(u32, f32)> {
        let glyph = self.charmap.map(c)?;
        let advance = self.metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em;
        Some((glyph.to_u32(), advance))
    }

    /// How wide a character is at a size, in points (zero if the font lacks it).
    fn advance(&self, c: char, size: f32) -> f32 {
        self.glyph(c).map_or(0.0, |(_, advance)| advance * size)
    }

    /// How wide a string is at a size, in points.
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// The text as this font can print it: tabs become spaces, carriage returns become line
    /// breaks, other control and invisible formatting characters are dropped, and a character
    /// the font has no glyph for becomes `?`.
    fn clean(&self, text: &str) -> String {
        let text = text.replace("\r\n", "\n");
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push('\n'),
                '\t' => out.push(' '),
                // Soft hyphen, zero-width space/joiners, word joiner, BOM, variation selectors.
                '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' => {}
                '\u{FE00}'..='\u{FE0F}' => {}
                c if c.is_control() => {}
                c if self.charmap.map(c).is_some() => out.push(c),
                _ => out.push(REPLACEMENT),
            }
        }
        out
    }
}

/// The two faces a copy is set in.
struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            regular: Face::load(REGULAR_TTF, "NotoSans-Regular.ttf")?,
            bold: Face::load(BOLD_TTF, "NotoSans-Bold.ttf")?,
        })
    }

    fn face(&self, style: Style) -> &Face {
        if style.bold() {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// One line of a paragraph, after breaking.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    /// Its width in points, from the font's advances.
    width: f32,
}

/// A paragraph broken into lines, with how it sits among the others.
#[derive(Debug, Clone)]
struct Paragraph {
    style: Style,
    role: Role,
    /// Space above it, unless it starts a page.
    space_before: f32,
    /// Keep it on the same page as the first line of the paragraph after it.
    keep_with_next: bool,
    lines: Vec<Line>,
}

impl Paragraph {
    fn new(fonts: &Fonts, style: Style, role: Role, space_before: f32, text: &str) -> Paragraph {
        Paragraph {
            style,
            role,
            space_before,
            keep_with_next: matches!(role, Role::Heading) || style == Style::Label,
            lines: break_lines(fonts.face(style), style.size(), text, LINE_WIDTH),
        }
    }

    /// Its text on one line, for a heading's title in the structure tree.
    fn plain(&self) -> String {
        let words: Vec<&str> = self.lines.iter().map(|line| line.text.trim()).collect();
        words.join(" ").trim().to_owned()
    }

    fn height(&self) -> f32 {
        self.lines.len() as f32 * self.style.line_height()
    }
}

/// A line placed on a page: which paragraph and line it is, and where its baseline is.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placed {
    paragraph: usize,
    line: usize,
    baseline: f32,
}

/// A copy laid out: its paragraphs, and the lines on each page.
#[derive(Debug)]
struct Layout {
    paragraphs: Vec<Paragraph>,
    pages: Vec<Vec<Placed>>,
}

/// Breaks the copy into lines and the lines into pages.
fn lay_out(copy: &Copy, fonts: &Fonts) -> Layout {
    let mut paragraphs = vec![Paragraph::new(
        fonts,
        Style::Title,
        Role::Title,
        0.0,
        &copy.title,
    )];
    for (index, block) in copy.blocks.iter().enumerate() {
        let first = index == 0;
        match block {
            Block::Heading(text) => {
                let space = if first { 12.0 } else { 18.0 };
                paragraphs.push(Paragraph::new(
                    fonts,
                    Style::Heading,
                    Role::Heading,
                    space,
                    text,
                ));
            }
            Block::Text(text) => {
                let space = if first { 12.0 } else { 7.0 };
                paragraphs.push(Paragraph::new(
                    fonts,
                    Style::Body,
                    Role::Paragraph,
                    space,
                    text,
                ));
            }
            Block::Field { label, value } => {
                let space = if first { 12.0 } else { 9.0 };
                paragraphs.push(Paragraph::new(
                    fonts,
                    Style::Label,
                    Role::Paragraph,
                    space,
                    label,
                ));
                let (style, value) = if value.trim().is_empty() {
                    (Style::NotAnswered, NOT_ANSWERED)
                } else {
                    (Style::Body, value.as_str())
                };
                paragraphs.push(Paragraph::new(fonts, style, Role::Paragraph, 1.0, value));
            }
        }
    }
    let pages = paginate(&paragraphs);
    Layout { paragraphs, pages }
}

/// Places the paragraphs' lines on pages, top to bottom.
fn paginate(paragraphs: &[Paragraph]) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = MARGIN;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let page_is_empty = pages.last().is_none_or(Vec::is_empty);
        let mut gap = if page_is_empty {
            0.0
        } else {
            paragraph.space_before
        };
        if paragraph.keep_with_next
            && !page_is_empty
            && y + gap + kept_height(paragraphs, index) > BODY_BOTTOM
        {
            pages.push(Vec::new());
            y = MARGIN;
            gap = 0.0;
        }
        y += gap;
        let style = paragraph.style;
        for line in 0..paragraph.lines.len() {
            let page_is_empty = pages.last().is_none_or(Vec::is_empty);
            if y + style.line_height() > BODY_BOTTOM && !page_is_empty {
                pages.push(Vec::new());
                y = MARGIN;
            }
            if let Some(page) = pages.last_mut() {
                page.push(Placed {
                    paragraph: index,
                    line,
                    baseline: y + style.baseline_offset(),
                });
            }
            y += style.line_height();
        }
    }
    pages
}

/// The height a paragraph that is kept with the next one needs on its page: all of it, all
/// of the paragraphs after it that are kept with their next as well, and the first line of
/// the one that ends the chain.
fn kept_height(paragraphs: &[Paragraph], index: usize) -> f32 {
    let mut height = paragraphs.get(index).map_or(0.0, Paragraph::height);
    for next in paragraphs.iter().skip(index + 1) {
        height += next.space_before;
        if next.keep_with_next {
            height += next.height();
        } else {
            if !next.lines.is_empty() {
                height += next.style.line_height();
            }
            break;
        }
    }
    height
}

/// Breaks text into lines no wider than `max_width`: at spaces where it can, between
/// characters in a word that is longer than a line. Line breaks in the text are kept (an
/// empty line stays an empty line); spaces at the start of a line of the text are kept as
/// indentation, spaces where a line is broken are dropped. The text is cleaned for the font
/// first (see [`Face::clean`]).
fn break_lines(face: &Face, size: f32, text: &str, max_width: f32) -> Vec<Line> {
    let text = face.clean(text);
    let mut lines = Vec::new();
    for hard_line in text.split('\n') {
        let mut current = Line {
            text: String::new(),
            width: 0.0,
        };
        let mut pending_space = "";
        let mut at_start = true;
        for (is_space, run) in runs(hard_line.trim_end()) {
            if is_space {
                if at_start {
                    push_breaking(face, size, run, max_width, &mut current, &mut lines);
                } else {
                    pending_space = run;
                }
                continue;
            }
            at_start = false;
            let space_width = face.width(pending_space, size);
            let word_width = face.width(run, size);
            if current.text.is_empty() {
                push_breaking(face, size, run, max_width, &mut current, &mut lines);
            } else if current.width + space_width + word_width <= max_width {
                current.text.push_str(pending_space);
                current.text.push_str(run);
                current.width += space_width + word_width;
            } else {
                lines.push(std::mem::replace(
                    &mut current,
                    Line {
                        text: String::new(),
                        width: 0.0,
                    },
                ));
                push_breaking(face, size, run, max_width, &mut current, &mut lines);
            }
            pending_space = "";
        }
        lines.push(current);
    }
    lines
}

/// Appends a run to the current line character by character, starting a new line whenever the
/// next character would not fit (a line always takes at least one character).
fn push_breaking(
    face: &Face,
    size: f32,
    run: &str,
    max_width: f32,
    current: &mut Line,
    lines: &mut Vec<Line>,
) {
    for c in run.chars() {
        let advance = face.advance(c, size);
        if !current.text.is_empty() && current.width + advance > max_width {
            lines.push(std::mem::replace(
                current,
                Line {
                    text: String::new(),
                    width: 0.0,
                },
            ));
        }
        current.text.push(c);
        current.width += advance;
    }
}

/// Splits text into alternating runs of spaces and of other characters: `(is_space, run)`.
fn runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (index, c) in text.char_indices() {
        let is_space = c == ' ';
        match in_space {
            Some(previous) if previous != is_space => {
                runs.push((previous, &text[start..index]));
                start = index;
            }
            _ => {}
        }
        in_space = Some(is_space);
    }
    if let Some(is_space) = in_space {
        runs.push((is_space, &text[start..]));
    }
    runs
}

/// Draws one line of already-cleaned text with its baseline at `(x, baseline)`. Each glyph
/// carries the characters it stands for, so the text can be copied and extracted.
fn draw_line(surface: &mut Surface, face: &Face, style: Style, text: &str, x: f32, baseline: f32) {
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .map(|(index, c)| {
            let (glyph, advance) = face
                .glyph(c)
                .or_else(|| face.glyph(REPLACEMENT))
                .unwrap_or((0, 0.0));
            KrillaGlyph::new(
                GlyphId::new(glyph),
                advance,
                0.0,
                0.0,
                0.0,
                index..index + c.len_utf8(),
                None,
            )
        })
        .collect();
    surface.set_fill(Some(Fill {
        paint: style.colour().into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }));
    surface.draw_glyphs(
        Point::from_xy(x, baseline),
        &glyphs,
        face.pdf.clone(),
        text,
        style.size(),
        false,
    );
}

/// The footer's text for page `number` of `count`.
fn footer_text(copy: &Copy, number: usize, count: usize) -> String {
    let page = format!("Page {number} of {count}");
    [copy.reference.trim(), copy.dated.trim(), page.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Draws a thin rule and the footer text (wrapped if it is too long), marked as a page
/// artifact so that it is not read as part of the document's content.
fn draw_footer(surface: &mut Surface, fonts: &Fonts, copy: &Copy, number: usize, count: usize) {
    let style = Style::Footer;
    let face = fonts.face(style);
    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
        ArtifactType::Footer,
    )));
    let mut rule = PathBuilder::new();
    rule.move_to(MARGIN, FOOTER_RULE);
    rule.line_to(PAGE_WIDTH - MARGIN, FOOTER_RULE);
    if let Some(rule) = rule.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: style.colour().into(),
            width: 0.5,
            ..Default::default()
        }));
        surface.draw_path(&rule);
        surface.set_stroke(None);
    }
    let text = footer_text(copy, number, count);
    let lines = break_lines(face, style.size(), &text, LINE_WIDTH);
    for (index, line) in lines.iter().enumerate() {
        let baseline = FOOTER_BASELINE + index as f32 * style.line_height();
        draw_line(surface, face, style, &line.text, MARGIN, baseline);
    }
    surface.end_tagged();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of each page, as a PDF reader extracts it (through the fonts' ToUnicode maps).
    fn page_texts(pdf: &[u8]) -> Vec<String> {
        let document = lopdf::Document::load_mem(pdf).expect("the PDF parses");
        let pages = document.get_pages();
        pages
            .keys()
            .map(|number| document.extract_text(&[*number]).expect("text extracts"))
            .collect()
    }

    /// Whitespace-insensitive: extractors differ in where they put line breaks.
    fn squash(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn copy(blocks: Vec<Block>) -> Copy {
        Copy {
            title: "EHC needs assessment request (E1)".to_owned(),
            reference: "Reference SUB-000042".to_owned(),
            dated: "Sent 4 December 2026, 10:32".to_owned(),
            blocks,
        }
    }

    fn field(label: &str, value: &str) -> Block {
        Block::Field {
            label: label.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn the_text_of_a_copy_can_be_extracted() {
        let copy = copy(vec![
            Block::Heading("About the child".to_owned()),
            field("Child's full name", "Zoë’s café – 12 £"),
            field("Address", "1 High Street\nSmalltown\nAB1 2CD"),
            field("Other needs", ""),
            Block::Text("Thank you.\nWe will reply within 6 weeks.".to_owned()),
        ]);
        let pdf = render(&copy).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = squash(&page_texts(&pdf).concat());
        for expected in [
            "EHC needs assessment request (E1)",
            "About the child",
            "Child's full name",
            "Zoë’s café – 12 £",
            "Address",
            "1 High Street",
            "Smalltown",
            "AB1 2CD",
            "Other needs",
            "Not answered",
            "Thank you.",
            "We will reply within 6 weeks.",
        ] {
            assert!(text.contains(expected), "{expected:?} is not in {text:?}");
        }
        // The line break in the value is kept: its parts are on separate lines.
        let layout = lay_out(&copy, &Fonts::load().expect("fonts"));
        let lines: Vec<&str> = layout
            .paragraphs
            .iter()
            .flat_map(|paragraph| paragraph.lines.iter().map(|line| line.text.as_str()))
            .collect();
        assert!(lines.contains(&"1 High Street") && lines.contains(&"Smalltown"));
    }

    #[test]
    fn a_long_copy_flows_onto_pages_each_with_its_footer() {
        let blocks = (1..=200)
            .map(|n| {
                Block::Text(format!(
                    "Paragraph {n}. The quick brown fox jumps over the lazy dog, and then it \
                     does it again, so that this paragraph takes a line or two."
                ))
            })
            .collect();
        let copy = copy(blocks);
        let pdf = render(&copy).expect("renders");
        let pages = page_texts(&pdf);
        assert!(pages.len() >= 5, "only {} pages", pages.len());
        let count = pages.len();
        for (index, text) in pages.iter().enumerate() {
            let text = squash(text);
            let footer = format!(
                "Reference SUB-000042 · Sent 4 December 2026, 10:32 · Page {} of {count}",
                index + 1
            );
            assert!(text.contains(&footer), "page {}: {text:?}", index + 1);
        }
        // Every paragraph is there, in order, once.
        let all = squash(&pages.concat());
        let mut from = 0;
        for n in 1..=200 {
            let needle = format!("Paragraph {n}.");
            let at = all[from..]
                .find(&needle)
                .expect("paragraph present, in order");
            from += at + needle.len();
        }
        // The layout agrees: nothing below the bottom margin.
        let layout = lay_out(&copy, &Fonts::load().expect("fonts"));
        assert_eq!(layout.pages.len(), count);
        for placed in layout.pages.iter().flatten() {
            assert!(placed.baseline < BODY_BOTTOM);
        }
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken() {
        let word: String = "abcdefghijklmnopqrstuvwxyz0123456789"
            .chars()
            .cycle()
            .take(500)
            .collect();
        let fonts = Fonts::load().expect("fonts");
        for style in [Style::Body, Style::Heading, Style::Title, Style::Label] {
            let lines = break_lines(fonts.face(style), style.size(), &word, LINE_WIDTH);
            assert!(lines.len() > 1, "{style:?}: not broken");
            for line in &lines {
                let measured = fonts.face(style).width(&line.text, style.size());
                assert!((measured - line.width).abs() < 0.01);
                assert!(line.width <= LINE_WIDTH, "{style:?}: {} wide", line.width);
            }
            assert_eq!(
                lines
                    .iter()
                    .map(|line| line.text.as_str())
                    .collect::<String>(),
                word
            );
        }
        let copy = copy(vec![
            field("Long", &format!("before {word} after")),
            Block::Heading(word.clone()),
        ]);
        let layout = lay_out(&copy, &fonts);
        for paragraph in &layout.paragraphs {
            for line in &paragraph.lines {
                assert!(line.width <= LINE_WIDTH, "{line:?}");
            }
        }
        let pdf = render(&copy).expect("renders");
        let text: String = page_texts(&pdf).concat().split_whitespace().collect();
        assert!(text.contains(&format!("before{word}after")), "{text:?}");
    }

    #[test]
    fn lines_break_at_spaces_and_keep_line_breaks() {
        let fonts = Fonts::load().expect("fonts");
        let face = &fonts.regular;
        let sentence = "one two three four five six seven eight nine ten ".repeat(20);
        let lines = break_lines(face, 11.0, &sentence, LINE_WIDTH);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(line.width <= LINE_WIDTH);
            assert!(!line.text.starts_with(' ') && !line.text.ends_with(' '));
        }
        // A line is only broken where the next word would not fit.
        for pair in lines.windows(2) {
            let next_word = pair[1].text.split(' ').next().unwrap_or_default();
            let would_be = pair[0].width + face.width(" ", 11.0) + face.width(next_word, 11.0);
            assert!(
                would_be > LINE_WIDTH,
                "{:?} could have taken {next_word:?}",
                pair[0].text
            );
        }
        let texts: Vec<String> = break_lines(face, 11.0, "a\n\n  b\r\nc\td", LINE_WIDTH)
            .into_iter()
            .map(|line| line.text)
            .collect();
        assert_eq!(texts, ["a", "", "  b", "c d"]);
    }

    #[test]
    fn characters_without_a_glyph_do_not_break_rendering() {
        let copy = copy(vec![
            field("Emoji", "Happy 😀 face"),
            field("Chinese", "你好世界"),
            Block::Heading("Control \u{0007} and \u{FFFF} and 🧩".to_owned()),
            Block::Text("\u{0301} combining start, zero\u{200B}width".to_owned()),
        ]);
        let pdf = render(&copy).expect("renders");
        let text = squash(&page_texts(&pdf).concat());
        assert!(text.contains("Happy ? face"), "{text:?}");
        assert!(text.contains("????"), "{text:?}");
        assert!(text.contains("zerowidth"), "{text:?}");
    }

    #[test]
    fn a_heading_is_never_last_on_a_page() {
        // Fill most of a page, then put headings and labels at every possible height.
        for filler in 30..60 {
            let mut blocks: Vec<Block> = (0..filler)
                .map(|n| Block::Text(format!("Line {n}")))
                .collect();
            blocks.push(Block::Heading("Section".to_owned()));
            blocks.push(field("Question", "Answer"));
            blocks.push(Block::Heading("Next".to_owned()));
            blocks.push(Block::Text("Paragraph".to_owned()));
            let layout = lay_out(&copy(blocks), &Fonts::load().expect("fonts"));
            for page in &layout.pages {
                let last = page.last().expect("no empty pages");
                let paragraph = &layout.paragraphs[last.paragraph];
                assert!(
                    !paragraph.keep_with_next,
                    "filler {filler}: page ends with {paragraph:?}"
                );
            }
        }
    }

    #[test]
    fn empty_copies_and_odd_input_render() {
        let empty = Copy {
            title: String::new(),
            reference: String::new(),
            dated: String::new(),
            blocks: Vec::new(),
        };
        let pdf = render(&empty).expect("renders");
        let pages = page_texts(&pdf);
        assert_eq!(pages.len(), 1);
        assert!(squash(&pages[0]).contains("Page 1 of 1"));

        let spaces = copy(vec![
            Block::Text(" ".repeat(2000)),
            Block::Text(String::new()),
            field("", "   "),
            Block::Heading(String::new()),
        ]);
        render(&spaces).expect("renders");
    }

    #[test]
    fn the_same_copy_gives_the_same_bytes() {
        let copy = copy(vec![field("Name", "Sam")]);
        assert_eq!(
            render(&copy).expect("renders"),
            render(&copy).expect("renders")
        );
    }

    #[test]
    fn the_document_has_a_title_a_language_and_tags() {
        let pdf = render(&copy(vec![Block::Heading("Heading".to_owned())])).expect("renders");
        let document = lopdf::Document::load_mem(&pdf).expect("parses");
        let catalog = document.catalog().expect("catalog");
        let lang = catalog
            .get(b"Lang")
            .and_then(lopdf::Object::as_str)
            .expect("Lang");
        assert_eq!(lang, b"en-GB");
        assert!(catalog.get(b"StructTreeRoot").is_ok());
        assert!(catalog.get(b"MarkInfo").is_ok());
        let info = document
            .trailer
            .get(b"Info")
            .and_then(lopdf::Object::as_reference)
            .expect("Info");
        let title = document
            .get_dictionary(info)
            .and_then(|info| info.get(b"Title"))
            .and_then(lopdf::Object::as_str)
            .expect("Title");
        // A PDF text string: UTF-16BE with a BOM, or PDFDocEncoding.
        let title = if let Some(utf16) = title.strip_prefix(&[0xFE, 0xFF]) {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).expect("UTF-16")
        } else {
            String::from_utf8(title.to_vec()).expect("ASCII")
        };
        assert_eq!(title, "EHC needs assessment request (E1)");
    }

    /// Whether the document says it conforms to PDF/UA-1 (in its XMP metadata, which krilla
    /// writes uncompressed).
    fn claims_pdf_ua(pdf: &[u8]) -> bool {
        let needle = b"<pdfuaid:part>1</pdfuaid:part>";
        pdf.windows(needle.len()).any(|window| window == needle)
    }

    #[test]
    fn a_copy_is_accessible_pdf_when_it_can_be() {
        let pdf = render(&copy(vec![
            Block::Heading("Heading".to_owned()),
            field("Name", "Zoë 😀"),
        ]))
        .expect("renders");
        assert!(claims_pdf_ua(&pdf));
        let document = lopdf::Document::load_mem(&pdf).expect("parses");
        assert!(document
            .catalog()
            .expect("catalog")
            .get(b"Outlines")
            .is_ok());

        // No title: not PDF/UA, but still a PDF with its text.
        let mut untitled = copy(vec![field("Name", "Sam")]);
        untitled.title = "  ".to_owned();
        let pdf = render(&untitled).expect("renders");
        assert!(!claims_pdf_ua(&pdf));
        assert!(squash(&page_texts(&pdf).concat()).contains("Name Sam"));
    }

    /// Not a test: writes a sample to look at, to `$PDF_SAMPLE` or `/tmp/sample.pdf`
    /// (`cargo test … sample -- --ignored`).
    #[test]
    #[ignore = "writes a sample PDF to look at; run with --ignored"]
    fn sample() {
        let path = std::env::var_os("PDF_SAMPLE").unwrap_or_else(|| "/tmp/sample.pdf".into());
        let mut blocks = vec![
            Block::Heading("About the child or young person".to_owned()),
            field("Full name", "Zoë Smith-O’Neill"),
            field("Date of birth", "12 March 2015"),
            field("Home address", "Flat 3\n14 Church Lane\nSmalltown\nAB1 2CD"),
            field("Other names they are known by", ""),
            Block::Heading("What the family would like to happen".to_owned()),
            Block::Text(
                "Zoë’s café trip – 12 £ spent. We would like Zoë to have support in class for \
                 reading and writing, and help at lunchtime, which is when most of the \
                 difficulties happen. Her teachers agree.\nA second line after a break."
                    .to_owned(),
            ),
            field(
                "A very long word",
                &"Supercalifragilisticexpialidocious".repeat(8),
            ),
            field("Emoji and CJK", "Happy 😀 — 你好"),
        ];
        for n in 1..=60 {
            blocks.push(field(
                &format!("Question {n}: tell us about something that matters"),
                "An answer that is long enough to wrap onto a second line, so that the layout \
                 of labels and values can be seen across a page break.",
            ));
            if n % 15 == 0 {
                blocks.push(Block::Heading(format!("Section {}", n / 15 + 1)));
            }
        }
        let pdf = render(&copy(blocks)).expect("renders");
        std::fs::write(path, pdf).expect("writes");
    }
}

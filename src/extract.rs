//! The extract step: what every format's reader found for each field of an article,
//! tagged with where it was found ([`Origin`]), becomes one [`Article`]. A field's
//! value is the first found by its precedence table ([`TITLE`], [`DATE`], [`SOURCE`],
//! [`URL`], [`LANG`]); the text is cleaned on the way, with the boilerplate learned
//! for the article's site.

use crate::article::{Article, DateSource, DroppedLine};
use crate::clean::{self, learned, learned::Learned};
use crate::date;
use crate::ingest::CorpusFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where a value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The `Key: value` header block at the top of a text file.
    Header,
    /// A field of a JSON article.
    Json,
    /// The file's entry in its folder's `manifest.jsonl`.
    Manifest,
    /// A `<meta>` or `<link>` of an HTML page (Open Graph, Dublin Core, ...).
    HtmlMeta,
    /// A page's JSON-LD.
    JsonLd,
    /// A page's visible headline (`<h1>`).
    Headline,
    /// A page's `<title>`.
    HtmlTitle,
    /// A `<time>` element or an element marked `itemprop=datePublished`.
    TimeElement,
    /// The article's URL (its path's date, its host).
    Url,
    /// The record of a web archive that captured the page (its `WARC-Target-URI`).
    Archive,
    /// A byline or a date written near a page's headline.
    Byline,
    /// The article's own text, as the cleaner read it.
    Text,
    /// A date the page gives as its last change, not its publication.
    Modified,
    /// What the index recorded for the file (its source).
    Index,
    /// The folder the file lies in.
    Folder,
}

impl Origin {
    /// How the origin of a date is shown to users.
    pub fn date_source(self) -> DateSource {
        match self {
            Origin::Header => DateSource::Header,
            Origin::Manifest => DateSource::Manifest,
            Origin::Json => DateSource::Json,
            Origin::Url => DateSource::Url,
            Origin::Byline | Origin::Text => DateSource::Text,
            Origin::HtmlMeta
            | Origin::JsonLd
            | Origin::Headline
            | Origin::HtmlTitle
            | Origin::TimeElement
            | Origin::Modified
            | Origin::Index
            | Origin::Folder
            | Origin::Archive => DateSource::Html,
        }
    }
}

/// Where a title may come from, strongest first: what the file says of itself, then
/// its manifest, then what the cleaner takes for the headline.
pub const TITLE: &[Origin] = &[
    Origin::Header,
    Origin::Json,
    Origin::Headline,
    Origin::HtmlMeta,
    Origin::JsonLd,
    Origin::HtmlTitle,
    Origin::Manifest,
    Origin::Text,
];

/// Where a publication date may come from, strongest first. A date the page gives
/// only as its last change comes after every publication date.
pub const DATE: &[Origin] = &[
    Origin::Header,
    Origin::Json,
    Origin::HtmlMeta,
    Origin::JsonLd,
    Origin::Manifest,
    Origin::TimeElement,
    Origin::Url,
    Origin::Byline,
    Origin::Text,
    Origin::Modified,
];

/// Where the publishing site's name may come from, strongest first.
pub const SOURCE: &[Origin] = &[
    Origin::Header,
    Origin::Json,
    Origin::Manifest,
    Origin::HtmlMeta,
    Origin::JsonLd,
    Origin::Url,
    Origin::Index,
    Origin::Folder,
];

/// Where the article's address may come from, strongest first.
pub const URL: &[Origin] = &[
    Origin::Archive,
    Origin::Header,
    Origin::Json,
    Origin::Manifest,
    Origin::HtmlMeta,
    Origin::JsonLd,
];

/// Where the article's language may come from, strongest first.
pub const LANG: &[Origin] = &[Origin::Header, Origin::Json, Origin::HtmlMeta];

/// One value found for a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The value as written (trimmed).
    pub value: String,
    /// Where it was found.
    pub origin: Origin,
}

/// Every value found for each field of one article, in the order the reader found
/// them (its own preference among values of one origin).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Headlines.
    pub titles: Vec<Candidate>,
    /// Publication dates, as written.
    pub dates: Vec<Candidate>,
    /// Addresses.
    pub urls: Vec<Candidate>,
    /// Names of the publishing site.
    pub sources: Vec<Candidate>,
    /// Language codes.
    pub langs: Vec<Candidate>,
}

/// A field of an article that candidates are found for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The headline.
    Title,
    /// The publication date.
    Date,
    /// The address.
    Url,
    /// The publishing site's name.
    Source,
    /// The language.
    Lang,
}

impl Candidates {
    /// Adds a value for `field`; blank values are not added.
    pub fn add(&mut self, field: Field, origin: Origin, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let list = match field {
            Field::Title => &mut self.titles,
            Field::Date => &mut self.dates,
            Field::Url => &mut self.urls,
            Field::Source => &mut self.sources,
            Field::Lang => &mut self.langs,
        };
        list.push(Candidate {
            value: value.to_string(),
            origin,
        });
    }

    /// Whether any value of `field` was found with `origin`.
    pub fn has(&self, field: Field, origin: Origin) -> bool {
        let list = match field {
            Field::Title => &self.titles,
            Field::Date => &self.dates,
            Field::Url => &self.urls,
            Field::Source => &self.sources,
            Field::Lang => &self.langs,
        };
        list.iter().any(|c| c.origin == origin)
    }
}

/// The values of `list` in the order of `table`: by origin, then as found.
fn by_precedence<'a>(
    list: &'a [Candidate],
    table: &'a [Origin],
) -> impl Iterator<Item = &'a Candidate> + 'a {
    table
        .iter()
        .flat_map(move |origin| list.iter().filter(move |c| c.origin == *origin))
}

/// The first value of `list` by `table`.
pub fn pick<'a>(list: &'a [Candidate], table: &'a [Origin]) -> Option<&'a Candidate> {
    by_precedence(list, table).next()
}

/// What one article of a file gave before cleaning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawArticle {
    /// The values found for its fields.
    pub candidates: Candidates,
    /// Its text: the story of a page, the body of a text file or JSON article.
    pub text: String,
    /// For files of several articles, the 1-based line, item or record.
    pub line: Option<usize>,
    /// When a web archive captured it.
    pub captured: Option<time::OffsetDateTime>,
    /// Its lines as the cleaner judged them, when kept to build it again.
    pub judged: Option<clean::Judged>,
}

impl RawArticle {
    /// Roughly how many bytes it takes in memory.
    pub fn approximate_size(&self) -> usize {
        let candidates = [
            &self.candidates.titles,
            &self.candidates.dates,
            &self.candidates.urls,
            &self.candidates.sources,
            &self.candidates.langs,
        ]
        .iter()
        .flat_map(|list| list.iter())
        .map(|c| c.value.capacity() + std::mem::size_of::<Candidate>())
        .sum::<usize>();
        let judged = self
            .judged
            .as_ref()
            .map_or(0, clean::Judged::approximate_size);
        std::mem::size_of::<RawArticle>() + self.text.capacity() + candidates + judged
    }
}

/// An article with the lines the cleaner dropped from it.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The article.
    pub article: Article,
    /// The lines removed from its text, with their rules.
    pub dropped: Vec<DroppedLine>,
    /// Whether the title is the file's name, for want of a headline in the text.
    pub title_from_file_name: bool,
    /// The headline the cleaner took from the text, when no metadata gave one (its
    /// line is counted for learning like the others).
    pub title_from_text: bool,
    /// Whether the site is the one the article's URL names (else it may take the one
    /// its folder's pages name).
    pub site_from_url: bool,
}

/// How an article is read besides its file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Boilerplate learned from the corpus, dropped like the rules' boilerplate.
    pub learned: Option<&'a Learned>,
    /// What the index recorded for the file, when it is read again on its own.
    pub indexed: Option<&'a Indexed>,
    /// The sites that articles with a URL name in each folder.
    pub hints: Option<&'a SiteHints>,
    /// The day the article is read on (today, in UTC, when unset): a stated date
    /// later than the day after is no publication date.
    pub today: Option<time::Date>,
    /// Whether a page a web archive captured and that states no date of its own takes
    /// the day of its capture (`--undated-use-captured`).
    pub undated_use_captured: bool,
}

/// The sites that a corpus's articles with a URL name, by the folder their file lies
/// in: an article without a URL takes the site most of its folder's others name, so
/// that one site's pages are grouped however each was saved.
#[derive(Debug, Clone, Default)]
pub struct SiteHints {
    by_folder: HashMap<PathBuf, HashMap<String, u32>>,
}

impl SiteHints {
    /// Records that the article of the file at `path` belongs to `site` by its URL.
    pub fn add(&mut self, path: &Path, site: &str) {
        let Some(folder) = path.parent() else { return };
        let sites = match self.by_folder.get_mut(folder) {
            Some(sites) => sites,
            None => self.by_folder.entry(folder.to_path_buf()).or_default(),
        };
        match sites.get_mut(site) {
            Some(count) => *count += 1,
            None => {
                sites.insert(site.to_string(), 1);
            }
        }
    }

    /// The site most articles with a URL in the folder of `path` belong to (the
    /// first by name among equals).
    pub fn site_for(&self, path: &Path) -> Option<&str> {
        let sites = self.by_folder.get(path.parent()?)?;
        sites
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(site, _)| site.as_str())
    }
}

/// What an index recorded for a file: its source, used when the file and its URL give
/// none (before the folder's name), and the site its boilerplate was learned under,
/// which a file read on its own cannot tell from its folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indexed {
    /// The source the article was indexed with.
    pub source: Option<String>,
    /// The site key the article was indexed with.
    pub site: Option<String>,
}

/// Builds the article from what its file gave; the second value says why a stated
/// date could not be used, if one could not.
pub fn article(
    raw: &RawArticle,
    file: &CorpusFile,
    context: Context,
) -> (Extracted, Option<String>) {
    let mut candidates = raw.candidates.clone();
    let candidates = &mut candidates;
    let url = pick(&candidates.urls, URL).map(|c| c.value.clone());
    if let Some(host) = url.as_deref().and_then(url_host) {
        candidates.add(Field::Source, Origin::Url, &host);
    }
    let indexed = context.indexed.cloned().unwrap_or_default();
    if let Some(source) = &indexed.source {
        candidates.add(Field::Source, Origin::Index, source);
    }
    if let Some(folder) = top_folder(&file.path, &file.root) {
        candidates.add(Field::Source, Origin::Folder, &folder);
    }
    if let Some(day) = url.as_deref().and_then(date::date_from_url) {
        candidates.add(Field::Date, Origin::Url, &date::format_day(day));
    }
    let source = pick(&candidates.sources, SOURCE).map(|c| c.value.clone());
    let named_by_url = url_site(url.as_deref());
    let site_from_url = indexed.site.is_none() && named_by_url.is_some();
    let site = indexed.site.or(named_by_url).or_else(|| {
        context
            .hints
            .and_then(|hints| hints.site_for(&file.path))
            .map(str::to_string)
            .or_else(|| unhinted_site(&file.path, &file.root, source.as_deref()))
    });

    let known_title = pick(&candidates.titles, TITLE).map(|c| c.value.clone());
    let source_key = learned::site_hash(site.as_deref());
    let is_learned = |line: &str| context.learned?.count(source_key?, line);
    let judged;
    let judged = match &raw.judged {
        Some(kept) => kept,
        None => {
            judged = clean::Judged::of(&raw.text);
            &judged
        }
    };
    let cleaned = clean::clean_judged(&raw.text, judged, known_title.as_deref(), &is_learned);
    if let Some(title) = &cleaned.title {
        candidates.add(Field::Title, Origin::Text, title);
    }
    if let Some(day) = cleaned.text_date {
        candidates.add(Field::Date, Origin::Text, &date::format_day(day));
    }

    let today = context
        .today
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
    let (mut date, mut date_from, published, problem) = resolve_date(&candidates.dates, today);
    if let Some(captured) = raw
        .captured
        .filter(|_| date.is_none() && context.undated_use_captured)
    {
        date = Some(captured.date());
        date_from = Some(DateSource::Captured);
    }
    let title_from_text = known_title.is_none() && cleaned.title.is_some();
    let title_from_file_name = known_title.is_none() && cleaned.title.is_none();
    let title = headline(
        known_title
            .or(cleaned.title)
            .unwrap_or_else(|| file_stem(&file.path)),
    );
    let path = file.path.to_string_lossy().into_owned();
    let article = Article {
        id: article_id(&path, raw.line),
        title,
        body: cleaned.body,
        date,
        date_from,
        place: cleaned.place,
        source,
        site,
        url,
        path,
        line: raw.line,
        lang: pick(&candidates.langs, LANG).map(|c| c.value.to_ascii_lowercase()),
        published,
        captured: raw.captured,
    };
    (
        Extracted {
            article,
            dropped: cleaned.dropped,
            title_from_file_name,
            title_from_text,
            site_from_url,
        },
        problem,
    )
}

/// The day, where it came from and the instant (when the chosen value states a time
/// with its zone) of the first readable date by [`DATE`] that is not after the day
/// after `today` (the zones ahead of UTC are a day ahead: a later date is a typo or a
/// placeholder, which would top every newest-first list); and, when the strongest
/// date could not be used, what to report.
fn resolve_date(
    dates: &[Candidate],
    today: time::Date,
) -> (
    Option<time::Date>,
    Option<DateSource>,
    Option<time::OffsetDateTime>,
    Option<String>,
) {
    let latest = today.next_day().unwrap_or(today);
    let mut problem = None;
    for (n, candidate) in by_precedence(dates, DATE).enumerate() {
        let source = candidate.origin.date_source().as_str();
        match date::parse_published(&candidate.value) {
            Some(day) if day <= latest => {
                return (
                    Some(day),
                    Some(candidate.origin.date_source()),
                    date::parse_instant(&candidate.value),
                    problem,
                )
            }
            Some(day) if n == 0 => {
                problem = Some(format!(
                    "{source} date {} is after today, looked for another",
                    date::format_day(day)
                ));
            }
            None if n == 0 => {
                problem = Some(format!(
                    "unreadable {source} date `{}`, looked for another",
                    candidate.value
                ));
            }
            _ => {}
        }
    }
    (None, None, None, problem)
}

/// The longest headline kept, in characters.
pub const HEADLINE_CHARS: usize = 300;

/// `title` as a headline: past [`HEADLINE_CHARS`] (a field of a crawl that holds a
/// whole page, say) it is cut after a whole word and marked with `…`.
fn headline(title: String) -> String {
    let Some((cut, _)) = title.char_indices().nth(HEADLINE_CHARS) else {
        return title;
    };
    let at = title[..cut].rfind(char::is_whitespace).unwrap_or(cut);
    format!("{} …", title[..at].trim_end())
}

/// A stable identifier from a file path and, for files of several articles, the line.
pub fn article_id(path: &str, line: Option<usize>) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(path.as_bytes());
    match line {
        Some(n) => format!("{hash:016x}-{n}"),
        None => format!("{hash:016x}"),
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| path.to_string_lossy(), |s| s.to_string_lossy())
        .into_owned()
}

/// The host of a URL, lower-cased, without a leading `www.`: a name in its own
/// script (`пример.рф`, however the URL spelled it), or an address (`::1`).
pub fn url_host(url: &str) -> Option<String> {
    let host = match url::Url::parse(url.trim()).ok()?.host()? {
        url::Host::Domain(name) => idna::domain_to_unicode(name).0,
        url::Host::Ipv4(address) => address.to_string(),
        url::Host::Ipv6(address) => address.to_string(),
    };
    let host = host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_string())
}

/// The site an article's URL names: the registrable part of its host
/// (`news.example.co.uk` is `example.co.uk`).
pub fn url_site(url: Option<&str>) -> Option<String> {
    let host = url_host(url?)?;
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Some(host);
    }
    let registrable = psl::domain_str(&host).unwrap_or(&host);
    Some(registrable.to_string())
}

/// The site of an article without a URL or a hint: its top folder, else its source.
fn unhinted_site(path: &Path, root: &Path, source: Option<&str>) -> Option<String> {
    top_folder(path, root)
        .or_else(|| source.map(str::to_string))
        .map(|key| key.trim().to_lowercase())
        .filter(|key| !key.is_empty())
}

/// The first folder of `path` below `root`, when the file lies in a subfolder.
fn top_folder(path: &Path, root: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = relative.components();
    let first = parts.next()?;
    parts.next()?;
    Some(first.as_os_str().to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Format;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn file(path: &str) -> CorpusFile {
        CorpusFile {
            path: PathBuf::from(path),
            root: Arc::from(Path::new("corpus")),
            format: Format::Text,
        }
    }

    fn raw(values: &[(Field, Origin, &str)], text: &str) -> RawArticle {
        let mut candidates = Candidates::default();
        for (field, origin, value) in values {
            candidates.add(*field, *origin, value);
        }
        RawArticle {
            candidates,
            text: text.to_string(),
            line: None,
            captured: None,
            judged: None,
        }
    }

    #[test]
    fn a_headline_longer_than_a_headline_is_cut_after_a_word() {
        assert_eq!(headline("Short one".into()), "Short one");
        let long = "word ".repeat(10_000);
        let cut = headline(long);
        assert!(
            cut.ends_with("word …") && cut.chars().count() <= HEADLINE_CHARS + 2,
            "{cut}"
        );
        let unbroken = "x".repeat(1_000);
        assert_eq!(headline(unbroken).chars().count(), HEADLINE_CHARS + 2);
    }

    #[test]
    fn each_field_follows_its_table() {
        let (e, problem) = article(
            &raw(
                &[
                    (Field::Date, Origin::Manifest, "2013-05-14"),
                    (Field::Date, Origin::Header, "2019-11-03"),
                    (Field::Title, Origin::Manifest, "Manifest title"),
                    (Field::Title, Origin::Header, "Header title"),
                    (
                        Field::Url,
                        Origin::Manifest,
                        "https://news.example.co.uk/2010/01/02/x",
                    ),
                ],
                "The story.",
            ),
            &file("corpus/site/a.txt"),
            Context::default(),
        );
        let a = e.article;
        assert_eq!(problem, None);
        assert_eq!(a.title, "Header title");
        assert_eq!(date::format_day(a.date.unwrap()), "2019-11-03");
        assert_eq!(a.date_from, Some(DateSource::Header));
        assert_eq!(a.source.as_deref(), Some("news.example.co.uk"));
        assert_eq!(a.site.as_deref(), Some("example.co.uk"));
    }

    #[test]
    fn an_unreadable_date_is_reported_and_the_next_one_taken() {
        let (e, problem) = article(
            &raw(
                &[
                    (Field::Date, Origin::Json, "soon"),
                    (
                        Field::Url,
                        Origin::Json,
                        "https://x.example/2011/03/31/slug",
                    ),
                ],
                "Headline here\n\nThe story.",
            ),
            &file("corpus/feed.jsonl"),
            Context::default(),
        );
        assert_eq!(e.article.date_from, Some(DateSource::Url));
        assert!(problem.unwrap().contains("unreadable json date `soon`"));
        assert_eq!(e.article.title, "Headline here");
        assert!(e.title_from_text);
    }

    #[test]
    fn a_modified_date_comes_after_every_publication_date() {
        let dates = [
            Candidate {
                value: "2020-01-02".into(),
                origin: Origin::Modified,
            },
            Candidate {
                value: "2019-12-30T10:00:00+02:00".into(),
                origin: Origin::TimeElement,
            },
        ];
        let today = date::parse_published("2024-06-01").unwrap();
        let (day, from, published, _) = resolve_date(&dates, today);
        assert_eq!(day.map(date::format_day).as_deref(), Some("2019-12-30"));
        assert_eq!(from, Some(DateSource::Html));
        assert!(published.is_some());
        assert_eq!(
            resolve_date(&dates[..1], today)
                .0
                .map(date::format_day)
                .as_deref(),
            Some("2020-01-02")
        );
    }

    #[test]
    fn one_site_under_every_route() {
        let site = |path: &str, url: Option<&str>, hints: Option<&SiteHints>| {
            let mut values = vec![(Field::Source, Origin::Header, "River Post")];
            values.extend(url.map(|u| (Field::Url, Origin::Header, u)));
            let context = Context {
                hints,
                ..Context::default()
            };
            article(&raw(&values, "Text."), &file(path), context)
                .0
                .article
                .site
        };
        let in_folder = "corpus/river-post/a.json";
        let www = Some("https://www.riverpost.example/a");
        assert_eq!(
            site(in_folder, www, None).as_deref(),
            Some("riverpost.example")
        );
        let subdomain = Some("https://news.riverpost.example/b");
        assert_eq!(
            site(in_folder, subdomain, None).as_deref(),
            Some("riverpost.example")
        );
        assert_eq!(site(in_folder, None, None).as_deref(), Some("river-post"));
        assert_eq!(
            site("corpus/a.txt", None, None).as_deref(),
            Some("river post")
        );

        // A page without a URL takes the site its folder's other pages name.
        let mut hints = SiteHints::default();
        hints.add(Path::new("corpus/river-post/b.html"), "riverpost.example");
        hints.add(Path::new("corpus/river-post/c.html"), "riverpost.example");
        hints.add(Path::new("corpus/river-post/d.html"), "wire.example");
        assert_eq!(
            site(in_folder, None, Some(&hints)).as_deref(),
            Some("riverpost.example")
        );
        assert_eq!(
            site("corpus/other/a.txt", None, Some(&hints)).as_deref(),
            Some("other")
        );
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://www.Herald.example/a/b").as_deref(),
            Some("herald.example")
        );
        assert_eq!(
            url_host("http://x.example:8080?q").as_deref(),
            Some("x.example")
        );
        assert_eq!(url_host("not a url"), None);
        assert_eq!(url_host("http://[::1]:8080/").as_deref(), Some("::1"));
        assert_eq!(
            url_host("http://user@10.0.0.1/x").as_deref(),
            Some("10.0.0.1")
        );
        for spelled in [
            "https://Пример.рф/новости",
            "https://xn--e1afmkfd.xn--p1ai/",
        ] {
            assert_eq!(url_host(spelled).as_deref(), Some("пример.рф"), "{spelled}");
        }
    }
}

//! `aeb-peers TOOL DIR OUT.json [--repeat N]`: extracts the story of every `NAME.html`
//! in DIR with TOOL, in process, and writes `{NAME: {"articleBody", "micros"}}`,
//! where `micros` is the fastest of N extractions of the page (parsing included).

use std::time::Instant;

fn extract(tool: &str, html: &str) -> String {
    match tool {
        "dateline" => dateline_story(html),
        "trafilatura" => trafilatura::extract(html, &trafilatura::Options::default())
            .map(|r| r.content_text)
            .unwrap_or_default(),
        "trafilatura-fallback" => {
            trafilatura::extract(html, &trafilatura::Options::default().with_fallback(true))
                .map(|r| r.content_text)
                .unwrap_or_default()
        }
        "rs-trafilatura" => rs_trafilatura::extract(html)
            .map(|r| r.content_text)
            .unwrap_or_default(),
        "dom_smoothie" => dom_smoothie::Readability::new(html, None, None)
            .and_then(|mut r| r.parse())
            .map(|a| a.text_content.to_string())
            .unwrap_or_default(),
        "parse-only" => {
            let doc = scraper::Html::parse_document(html);
            doc.root_element().value().name().to_string()
        }
        other => {
            eprintln!("unknown tool {other}");
            std::process::exit(2)
        }
    }
}

/// The body `dateline clean PAGE --json` gives, through the library's reading path.
fn dateline_story(html: &str) -> String {
    use dateline::ingest::{parse, CorpusFile, Format, ReadContext};
    let file = CorpusFile {
        path: "page.html".into(),
        root: std::sync::Arc::from(std::path::Path::new("")),
        format: Format::Html,
    };
    match parse(&file, html.as_bytes(), ReadContext::default()) {
        Ok(parsed) => parsed
            .articles
            .into_iter()
            .map(|a| a.article.body)
            .collect::<Vec<_>>()
            .join("\n\n"),
        Err(_) => String::new(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: aeb-peers TOOL DIR OUT.json [--repeat N]");
        std::process::exit(2);
    }
    let (tool, dir, out) = (&args[1], &args[2], &args[3]);
    let repeat: usize = match args.get(4).map(String::as_str) {
        Some("--repeat") => args.get(5).and_then(|n| n.parse().ok()).unwrap_or(1),
        _ => 1,
    };
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("reading the pages' folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    names.sort();
    let mut result = serde_json::Map::new();
    for path in names {
        let bytes = std::fs::read(&path).expect("reading a page");
        let html = String::from_utf8_lossy(&bytes);
        let mut body = String::new();
        let mut best = u128::MAX;
        for _ in 0..repeat.max(1) {
            let start = Instant::now();
            body = extract(tool, &html);
            best = best.min(start.elapsed().as_micros());
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        result.insert(
            name,
            serde_json::json!({"articleBody": body, "micros": best as u64}),
        );
    }
    std::fs::write(out, serde_json::to_string(&result).unwrap()).expect("writing the result");
}

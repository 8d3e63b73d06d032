//! Prints the stems that the most documents of a text use, as the index reads words,
//! with the share of documents that hold each: the list dateline indexes pairs of
//! (see `scripts/frequent/build`).
//!
//! Reads one document per line from standard input.
//!
//!     cargo run --release --example frequent_stems -- COUNT < documents.txt

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use tantivy::tokenizer::TokenStream;

fn main() -> anyhow::Result<()> {
    let count: usize = match std::env::args().nth(1) {
        Some(count) => count.parse()?,
        None => anyhow::bail!("usage: frequent_stems COUNT < documents.txt"),
    };
    let mut analyzer = dateline::schema::news_analyzer();
    let mut documents = 0usize;
    let mut frequency: HashMap<String, usize> = HashMap::new();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut seen = HashSet::new();
        let mut stream = analyzer.token_stream(&line);
        while let Some(token) = stream.next() {
            // Numbers and single letters are no words of a phrase worth a pair.
            if token.text.len() > 1 && !token.text.bytes().any(|b| b.is_ascii_digit()) {
                seen.insert(token.text.clone());
            }
        }
        for stem in seen {
            *frequency.entry(stem).or_default() += 1;
        }
        documents += 1;
    }
    let mut stems: Vec<(String, usize)> = frequency.into_iter().collect();
    stems.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (stem, n) in stems.into_iter().take(count) {
        println!("{stem}\t{:.4}", n as f64 / documents.max(1) as f64);
    }
    Ok(())
}

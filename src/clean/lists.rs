//! The word lists the boilerplate rules judge a line by: whole interface lines,
//! labels of other stories, and the vocabularies of appeals, sign-ups, calls to action,
//! reporting and research writing.

use super::vocabulary::{List, Marks};

/// Interface lines, compared after lower-casing and trimming punctuation.
pub(super) const NAVIGATION: &[&str] = &[
    "read more",
    "read more stories",
    "continue reading",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "share on x",
    "share on whatsapp",
    "share on linkedin",
    "share via email",
    "tweet",
    "email",
    "print",
    "comments",
    "comment",
    "advertisement",
    "advertising",
    "sponsored",
    "sponsored content",
    "related",
    "related stories",
    "related articles",
    "related content",
    "more stories",
    "more from this section",
    "most read",
    "most popular",
    "trending",
    "trending now",
    "you may also like",
    "also read",
    "see also",
    "back to top",
    "skip to content",
    "skip to main content",
    "menu",
    "home",
    "follow us",
    "next article",
    "previous article",
    "click here",
    "loading",
    "scroll to continue",
    "listen to this article",
    "this slideshow requires javascript",
    "please enable javascript",
    "javascript is required",
    "enable javascript to view this content",
];

/// Words of the short labels above lists of other articles: `More Great WIRED
/// Stories`, `DON'T MISS`, `Recommended for you`.
pub(super) const OTHER_STORIES: &[&str] = &[
    "stories",
    "articles",
    "related",
    "read next",
    "read more",
    "more from",
    "you may also",
    "you might also",
    "recommended",
    "don't miss",
    "don’t miss",
    "dont miss",
    "must read",
    "further reading",
    "more on this",
    "latest news",
    "top news",
];

/// Lines after which other articles' headlines are listed.
pub(super) const RELATED_HEADERS: &[&str] = &[
    "related",
    "related stories",
    "related articles",
    "related content",
    "more stories",
    "read more",
    "also read",
    "see also",
    "you may also like",
    "most read",
    "most popular",
];

/// Words of payment buttons, compared as whole short lines.
pub(super) const PAYMENT: &[&str] = &[
    "once",
    "one time",
    "one-time",
    "monthly",
    "annual",
    "annually",
    "yearly",
    "continue",
    "paypal",
    "credit card",
    "debit card",
    "credit or debit card",
    "bank transfer",
    "apple pay",
    "google pay",
    "other amount",
    "select amount",
    "choose an amount",
    "donate now",
    "give now",
    "give once",
    "give monthly",
    "give annually",
    "remind me later",
    "maybe later",
    "no thanks",
    "not now",
    "close",
    "payment methods",
    "paiment methods",
    "not ready to support today",
    "not ready to give today",
];

/// Vocabulary of requests for money or membership.
const APPEAL_WORDS: &[&str] = &[
    "support",
    "donat",
    "contribut",
    "member",
    "reader-funded",
    "reader funded",
    "reader-supported",
    "reader supported",
    "ad-free",
    "paywall",
    "patron",
    "chip in",
    "fund our",
    "funds our",
    "independent journalism",
    "independent media",
];

/// Vocabulary of newsletter and e-mail sign-ups.
const NEWSLETTER_WORDS: &[&str] = &[
    "newsletter",
    "sign up",
    "sign-up",
    "signup",
    "subscribe",
    "subscription",
    "inbox",
    "briefing",
    "email",
    "e-mail",
    "mailing list",
];

/// Phrases that only boilerplate uses, even without addressing the reader.
const STRONG_WORDS: &[&str] = &[
    "reader-funded",
    "reader funded",
    "reader-supported",
    "reader supported",
    "ad-free",
    "become a member",
    "support us",
    "support our",
    "donate now",
    "donate today",
    "subscribe now",
    "subscribe today",
];

/// Verbs and nouns of calls to action: a line starting with an imperative and using
/// one of these is a call to action ("Donate to River Post").
const ACTION_WORDS: &[&str] = &[
    "donate",
    "subscribe",
    "sign up",
    "contribution",
    "membership",
    "newsletter",
];

/// Verbs a call to action starts with.
pub(super) const IMPERATIVES: &[&str] = &[
    "support",
    "donate",
    "subscribe",
    "sign",
    "join",
    "become",
    "give",
    "help",
    "enter",
    "get",
    "click",
    "follow",
    "keep",
    "make",
    "chip",
    "contribute",
    "pledge",
    "consider",
    "please",
    "don't",
    "dont",
    "stay",
    "register",
    "download",
];

/// Words that address the reader or speak for the site.
const ADDRESS: &[&str] = &[
    "you", "your", "you're", "yours", "we", "our", "us", "we're", "ours", "we've", "we'll",
];

/// Words that mark a sentence as reporting, which is never boilerplate.
const REPORTING: &[&str] = &[
    "said",
    "says",
    "told",
    "according",
    "reported",
    "announced",
    "wrote",
    "added",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "he",
    "she",
    "his",
    "her",
    "him",
];

/// Labels that open the parts of a paper's abstract ("Methods: ...").
pub(super) const ABSTRACT_LABELS: &[&str] = &[
    "abstract",
    "background",
    "introduction",
    "objective",
    "objectives",
    "aim",
    "aims",
    "purpose",
    "methods",
    "method",
    "design",
    "results",
    "findings",
    "conclusion",
    "conclusions",
    "interpretation",
    "discussion",
    "significance",
];

/// Phrases of research writing, where "we" and "our" are the authors, not the site.
const RESEARCH_PHRASES: &[&str] = &[
    "to our knowledge",
    "our knowledge of",
    "our understanding of",
    "our findings",
    "our results",
    "our data",
    "our study",
    "our analysis",
    "we found",
    "we show",
    "we report",
    "we propose",
    "we measured",
    "we sampled",
    "we studied",
    "we examined",
    "this study",
    "the present study",
    "in this paper",
];

/// Words that, in the lines after an appeal's opening line, mark the text as part of
/// the appeal (wider than what drops a line on its own).
const APPEAL_BLOCK_WORDS: &[&str] = &[
    "journalism",
    "journalist",
    "reader",
    "reporting like this",
    "our reporters",
    "fund",
    "afford",
    "gift",
    "independent",
    "please give",
    "give what you can",
    "every dollar",
    "thank you",
    "$",
    "€",
    "£",
];

/// What separates several interface words on one line: `Share · Tweet`.
pub(super) const SEPARATORS: &[&str] = &[" · ", " | ", " • ", " / ", " – "];

/// Names of a site's policies.
const POLICIES: &[&str] = &[
    "privacy policy",
    "terms of use",
    "terms of service",
    "privacy notice",
];

/// The word lists the rules ask about, found in one pass by [`super::vocabulary::marks`].
pub(super) const LISTS: &[List] = &[
    List::phrases(APPEAL_WORDS, Marks::APPEAL),
    List::phrases(APPEAL_BLOCK_WORDS, Marks::APPEAL_BLOCK),
    List::phrases(NEWSLETTER_WORDS, Marks::NEWSLETTER),
    List::phrases(STRONG_WORDS, Marks::STRONG),
    List::phrases(ACTION_WORDS, Marks::ACTION),
    List::phrases(SEPARATORS, Marks::SEPARATOR),
    List::phrases(RESEARCH_PHRASES, Marks::RESEARCH),
    List::phrases(
        &[":", "we ", "our ", "study", "paper"],
        Marks::RESEARCH_HINT,
    ),
    List::phrases(POLICIES, Marks::POLICY),
    List::phrases(
        &["agree", "accept", "by using", "read our"],
        Marks::AGREEMENT,
    ),
    List::phrases(
        &["unsubscribe", "respect your privacy"],
        Marks::PRIVACY_NOTE,
    ),
    List::phrases(&["cookie"], Marks::COOKIE),
    List::phrases(&["consent"], Marks::CONSENT),
    List::phrases(&["preview"], Marks::PREVIEW),
    List::words(REPORTING, Marks::REPORTING),
    List::words(ADDRESS, Marks::ADDRESS),
];

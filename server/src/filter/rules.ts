// Every scored rule the built-in checks can fire, with its default score and
// meaning: one table, so docs/filtering.md, the header and the admin API all
// say the same. `filter.scores` overrides any score (0 switches a rule off).
// Scores follow SpamAssassin's scale (5 = spam) and its well-known rules where
// one exists (GTUBE, BAYES_*, RDNS_NONE, MISSING_MID …), re-weighed for a
// server without network-test rules by default.
import type { RuleHit } from './pipeline-types.ts';

export interface RuleSpec { score: number; description: string }

export const RULES = {
  // Mail authentication (mail-auth/inbound.ts results).
  SPF_PASS: { score: -0.1, description: 'SPF pass for the envelope sender (RFC 7208)' },
  SPF_FAIL: { score: 2.0, description: 'SPF fail: the client may not send for the envelope domain' },
  SPF_SOFTFAIL: { score: 0.8, description: 'SPF softfail (~all)' },
  SPF_PERMERROR: { score: 0.5, description: 'The sender domain publishes a broken SPF record' },
  DKIM_VALID: { score: -0.1, description: 'At least one valid DKIM signature (RFC 6376)' },
  DKIM_VALID_AU: { score: -0.5, description: 'Valid DKIM signature of the author (From) domain' },
  DKIM_INVALID: { score: 1.0, description: 'A DKIM signature that does not verify' },
  DMARC_PASS: { score: -0.5, description: 'DMARC pass (RFC 7489)' },
  DMARC_FAIL_NONE: { score: 1.0, description: 'DMARC fail, sender policy p=none' },
  DMARC_FAIL_QUARANTINE: { score: 3.0, description: 'DMARC fail, sender policy p=quarantine' },
  DMARC_FAIL_REJECT: { score: 5.0, description: 'DMARC fail, sender policy p=reject (rejected unless mailAuth.dmarcPolicy relaxes it)' },
  ARC_PASS: { score: -0.2, description: 'A valid ARC chain (RFC 8617)' },
  ARC_FAIL: { score: 0.5, description: 'A broken ARC chain' },
  // Connection.
  DNSBL_LISTED: { score: 4.0, description: 'Client IP listed in a DNS blocklist (filter.dnsbl.zones) with action junk' },
  RDNS_NONE: { score: 1.0, description: 'The client IP has no reverse DNS name' },
  RDNS_DYNAMIC: { score: 1.0, description: 'The reverse name looks like a dynamic/residential pool' },
  HELO_INVALID: { score: 1.5, description: 'HELO/EHLO argument is not a domain or address literal' },
  HELO_BARE_IP: { score: 1.0, description: 'HELO is a bare IP address instead of a literal [192.0.2.1]' },
  HELO_NO_DOT: { score: 1.0, description: 'HELO is a single label (no dot)' },
  HELO_IS_OURS: { score: 3.0, description: 'HELO claims to be this server or one of its domains' },
  HELO_LITERAL_MISMATCH: { score: 1.5, description: 'HELO address literal differs from the client IP' },
  // Headers.
  MISSING_FROM: { score: 2.0, description: 'No From: field (RFC 5322 §3.6)' },
  HEADER_DUPLICATE: { score: 1.5, description: 'A field that may appear once (From, To, Subject, Date, Message-ID, MIME-Version, Content-Type) appears twice (RFC 5322 §3.6, RFC 2045)' },
  FORGED_MUA_OUTLOOK: { score: 2.0, description: 'X-Mailer claims Outlook Express or Outlook 98–2002, whose Message-IDs look otherwise (SpamAssassin FORGED_MUA_OUTLOOK)' },
  FORGED_MUA_CHARSET: { score: 2.0, description: 'X-Mailer/User-Agent names a desktop or phone mail program (Outlook, Thunderbird, Apple Mail …), but a text part or an RFC 2047 encoded word is in UTF-16 or UTF-32, which none of them writes (RFC 2046 §4.1.1 wants text line breaks as CR LF octets); as SpamAssassin\'s FORGED_MUA_THEBAT_CS' },
  MISSING_MIMEOLE: { score: 0.5, description: 'X-MSMail-Priority without X-MimeOLE: Outlook\'s fields, half imitated' },
  INVALID_DATE: { score: 1.0, description: 'Date: is not an RFC 5322 §3.3 date (no time zone, garbage)' },
  HEADER_8BIT_RAW: { score: 0.5, description: 'Raw 8-bit bytes that are not UTF-8 in From or Subject (RFC 6532 §3.2 allows UTF-8 only; others must be encoded, RFC 2047)' },
  MISSING_DATE: { score: 1.0, description: 'No Date: field (RFC 5322 §3.6)' },
  MISSING_MID: { score: 0.5, description: 'No Message-ID: field (RFC 5322 §3.6.4)' },
  MID_FORGED_OURS: { score: 2.5, description: 'Message-ID claims one of our domains on mail from outside' },
  MID_FORGED_FROM: { score: 0.5, description: 'Message-ID domain unrelated to From/envelope domain, and of a big free-mail provider' },
  MID_INVALID: { score: 1.0, description: 'Message-ID is not <id-left@id-right> (RFC 5322 §3.6.4)' },
  MID_NO_FQDN: { score: 0.8, description: 'Message-ID right side is a bare word, not a domain (mail software uses its host name)' },
  MID_DATE_MISMATCH: { score: 1.0, description: 'Message-ID carries a time stamp (YYYYMMDDhhmmss) months away from the Date: field: a copied or forged Message-ID' },
  RETURN_PATH_EMPTY_NOT_BOUNCE: { score: 1.0, description: 'Null envelope sender on a message that is no delivery or read report' },
  RETURN_PATH_MISMATCH: { score: 0.3, description: 'Envelope sender domain unrelated to the From: domain' },
  FROM_OURS_UNAUTH: { score: 3.0, description: 'From: one of our domains, from outside, without a DMARC pass' },
  TOO_MANY_RECEIVED: { score: 2.0, description: 'More Received: hops than filter.maxReceived' },
  DATE_IN_FUTURE: { score: 1.5, description: 'Date: more than 12 hours in the future' },
  FROM_DISPLAY_ADDRESS_MISMATCH: { score: 1.5, description: 'The From: display name is an address of another domain' },
  SUBJECT_ALL_CAPS: { score: 0.8, description: 'Subject mostly in capitals' },
  SUBJECT_EXCLAIM: { score: 0.5, description: 'Subject ending in "!" or with "!!"' },
  FROM_LOCAL_DIGITS: { score: 1.0, description: 'From: a free-mail address whose local part has five digits or more (generated sender)' },
  FROM_ABUSED_TLD: { score: 1.0, description: 'From: a domain under a top-level domain mostly used for spam (.cam, .top, .xyz …)' },
  FREEMAIL_FORGED_REPLYTO: { score: 1.2, description: 'Reply-To: a free-mail address (gmail.com, qq.com …) on mail From: a domain that is no free-mail provider (SpamAssassin FREEMAIL_FORGED_REPLYTO); adds to REPLY_TO_OTHER_DOMAIN' },
  FROM_NAME_SPOOFS_RECIPIENT: { score: 2.0, description: 'The From: display name is the recipient\'s own address, the sender another one ("you@example.com" <x@elsewhere>: extortion and fake-account mail; SpamAssassin\'s FromNameSpoof plugin)' },
  RCPT_SAME_USER_MANY_DOMAINS: { score: 1.0, description: 'To:/Cc: list one local part at three or more domains (webmaster@a, webmaster@b, webmaster@c): addresses made from a list of web sites' },
  REPLY_TO_OTHER_DOMAIN: { score: 0.8, description: 'Reply-To: an unrelated domain, on a message that is no list traffic' },
  RCPT_MANY_DOMAINS: { score: 1.2, description: 'To:/Cc: list three or more addresses of three or more domains (a harvested list)' },
  SUBJECT_MONEY: { score: 1.0, description: 'Subject about money, prizes or offers' },
  MIME_HTML_ONLY: { score: 0.7, description: 'HTML without any text/plain part, alone or inside a multipart (SpamAssassin MIME_HTML_ONLY)' },
  MIME_MALFORMED: { score: 0.5, description: 'MIME structure the filter had to repair to read it: no empty line after the header (RFC 5322 §2.1), a boundary that never appears or not the declared one (RFC 2046 §5.1.1)' },
  MIME_BAD_CONTENT_TYPE: { score: 1.0, description: 'A Content-Type, in the header or a body part, that is not type/subtype (RFC 2045 §5.1)' },
  TO_UNDISCLOSED: { score: 0.5, description: 'No To:/Cc: or "undisclosed recipients"' },
  REPLYTO_WITHOUT_TO_CC: { score: 1.0, description: 'A Reply-To: on a message without any To: or Cc: field: the answers are wanted, the addressees hidden (SpamAssassin REPLYTO_WITHOUT_TO_CC, 0.6–2.4 there)' },
  BULK_NO_LIST_HEADERS: { score: 0.3, description: 'Advertising language without List-Unsubscribe (RFC 2369, RFC 8058)' },
  BULK_NO_MID: { score: 1.0, description: 'Meta rule: no Message-ID from the sender (MISSING_MID, MID_ADDED_BY_RELAY) on mail with bulk signs (advertising, money, pharmacy, software, adult or marketing language, a fraud\'s script, disguised words, a harvested recipient list)' },
  LIST_HEADERS: { score: -0.5, description: 'Mailing-list fields (List-Id, RFC 2919) and a list manager' },
  // The Received: trace (checks/trace-checks.ts).
  RCVD_NO_RDNS: { score: 0.8, description: 'The newest relay outside our side of the trace had no reverse DNS name (SpamAssassin RDNS_NONE, at its weight with network tests and Bayes on; 1.2–2.4 without)' },
  RCVD_DYNAMIC: { score: 1.0, description: 'The newest relay outside our side of the trace is a dynamic or residential address (SpamAssassin RDNS_DYNAMIC, HELO_DYNAMIC_*)' },
  RCVD_HELO_NO_DOT: { score: 0.5, description: 'A relay in the trace gave a single word as its HELO name, not a domain (RFC 5321 §4.1.1.1)' },
  RCVD_NUMERIC_HELO: { score: 0.5, description: 'A relay in the trace gave a bare IP address as its HELO name (RFC 5321 §4.1.1.1)' },
  RCVD_FORGED_HELO: { score: 1.5, description: 'A relay in the trace called itself a big mail provider (HELO yahoo.com …) without being one of its servers' },
  MUA_DIRECT_TO_MX: { score: 2.0, description: 'A desktop or phone mail program\'s message that never passed a submission server: no authenticated hop (RFC 6409, RFC 3848), and the first client of the trace — or the connecting client, when the message carries no trace — a public address without a reverse name (SpamAssassin DOS_OE_TO_MX, rspamd DIRECT_TO_MX)' },
  DATE_RECEIVED_FUTURE: { score: 1.0, description: 'Date: more than 3 hours after the message was received (trace time stamp)' },
  MID_ADDED_BY_RELAY: { score: 0.5, description: 'The Message-ID is a relay\'s queue id: the message came without one (RFC 5322 §3.6.4)' },
  // Content.
  GTUBE: { score: 1000, description: 'The Generic Test for Unsolicited Bulk Email string' },
  CONTENT_ADVERT: { score: 1.2, description: 'Advertising and opt-out language ("click here", "remove me", "unsubscribe here")' },
  CONTENT_MONEY: { score: 1.5, description: 'Money, prizes and credit ("$ millions", "you have won", "no credit check")' },
  CONTENT_PHARMA: { score: 2.5, description: 'Pharmacy spam words (viagra, cialis, herbal …)' },
  CONTENT_URGENCY: { score: 0.8, description: 'Urgency ("act now", "limited time", "order today")' },
  CONTENT_PHISH: { score: 2.0, description: 'Account-verification phishing language ("verify your account", "suspended")' },
  CONTENT_SHOUTING: { score: 0.8, description: 'Much of the text in capitals' },
  CONTENT_EXCLAIM: { score: 0.5, description: 'Many exclamation marks' },
  CONTENT_ADULT: { score: 2.0, description: 'Adult-content spam words' },
  CONTENT_MARKETING: { score: 1.5, description: 'Search-engine and traffic marketing ("increase your web site traffic", "link exchange")' },
  CONTENT_ADVANCE_FEE: { score: 2.0, description: 'Advance-fee and lottery fraud: two or more of its phrases ("winning numbers", "release of your fund", "next of kin", "US$1,000,000")' },
  CONTENT_ROMANCE: { score: 2.0, description: 'Romance and dating scams: two or more of their phrases ("seeking a serious relationship", "got your email from", "send you my pictures")' },
  CONTENT_SCAM_MANY: { score: 1.5, description: 'Four or more different phrases of one fraud family (advance-fee, romance, phishing), as SpamAssassin\'s ADVANCE_FEE_4_NEW: ordinary mail may use one or two of them, a scam\'s script uses them all' },
  CONTENT_SOFTWARE: { score: 1.5, description: 'Pirated or "OEM" software for sale ("cheap software", "OEM version", a product name next to a price)' },
  CONTENT_OBFUSCATED: { score: 2.0, description: 'Two or more spam words disguised from word filters ("v1agra", "dizcount", "purrchaze", "L i m i t e d", "Pri ce")' },
  FORM_PERSONAL_DATA: { score: 1.5, description: 'A form asking for four kinds of personal data, one of them sensitive (birth date, marital status, occupation, bank account)' },
  CONTENT_SPAMMY_MIX: { score: 1.0, description: 'Three or more of the content phrase families at once' },
  CONTENT_PRICES: { score: 0.8, description: 'Several prices or discounts ("$29.99", "50% off")' },
  TEXT_SCRIPT_UNEXPECTED: { score: 0.5, description: 'The text is mostly in a writing system the users do not read (filter.expectedScripts; off when empty)' },
  TEXT_HTML_TAGS: { score: 0.8, description: 'HTML tags inside a text/plain body' },
  HTML_LINK_MISMATCH: { score: 1.5, description: 'A link whose text shows one domain and whose target is another' },
  HTML_HIDDEN_TEXT: { score: 1.0, description: 'Twenty or more characters of HTML text a reader cannot see: type of 3px/2pt or less, or in the colour of its background' },
  MPART_ALT_DIFF: { score: 1.0, description: 'The text and HTML alternatives say different things: under a fifth of the HTML\'s words are in the text part (RFC 2046 §5.1.4)' },
  SUBJECT_EMPTY_HTML: { score: 0.5, description: 'An HTML message without a subject' },
  HTML_TITLE_SUBJ_DIFF: { score: 0.5, description: 'The HTML page title shares no word with the Subject (a reused spam template)' },
  HTML_SHORT_IMAGE: { score: 1.0, description: 'HTML that is mostly an image with little text' },
  URI_IP_HOST: { score: 1.5, description: 'A link to a bare IP address' },
  URI_SHORTENER: { score: 0.5, description: 'A link through a URL shortener' },
  URI_ABUSED_TLD: { score: 1.0, description: 'A link to a domain under a top-level domain mostly used for spam' },
  URI_PHISH_PATH: { score: 2.5, description: 'A link to a log-in or verification script on a hacked web site (wp-content/…/signin.php)' },
  HTML_SHORT_LINK: { score: 1.0, description: 'An HTML message that is little more than a link' },
  URIBL_LISTED: { score: 4.0, description: 'A linked domain is listed in a URI blocklist (filter.uribl.zones)' },
  // Classifier.
  BAYES_00: { score: -2.0, description: 'Classifier: spam probability below 1%' },
  BAYES_05: { score: -0.5, description: 'Classifier: spam probability 1–5%' },
  BAYES_50: { score: 0.0, description: 'Classifier: undecided (20–80%)' },
  BAYES_80: { score: 2.0, description: 'Classifier: spam probability 80–95%' },
  BAYES_95: { score: 3.5, description: 'Classifier: spam probability 95–99%' },
  BAYES_99: { score: 5.0, description: 'Classifier: spam probability above 99%' },
  // External scorers: their own score is added as is.
  RSPAMD: { score: 0, description: 'rspamd\'s score, added as reported (filter.rspamd)' },
  SPAMD: { score: 0, description: 'SpamAssassin spamd\'s score, added as reported (filter.spamd)' },
  // Attachments (a hard decision by default; scored when filter.attachments.action is "score").
  ATTACH_EXECUTABLE: { score: 5.0, description: 'An executable or script attachment (.exe, .js, .vbs …), also inside ZIP' },
  ATTACH_MACRO: { score: 3.0, description: 'A macro-enabled Office document (.docm, .xlsm, vbaProject.bin inside)' },
  ATTACH_ENCRYPTED_ARCHIVE: { score: 2.0, description: 'An encrypted ZIP archive (cannot be inspected)' },
  ATTACH_ARCHIVE_BOMB: { score: 3.0, description: 'A ZIP archive over the inspection limits (entries, size, ratio, nesting, overlapping entries) or too damaged to inspect' },
  ATTACH_DOUBLE_EXTENSION: { score: 2.0, description: 'A file name hiding its type (invoice.pdf.exe, many spaces before the extension)' },
} as const satisfies Record<string, RuleSpec>;

export type RuleName = keyof typeof RULES;

/** Scores after `filter.scores` overrides. */
export type ScoreTable = Readonly<Record<string, number>>;

export function scoreTable(overrides: Readonly<Record<string, number>>): ScoreTable {
  const table: Record<string, number> = {};
  for (const [name, spec] of Object.entries(RULES)) table[name] = spec.score;
  return { ...table, ...overrides };
}

/** A hit of a built-in rule with its configured score; null when the rule is switched off (score 0 and not informational). */
export function hit(scores: ScoreTable, rule: RuleName, detail?: string, score?: number): RuleHit {
  return { rule, score: score ?? scores[rule] ?? 0, ...(detail ? { detail } : {}) };
}

// Header rules about the software that wrote the message ("ratware", in
// SpamAssassin's words): mail that claims to come from a well-known mail
// program but lacks what that program always writes or has what it never
// writes, dates that are not RFC 5322 dates, and raw 8-bit bytes in header
// fields that are not UTF-8. Real mail programs get these right; spamware
// imitating them often does not.
import { walkParts } from '../../mail/mime/part-walk.ts';
import type { MessageView } from '../message-view.ts';
import { desktopMailer } from './mail-programs.ts';
import { hit, type ScoreTable } from '../rules.ts';
import type { RuleHit } from '../pipeline-types.ts';

/** Outlook Express 4–6 and Outlook 98–2002 (the versions with their own Message-ID format). */
const OUTLOOK_MUA = /^(?:Microsoft Outlook Express [456]\.|Microsoft Outlook(?: 8| CWS, Build 9|, Build 10)\.)/;
/**
 * The Message-IDs those programs write: hex groups joined by "$"
 * (<001a01c2ab8e$8ad4ba80$0200a8c0@host>), or 32 hex digits (Windows Vista's
 * and XP SP3's mail API).
 */
const OUTLOOK_MID = /^<(?:(?:[0-9a-f]{8}|[0-9a-f]{12})\$[0-9a-f]{8}\$[0-9a-f]{8}|[0-9A-F]{32})@[^<>\s]+>$/;

/**
 * RFC 5322 §3.3 date-time, read as leniently as SpamAssassin's INVALID_DATE:
 * day name optional, two- or four-digit year (§4.3), seconds optional, a
 * numeric zone or a zone name (obs-zone, and the CET/CEST kind mail
 * programs write anyway), an optional comment. A date without a zone is not
 * one: the reader cannot know when it was written.
 */
const DATE = /^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*,?\s*)?\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[a-z]{1,5})\s*$/i;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Unicode forms whose code units are wider than an octet (UTF-16, UTF-32,
 * UCS-2/4, and Windows' own names for UTF-16). RFC 2046 §4.1.1 wants the
 * line breaks of text as the octets CR LF, which these cannot give; mail
 * programs write UTF-8 (or a legacy charset) instead, and spamware picks
 * UTF-16 to hide its words from filters that read octets.
 */
const WIDE_CHARSET = /^(?:utf-?(?:16|32)(?:[lb]e)?|ucs-?[24]|iso-10646-ucs-2|unicode(?:fffe)?|csunicode)$/i;
/** RFC 2047 §2 encoded-word, with RFC 2231 §5's optional *language: its charset. */
const ENCODED_WORD_CHARSET = /=\?([^?*\s]{1,40})(?:\*[^?\s]*)?\?[bq]\?/gi;
/** Header fields and MIME parts looked at: enough for any real message. */
const MAX_FIELDS = 200;
const MAX_PARTS = 100;

/** Where the message uses a wide Unicode form ("Subject: utf-16", "text/html part: utf-16"), or null. */
export function wideCharsetUse(m: MessageView): string | null {
  for (const f of m.fields().slice(0, MAX_FIELDS)) {
    for (const word of f.value.toString('latin1').matchAll(ENCODED_WORD_CHARSET)) {
      if (WIDE_CHARSET.test(word[1])) return `${f.name}: ${word[1].toLowerCase()}`;
    }
  }
  const root = m.root();
  if (root === null) return null;
  let parts = 0;
  for (const { part } of walkParts(root)) {
    if (++parts > MAX_PARTS) break;
    const charset = part.contentType.params.charset;
    if (part.contentType.type === 'text' && charset !== undefined && WIDE_CHARSET.test(charset.trim())) {
      return `${part.contentType.type}/${part.contentType.subtype} part: ${charset.trim().toLowerCase()}`;
    }
  }
  return null;
}

function validUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function ratwareHits(m: MessageView, s: ScoreTable): RuleHit[] {
  const hits: RuleHit[] = [];
  const list = m.header('list-id') !== null;
  const mailer = m.header('x-mailer') ?? '';
  const mid = m.header('message-id')?.trim() ?? '';
  // SpamAssassin's FORGED_MUA_OUTLOOK: list servers rewrite Message-IDs, so list mail is left alone.
  if (OUTLOOK_MUA.test(mailer) && mid !== '' && !OUTLOOK_MID.test(mid) && !list) hits.push(hit(s, 'FORGED_MUA_OUTLOOK', `${mailer.slice(0, 40)} with ${mid.slice(0, 50)}`));
  // SpamAssassin's FORGED_MUA_THEBAT_CS idea: the program named never writes this charset.
  const program = desktopMailer(m);
  const wide = program === null ? null : wideCharsetUse(m);
  if (wide !== null) hits.push(hit(s, 'FORGED_MUA_CHARSET', `${program} does not write ${wide}`));
  // Outlook Express and Outlook write X-MSMail-Priority and X-MimeOLE together (SpamAssassin's MISSING_MIMEOLE).
  if (m.header('x-msmail-priority') !== null && m.header('x-mimeole') === null && m.header('dkim-signature') === null && !list) hits.push(hit(s, 'MISSING_MIMEOLE'));
  const date = m.header('date');
  // RFC 5322 §3.2.2: comments may stand anywhere ("00:19:00 (EDT) -0400").
  if (date !== null && !DATE.test(date.replace(/\([^()]*\)/g, ' '))) hits.push(hit(s, 'INVALID_DATE', date.slice(0, 60)));
  // RFC 6532 §3.2 allows raw UTF-8 in header fields; any other 8-bit byte there is not text (SpamAssassin's
  // SUBJ_ILLEGAL_CHARS and FROM_ILLEGAL_CHARS). Old East Asian and Russian mail software wrote raw legacy
  // charsets there, so this stays a small score.
  for (const f of m.fields()) {
    const name = f.name.toLowerCase();
    if ((name === 'subject' || name === 'from') && f.value.some((b) => b >= 0x80) && !validUtf8(f.value)) {
      hits.push(hit(s, 'HEADER_8BIT_RAW', `${f.name}: raw 8-bit bytes that are not UTF-8`));
      break;
    }
  }
  return hits;
}

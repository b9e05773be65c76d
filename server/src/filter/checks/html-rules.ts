// HTML rules: text a reader cannot see (tiny type, or type in the colour of
// what is behind it — SpamAssassin's TINY_FONT and HTML_FONT_LOW_CONTRAST
// ideas), a text alternative that says something else than the HTML
// (MPART_ALT_DIFF), and links whose text shows another site. Hidden text is
// how spam carries words for the classifier ("hash busters") while the
// reader sees the advertisement.
//
// One forward scan over the tags with a bounded stack of inherited colours:
// no HTML parser, no backtracking regular expression. Text under
// display:none (or visibility:hidden, opacity:0) is not counted either way:
// newsletters and calendar invitations hide their preview line like that,
// often in white 1px type as well, and Outlook its style sheets — it says
// nothing about spam. Hash-busters are text that clients do display.
import { urlHost } from '../message-view.ts';

export type Rgb = readonly [number, number, number];

/** Non-blank characters of hidden text before a message counts as hiding text. */
const MIN_HIDDEN_CHARS = 20;
/** Colours this close (largest channel difference, 0–255) cannot be told apart on a screen. */
const SAME_COLOUR = 24;
const MAX_STACK = 256;
const VOID = new Set(['br', 'img', 'hr', 'meta', 'input', 'link', 'area', 'base', 'col', 'wbr', 'source', 'param', 'embed', 'track']);
const NAMED: Record<string, Rgb> = {
  white: [255, 255, 255], black: [0, 0, 0], red: [255, 0, 0], green: [0, 128, 0], blue: [0, 0, 255], yellow: [255, 255, 0],
  gray: [128, 128, 128], grey: [128, 128, 128], silver: [192, 192, 192], navy: [0, 0, 128], maroon: [128, 0, 0],
  whitesmoke: [245, 245, 245], snow: [255, 250, 250], ivory: [255, 255, 240], ghostwhite: [248, 248, 255],
};
const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

/** A CSS or HTML colour value: #rgb, #rrggbb, rrggbb (old HTML), rgb(r, g, b), a few names; null when unknown. */
export function parseColour(value: string): Rgb | null {
  const v = value.trim().toLowerCase().replace(/\s*!important$/, '');
  const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/.exec(v);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/(.)/g, '$1$1') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]+\s*)?\)$/.exec(v);
  if (rgb) return [Math.min(255, +rgb[1]), Math.min(255, +rgb[2]), Math.min(255, +rgb[3])];
  return NAMED[v] ?? null;
}

function close(a: Rgb, b: Rgb): boolean {
  return Math.abs(a[0] - b[0]) <= SAME_COLOUR && Math.abs(a[1] - b[1]) <= SAME_COLOUR && Math.abs(a[2] - b[2]) <= SAME_COLOUR;
}

/** Font sizes nobody reads: up to 3px, 2pt, 0.2em or 20 %. */
function tinySize(value: string): boolean {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(px|pt|em|rem|%)?/.exec(value.trim().toLowerCase());
  if (!m) return false;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'pt': return n <= 2;
    case 'em': case 'rem': return n <= 0.2;
    case '%': return n <= 20;
    default: return n <= 3;
  }
}

interface Style {
  colour: Rgb | null;
  background: Rgb | null;
  tiny: boolean;
  /** Hidden by design (display:none, visibility:hidden, opacity:0): a newsletter's preview line, not text shown small or pale. */
  removed: boolean;
}

const REMOVED = /^(?:display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0*)?|mso-hide\s*:\s*all)$/i;

const ATTRIBUTES = Object.fromEntries(['style', 'color', 'bgcolor', 'background', 'text'].map((name) => [
  name, new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i'),
])) as Record<'style' | 'color' | 'bgcolor' | 'background' | 'text', RegExp>;

function attribute(attrs: string, name: keyof typeof ATTRIBUTES): string | null {
  const m = ATTRIBUTES[name].exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
}

function cssValue(style: string, property: RegExp): string | null {
  let found: string | null = null;
  for (const decl of style.split(';')) {
    const colon = decl.indexOf(':');
    if (colon > 0 && property.test(decl.slice(0, colon).trim().toLowerCase())) found = decl.slice(colon + 1);
  }
  return found;
}

/** The style an element gives its content, inheriting what it does not set (<body text=…> sets the page's colour). */
function styleOf(attrs: string, parent: Style, body: boolean): Style {
  const css = attribute(attrs, 'style') ?? '';
  const colourText = cssValue(css, /^color$/) ?? attribute(attrs, body ? 'text' : 'color');
  const backgroundText = cssValue(css, /^background(?:-color)?$/) ?? attribute(attrs, 'bgcolor');
  const image = attribute(attrs, 'background') !== null || /url\(/i.test(cssValue(css, /^background(?:-image)?$/) ?? '');
  const sizeText = cssValue(css, /^font-size$/);
  return {
    colour: colourText === null ? parent.colour : parseColour(colourText),
    // A background image may be any colour: contrast is then unknown.
    background: image ? null : backgroundText === null ? parent.background : parseColour(backgroundText.split(/\s+/)[0] ?? ''),
    tiny: sizeText === null ? parent.tiny : tinySize(sizeText),
    removed: parent.removed || css.split(';').some((decl) => REMOVED.test(decl.trim())),
  };
}

/** Elements whose content nobody sees as text. */
const SKIP = new Set(['head', 'style', 'script', 'title', 'template', 'noscript']);
const TAG = /\/?([a-zA-Z][a-zA-Z0-9]*)/y;

/**
 * Non-blank characters of text styled invisible (tiny, or in its
 * background's colour), and a sample of it. A forward scan with indexOf,
 * like html-text.ts: hostile markup (unclosed tags and comments) stays linear.
 */
export function hiddenText(html: string): { chars: number; sample: string } {
  const lower = html.toLowerCase();
  const page: Style = { colour: BLACK, background: WHITE, tiny: false, removed: false };
  const stack: Array<{ name: string; style: Style }> = [];
  const current = (): Style => stack[stack.length - 1]?.style ?? page;
  let chars = 0;
  let sample = '';
  const text = (segment: string): void => {
    const visible = segment.replace(/&nbsp;|\s+/g, '');
    if (visible === '') return;
    const s = current();
    if (s.removed) return;
    if (s.tiny || (s.colour !== null && s.background !== null && close(s.colour, s.background))) {
      chars += visible.length;
      if (sample.length < 60) sample += `${segment.trim().slice(0, 60 - sample.length)} `;
    }
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text(html.slice(i));
      break;
    }
    text(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt < 0) break;
    i = gt + 1;
    TAG.lastIndex = lt + 1;
    const m = TAG.exec(html);
    if (m === null) continue;
    const name = m[1].toLowerCase();
    const attrs = html.slice(TAG.lastIndex, gt);
    if (m[0].startsWith('/')) {
      for (let k = stack.length - 1; k >= 0; k--) {
        if (stack[k].name === name) {
          stack.length = k;
          break;
        }
      }
    } else if (SKIP.has(name)) {
      const end = lower.indexOf(`</${name}`, i);
      if (end < 0 && name !== 'head') break;
      if (end >= 0) {
        const endGt = html.indexOf('>', end);
        i = endGt < 0 ? html.length : endGt + 1;
      }
    } else if (!VOID.has(name) && !attrs.endsWith('/') && stack.length < MAX_STACK) {
      stack.push({ name, style: styleOf(attrs, current(), name === 'body') });
    }
  }
  return { chars, sample: sample.trim() };
}

export function hidesText(html: string): string | null {
  const h = hiddenText(html);
  return h.chars >= MIN_HIDDEN_CHARS ? `${h.chars} characters, "${h.sample}"` : null;
}

const WORDS = /[\p{L}]{3,}/gu;
/** Enough of a text to compare its vocabulary with another. */
const COMPARED_CHARS = 32 * 1024;

/**
 * Whether the text and HTML alternatives of a message say different things
 * (RFC 2046 §5.1.4: alternatives carry the same content): the HTML has at
 * least 20 distinct words and fewer than a fifth of them are in the text
 * part — "This message must be viewed in HTML" over an advertisement. An
 * empty text part (under three words) is sloppiness of report generators,
 * not a different message, and is not judged.
 */
export function alternativesDiffer(plain: string, htmlText: string): string | null {
  const words = (t: string): Set<string> => new Set([...t.slice(0, COMPARED_CHARS).toLowerCase().matchAll(WORDS)].map((m) => m[0]));
  const inHtml = words(htmlText);
  if (inHtml.size < 20) return null;
  const inPlain = words(plain);
  if (inPlain.size < 3) return null;
  let shared = 0;
  for (const w of inHtml) if (inPlain.has(w)) shared++;
  return shared / inHtml.size < 0.2 ? `${shared} of ${inHtml.size} words of the HTML are in the text part` : null;
}

/** <a href="https://evil.example/">https://bank.example/</a>: the text shows one site, the link goes to another. */
export function linkMismatch(html: string): string | null {
  for (const m of html.matchAll(/<a\b[^>]*href\s*=\s*["']?(https?:\/\/[^"'\s>]+)[^>]*>([^<]{4,200})<\/a>/gi)) {
    const label = m[2].trim();
    const shown = /(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})/i.exec(label);
    const target = urlHost(m[1]);
    if (shown && target && /^(?:https?:\/\/|www\.)/i.test(label) && !target.endsWith(shown[1].toLowerCase().replace(/^www\./, ''))) {
      return `${shown[1]} → ${target}`;
    }
  }
  return null;
}

/** Page titles that say nothing: editors' placeholders. */
const PLACEHOLDER_TITLE = /^(?:untitled|new page|document|untitled document|no title|title|email|e-mail|newsletter|html|index)(?:[\s_-]*\d*)?$/i;

/**
 * Whether the HTML page title is about something else than the Subject:
 * spam reuses page templates across campaigns (SpamAssassin's
 * HTML_TITLE_SUBJ_DIFF). A title of two or more words that shares no word
 * of three letters or more with the subject; placeholders do not count.
 */
export function titleDiffers(html: string, subject: string): string | null {
  const m = /<title[^>]{0,200}>([^<]{1,300})<\/title/i.exec(html);
  if (!m) return null;
  const title = m[1].replace(/&[a-z]+;|&#\d+;/gi, ' ').replace(/\s+/g, ' ').trim();
  if (PLACEHOLDER_TITLE.test(title)) return null;
  const words = (t: string): string[] => [...t.toLowerCase().matchAll(WORDS)].map((x) => x[0]);
  const inTitle = words(title);
  if (inTitle.length < 2 || subject.trim() === '') return null;
  const inSubject = new Set(words(subject));
  return inTitle.some((w) => inSubject.has(w)) ? null : `"${title.slice(0, 60)}"`;
}

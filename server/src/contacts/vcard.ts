// vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) as CardDAV stores and serves them
// (RFC 6352). Content lines are read here (unfolding, groups, parameters);
// a card is checked by vcard4-ts on its 4.0 form; conversion between the
// two versions covers what clients actually send: VERSION, PREF/TYPE=pref,
// inline photos (ENCODING=b vs data: URIs), KIND/MEMBER vs Apple's
// X-ADDRESSBOOKSERVER-KIND/-MEMBER.
import { parseVCards } from 'vcard4-ts';
import { StoaError } from '../errors/catalogue.ts';

export interface ContentLine {
  group: string | null;
  /** Upper case. */
  name: string;
  /** Parameter names upper case; values as sent (quotes removed). */
  params: [string, string[]][];
  value: string;
}

export interface VCardLimits { maxBytes: number; maxLines: number }

function invalid(detail: string): StoaError {
  return new StoaError('STOA_DAV_INVALID_DATA', detail);
}

function splitParams(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** RFC 6350 §3.2 unfolding and §3.3 content lines; throws on broken folding or lines without a colon. */
export function readLines(text: string, limits: VCardLimits): ContentLine[] {
  const raw = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const unfolded: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i];
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (unfolded.length === 0) throw invalid(`line ${i + 1} continues a line that does not exist`);
      unfolded[unfolded.length - 1] += line.slice(1);
    } else unfolded.push(line);
    if (unfolded.length > limits.maxLines) throw invalid(`more than ${limits.maxLines} lines`);
  }
  return unfolded.map((line, i) => {
    // The colon that ends the name and parameters is the first one outside quotes.
    let quoted = false;
    let colon = -1;
    for (let k = 0; k < line.length; k++) {
      if (line[k] === '"') quoted = !quoted;
      else if (line[k] === ':' && !quoted) {
        colon = k;
        break;
      }
    }
    if (colon < 0) throw invalid(`line ${i + 1} has no ":" (broken line folding?): "${line.slice(0, 40)}"`);
    const [head, ...paramParts] = splitParams(line.slice(0, colon));
    const m = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$/.exec(head);
    if (!m) throw invalid(`line ${i + 1}: bad property name "${head.slice(0, 40)}"`);
    const params: [string, string[]][] = paramParts.map((p) => {
      const eq = p.indexOf('=');
      // vCard 3.0 allows bare parameter values ("TEL;HOME:…"): they are TYPEs.
      if (eq < 0) return ['TYPE', [p]];
      return [p.slice(0, eq).toUpperCase(), p.slice(eq + 1).split(',').map((v) => v.replace(/^"|"$/g, ''))];
    });
    return { group: m[1] ?? null, name: m[2].toUpperCase(), params, value: line.slice(colon + 1) };
  });
}

function foldLine(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const out: string[] = [];
  let cur = '';
  for (const ch of line) {
    if (Buffer.byteLength(cur + ch) > (out.length === 0 ? 75 : 74)) {
      out.push(cur);
      cur = '';
    }
    cur += ch;
  }
  out.push(cur);
  return out.join('\r\n ');
}

export function writeLines(lines: readonly ContentLine[]): string {
  return lines.map((l) => {
    const params = l.params.map(([k, vs]) => `;${k}=${vs.map((v) => (/[;:,]/.test(v) ? `"${v}"` : v)).join(',')}`).join('');
    return foldLine(`${l.group ? `${l.group}.` : ''}${l.name}${params}:${l.value}`);
  }).join('\r\n') + '\r\n';
}

export interface VCard {
  version: '3.0' | '4.0';
  uid: string;
  lines: ContentLine[];
}

/** One vCard, checked: BEGIN/END, VERSION 3.0 or 4.0, UID (RFC 6352 §5.1), valid as vCard 4.0. */
export function parseVCard(text: string, limits: VCardLimits): VCard {
  if (Buffer.byteLength(text) > limits.maxBytes) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${limits.maxBytes} bytes`);
  const lines = readLines(text, limits);
  if (lines[0]?.name !== 'BEGIN' || lines[0].value.toUpperCase() !== 'VCARD') throw invalid('the body does not start with BEGIN:VCARD');
  const ends = lines.filter((l) => l.name === 'END');
  if (lines[lines.length - 1]?.name !== 'END' || ends.length !== 1 || lines.filter((l) => l.name === 'BEGIN').length !== 1) {
    throw invalid('exactly one vCard (BEGIN:VCARD … END:VCARD) is expected');
  }
  const version = lines.find((l) => l.name === 'VERSION')?.value.trim();
  if (version !== '3.0' && version !== '4.0') throw invalid(`VERSION must be 3.0 or 4.0, not ${version ?? 'missing'}`);
  const uid = lines.find((l) => l.name === 'UID')?.value.trim().replace(/^urn:uuid:/i, '') ?? '';
  if (uid === '') throw invalid('the vCard has no UID');
  if (uid.length > 1000) throw invalid('UID longer than 1000 characters');
  const card: VCard = { version, uid, lines };
  const v4 = version === '4.0' ? text : convert(card, '4.0');
  const parsed = parseVCards(v4);
  if (!parsed.vCards || parsed.vCards.length !== 1) throw invalid(`not a valid vCard: ${(parsed.nags ?? []).map((n) => n.key).join(', ') || 'unreadable'}`);
  return card;
}

const PHOTO_TYPES: Record<string, string> = { JPEG: 'image/jpeg', JPG: 'image/jpeg', PNG: 'image/png', GIF: 'image/gif' };

function paramValues(l: ContentLine, name: string): string[] {
  return l.params.filter(([k]) => k === name).flatMap(([, v]) => v);
}

function to4(l: ContentLine): ContentLine | null {
  if (l.name === 'VERSION') return { ...l, value: '4.0' };
  if (l.name === 'LABEL' || l.name === 'NAME' || l.name === 'MAILER' || l.name === 'CLASS') return l;
  let params = l.params;
  const types = paramValues(l, 'TYPE');
  if (types.some((t) => t.toLowerCase() === 'pref')) {
    params = [...params.filter(([k]) => k !== 'TYPE'), ['TYPE', types.filter((t) => t.toLowerCase() !== 'pref')], ['PREF', ['1']]];
    params = params.filter(([, v]) => v.length > 0);
  }
  if (['PHOTO', 'LOGO', 'SOUND'].includes(l.name) && paramValues(l, 'ENCODING').some((e) => /^b(ase64)?$/i.test(e))) {
    const type = paramValues(l, 'TYPE')[0]?.toUpperCase() ?? 'JPEG';
    return { ...l, params: [], value: `data:${PHOTO_TYPES[type] ?? `image/${type.toLowerCase()}`};base64,${l.value}` };
  }
  if (l.name === 'X-ADDRESSBOOKSERVER-KIND') return { ...l, name: 'KIND' };
  if (l.name === 'X-ADDRESSBOOKSERVER-MEMBER') return { ...l, name: 'MEMBER' };
  return { ...l, params };
}

function to3(l: ContentLine): ContentLine | null {
  if (l.name === 'VERSION') return { ...l, value: '3.0' };
  let params = l.params.filter(([k]) => k !== 'PREF');
  if (paramValues(l, 'PREF').length > 0) params = [...params, ['TYPE', ['pref']]];
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/i.exec(l.value);
  if (['PHOTO', 'LOGO', 'SOUND'].includes(l.name) && data) {
    const type = (data[1] ?? 'image/jpeg').split('/')[1]?.toUpperCase() ?? 'JPEG';
    return { ...l, params: [['ENCODING', ['b']], ['TYPE', [type]]], value: data[3] };
  }
  if (l.name === 'KIND') return { ...l, name: 'X-ADDRESSBOOKSERVER-KIND' };
  if (l.name === 'MEMBER') return { ...l, name: 'X-ADDRESSBOOKSERVER-MEMBER' };
  return { ...l, params };
}

/** The card's text in the other version (or as it is). */
export function convert(card: VCard, version: '3.0' | '4.0'): string {
  if (card.version === version) return writeLines(card.lines);
  const map = version === '4.0' ? to4 : to3;
  const lines = card.lines.map(map).filter((l): l is ContentLine => l !== null);
  // vCard 4.0 requires FN; 3.0 also N: add what the other version may have left out.
  if (!lines.some((l) => l.name === 'FN')) lines.splice(2, 0, { group: null, name: 'FN', params: [], value: lines.find((l) => l.name === 'N')?.value.split(';').filter(Boolean).reverse().join(' ') ?? card.uid });
  if (version === '3.0' && !lines.some((l) => l.name === 'N')) lines.splice(2, 0, { group: null, name: 'N', params: [], value: ';;;;' });
  return writeLines(lines);
}

/** RFC 6352 §10.4: only the named properties (BEGIN, END, VERSION and UID stay). */
export function projectCard(text: string, props: readonly string[], limits: VCardLimits): string {
  const wanted = new Set([...props.map((p) => p.toUpperCase()), 'BEGIN', 'END', 'VERSION', 'UID']);
  return writeLines(readLines(text, limits).filter((l) => wanted.has(l.name)));
}

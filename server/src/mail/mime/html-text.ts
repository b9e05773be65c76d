// HTML → plain text for the search index: tags dropped, script/style/head
// content dropped, character references decoded (HTML Living Standard
// §13.5). A single forward scan with indexOf: no regular expression that can
// backtrack and no recursion, so hostile HTML (unclosed tags, deep nesting)
// stays linear.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '', zwnj: '', zwj: '',
  copy: '©', reg: '®', trade: '™', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', deg: '°',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bdquo: '„',
  laquo: '«', raquo: '»', bull: '•', middot: '·', times: '×', divide: '÷', para: '¶', iexcl: '¡', iquest: '¿',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß',
  aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', Aacute: 'Á', Eacute: 'É', Iacute: 'Í', Oacute: 'Ó', Uacute: 'Ú',
  agrave: 'à', egrave: 'è', igrave: 'ì', ograve: 'ò', ugrave: 'ù', Agrave: 'À', Egrave: 'È',
  acirc: 'â', ecirc: 'ê', icirc: 'î', ocirc: 'ô', ucirc: 'û', ccedil: 'ç', Ccedil: 'Ç', ntilde: 'ñ', Ntilde: 'Ñ',
  aring: 'å', Aring: 'Å', aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø', euml: 'ë', iuml: 'ï',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole: string, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? NAMED[name.toLowerCase()] ?? whole;
    const code = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** Elements whose content is not text a reader sees. */
const SKIP_CONTENT = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'xml']);
/** Elements that break a line (so words on either side do not run together). */
const BLOCK = new Set([
  'br', 'p', 'div', 'tr', 'li', 'ul', 'ol', 'table', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'blockquote', 'pre', 'hr', 'section', 'article', 'header', 'footer', 'dd', 'dt', 'address',
]);

const TAG_NAME = /\/?([a-zA-Z][a-zA-Z0-9:-]*)/y;

export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(decodeEntities(html.slice(i)));
      break;
    }
    if (lt > i) out.push(decodeEntities(html.slice(i, lt)));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    TAG_NAME.lastIndex = lt + 1;
    const m = TAG_NAME.exec(html);
    if (m === null) {
      // "<!DOCTYPE", "<?xml" and the like: skip to ">"; a lone "<" is text.
      const c = html[lt + 1];
      if (c === '!' || c === '?') {
        const gt = html.indexOf('>', lt);
        i = gt < 0 ? html.length : gt + 1;
      } else {
        out.push('<');
        i = lt + 1;
      }
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt < 0) break;
    const name = m[1].toLowerCase();
    const closing = m[0].startsWith('/');
    i = gt + 1;
    if (!closing && SKIP_CONTENT.has(name) && html[gt - 1] !== '/') {
      const end = lower.indexOf(`</${name}`, i);
      // An unclosed <head> or <title> is common sloppiness: read on. An
      // unclosed <script> or <style> really does run to the end.
      if (end < 0 && (name === 'head' || name === 'title')) continue;
      if (end < 0) break;
      const endGt = html.indexOf('>', end);
      i = endGt < 0 ? html.length : endGt + 1;
      continue;
    }
    if (BLOCK.has(name)) out.push('\n');
  }
  return out.join('').replace(/[ \t\f\v\u00a0\r]+/g, ' ').replace(/ ?\n[\s]*/g, '\n').trim();
}

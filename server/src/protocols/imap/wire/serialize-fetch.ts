// FETCH response data (RFC 9051 §7.5.2): ENVELOPE, BODY/BODYSTRUCTURE,
// body sections as literals (in memory or streamed), BINARY (RFC 3516 §4.2),
// MODSEQ (RFC 7162 §3.1.4), EMAILID/THREADID (RFC 8474 §5), SAVEDATE (RFC 8514).
import type { Section } from './command-types.ts';
import type { BodyStructure, EnvelopeAddressInput, EnvelopeInput } from './body-structure.ts';
import type { BodyValue, FetchResponseItem } from './response-types.ts';
import { type ResponseWriter } from './response-writer.ts';
import { formatDateTime } from './date-time.ts';

function addresses(w: ResponseWriter, list: EnvelopeAddressInput[] | null): void {
  // An empty address list is NIL, never "()" (RFC 9051 §9 env-from etc.).
  w.list(list, (a) => {
    w.raw('(').nstring(a.name).raw(' ').nstring(a.adl).raw(' ').nstring(a.mailbox).raw(' ').nstring(a.host).raw(')');
  }, true);
  return;
}

function nonEmpty(list: EnvelopeAddressInput[] | null): EnvelopeAddressInput[] | null {
  return list && list.length > 0 ? list : null;
}

/**
 * envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc
 * SP env-in-reply-to SP env-message-id ")". RFC 9051 §7.5.2: a missing or empty Sender or Reply-To takes From's value.
 */
export function writeEnvelope(w: ResponseWriter, env: EnvelopeInput): void {
  const from = nonEmpty(env.from);
  w.raw('(').nstring(env.date).raw(' ').nstring(env.subject).raw(' ');
  addresses(w, from);
  w.raw(' ');
  addresses(w, nonEmpty(env.sender) ?? from);
  w.raw(' ');
  addresses(w, nonEmpty(env.replyTo) ?? from);
  for (const list of [env.to, env.cc, env.bcc]) {
    w.raw(' ');
    addresses(w, list);
  }
  w.raw(' ').nstring(env.inReplyTo).raw(' ').nstring(env.messageId).raw(')');
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil. */
function bodyParams(w: ResponseWriter, params: Array<[string, string]>): void {
  w.list(params, ([k, v]) => w.string(k.toUpperCase()).raw(' ').string(v), true);
}

function extension(w: ResponseWriter, ext: { disposition: { type: string; params: Array<[string, string]> } | null; language: string[] | null; location: string | null }): void {
  w.raw(' ');
  if (ext.disposition === null) w.raw('NIL');
  else {
    w.raw('(').string(ext.disposition.type.toUpperCase()).raw(' ');
    bodyParams(w, ext.disposition.params);
    w.raw(')');
  }
  w.raw(' ');
  // body-fld-lang = nstring / "(" string *(SP string) ")".
  if (ext.language === null || ext.language.length === 0) w.raw('NIL');
  else if (ext.language.length === 1) w.string(ext.language[0]);
  else w.list(ext.language, (l) => w.string(l));
  w.raw(' ').nstring(ext.location);
}

export function writeBodyStructure(w: ResponseWriter, body: BodyStructure): void {
  w.raw('(');
  if (body.kind === 'multipart') {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]: the parts are not separated.
    if (body.children.length === 0) {
      // RFC 9051 requires at least one part; an empty multipart is shown as an empty text part.
      w.raw('"TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0');
    }
    for (const child of body.children) writeBodyStructure(w, child);
    w.raw(' ').string(body.subtype.toUpperCase());
    if (body.extension) {
      w.raw(' ');
      bodyParams(w, body.extension.params);
      extension(w, body.extension);
    }
    w.raw(')');
    return;
  }
  w.string(body.type.toUpperCase()).raw(' ').string(body.subtype.toUpperCase()).raw(' ');
  bodyParams(w, body.params);
  w.raw(' ').nstring(body.id).raw(' ').nstring(body.description).raw(' ').string(body.encoding.toUpperCase())
    .raw(' ').number(body.size);
  if (body.message) {
    w.raw(' ');
    writeEnvelope(w, body.message.envelope);
    w.raw(' ');
    writeBodyStructure(w, body.message.body);
  }
  if (body.lines !== null) w.raw(' ').number(body.lines);
  if (body.extension) {
    w.raw(' ').nstring(body.extension.md5);
    extension(w, body.extension);
  }
  w.raw(')');
}

export function sectionText(w: ResponseWriter, section: Section): void {
  const parts = section.part.join('.');
  w.raw('[').raw(parts);
  if (section.text) {
    w.raw(parts ? '.' : '').raw(section.text);
    if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
      w.raw(' ').list(section.fields, (f) => w.astring(f));
    }
  }
  w.raw(']');
}

function bodyValue(w: ResponseWriter, value: BodyValue, binary = false): void {
  if (value === null) w.raw('NIL');
  else w.literal(value, binary);
}

export function writeFetchItem(w: ResponseWriter, item: FetchResponseItem): void {
  switch (item.item) {
    case 'UID': w.raw('UID ').number(item.uid); return;
    case 'FLAGS': w.raw('FLAGS ').list(item.flags, (f) => w.flag(f)); return;
    case 'INTERNALDATE': w.raw('INTERNALDATE "').raw(formatDateTime(item.date)).raw('"'); return;
    case 'SAVEDATE':
      w.raw('SAVEDATE ');
      if (item.date === null) w.raw('NIL');
      else w.raw('"').raw(formatDateTime(item.date)).raw('"');
      return;
    case 'RFC822.SIZE': w.raw('RFC822.SIZE ').number(item.size); return;
    case 'MODSEQ': w.raw('MODSEQ (').number(item.modseq).raw(')'); return;
    case 'EMAILID':
    case 'THREADID':
      // RFC 8474 §5.1, §5.2: the id in parentheses, THREADID NIL when the server keeps none.
      w.raw(`${item.item} `);
      if (item.id === null) w.raw('NIL');
      else w.raw('(').raw(item.id).raw(')');
      return;
    case 'ENVELOPE': w.raw('ENVELOPE '); writeEnvelope(w, item.envelope); return;
    case 'BODY':
    case 'BODYSTRUCTURE': w.raw(`${item.item} `); writeBodyStructure(w, item.structure); return;
    case 'BODY[]':
      w.raw('BODY');
      sectionText(w, item.section);
      if (item.origin !== null) w.raw(`<${item.origin}>`);
      w.raw(' ');
      bodyValue(w, item.value);
      return;
    case 'BINARY': {
      w.raw(`BINARY[${item.part.join('.')}]`);
      if (item.origin !== null) w.raw(`<${item.origin}>`);
      w.raw(' ');
      const binary = item.binary ?? (Buffer.isBuffer(item.value) && item.value.includes(0));
      bodyValue(w, item.value, binary);
      return;
    }
    case 'BINARY.SIZE': w.raw(`BINARY.SIZE[${item.part.join('.')}] `).number(item.size); return;
    case 'RFC822':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT': w.raw(`${item.item} `); bodyValue(w, item.value); return;
  }
}

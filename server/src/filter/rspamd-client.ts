// rspamd's HTTP protocol (rspamd.com/doc/developers/protocol.html): POST
// /checkv2 with the message as the body and the envelope in request headers
// (IP, Helo, From, User, Hostname); the answer is a JSON object:
//   { "is_skipped": false, "score": 1.0, "required_score": 15.0,
//     "action": "no action", "symbols": { "DATE_IN_PAST": { "name": …,
//     "score": 1.0, "metric_score": 1.0, "options": […] }, … },
//     "messages": { "smtp_message": … }, "message-id": …, "time_real": … }
// required_score is the reject threshold. A pre-result (GTUBE, a module's
// forced action) comes with is_skipped true and the action's threshold as
// its score. An error is {"error": "…"} with a 4xx/5xx status. Checked
// against Debian's rspamd 3.4 (test/filter/rspamd-scorer.test.ts).
import { domainToASCII } from 'node:url';

export interface RspamdServer { url: string; password: string | null }
export interface RspamdEnvelope { ip: string; helo: string; sender: string | null; user: string | null; clientHostname: string | null }
export interface RspamdSymbol { name: string; score: number }
export interface RspamdResult {
  score: number;
  /** rspamd's reject threshold, when it says. */
  required: number | null;
  action: string;
  /** A pre-result: rspamd stopped early (GTUBE, a forced action) and reports the action's threshold as the score. */
  skipped: boolean;
  symbols: RspamdSymbol[];
}

/** A reply lists symbols with their options: tens of KB at most; a longer one is not rspamd. */
export const MAX_REPLY = 4 * 1024 * 1024;
const SYMBOL = /^[A-Za-z0-9_.-]{1,64}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const clean = (s: string, max: number): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

export function parseRspamdReply(text: string): RspamdResult {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    throw new Error(`rspamd reply is not JSON: ${JSON.stringify(clean(text, 60))}`);
  }
  if (!isObject(reply)) throw new Error('rspamd reply is not a JSON object');
  if (typeof reply.error === 'string') throw new Error(`rspamd: ${clean(reply.error, 200)}`);
  // JSON.parse reads 1e999 as Infinity: a score that is not finite is no score.
  if (!finite(reply.score)) throw new Error('rspamd reply has no score');
  if (reply.symbols !== undefined && !isObject(reply.symbols)) throw new Error('rspamd reply: symbols is not an object');
  const symbols: RspamdSymbol[] = [];
  for (const [name, s] of Object.entries(reply.symbols ?? {})) {
    if (SYMBOL.test(name) && isObject(s) && finite(s.score)) symbols.push({ name, score: s.score });
  }
  return {
    score: reply.score,
    required: finite(reply.required_score) ? reply.required_score : null,
    action: typeof reply.action === 'string' ? clean(reply.action, 32) : '',
    skipped: reply.is_skipped === true,
    symbols,
  };
}

/**
 * An envelope address rspamd can read. rspamd 3.4 parses the From header as
 * an ASCII address: an SMTPUTF8 one makes it log "bad from header" and add
 * BROKEN_HEADERS (8 points), and fetch refuses header characters past U+00FF
 * outright (the check would fail and be skipped). The domain goes as its
 * A-label; a non-ASCII local part cannot be written, so the header is left
 * out (rspamd then judges the message's From field alone).
 */
export function rspamdAddress(address: string): string | null {
  if (address === '') return '';
  if (PRINTABLE.test(address)) return address;
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at);
  const domain = domainToASCII(address.slice(at + 1));
  return PRINTABLE.test(local) && domain ? `${local}@${domain}` : null;
}

export function rspamdHeaders(server: RspamdServer, envelope: RspamdEnvelope): Record<string, string> {
  const helo = PRINTABLE.test(envelope.helo) ? envelope.helo : (domainToASCII(envelope.helo) || 'unknown');
  const headers: Record<string, string> = { IP: envelope.ip, Helo: helo };
  const from = envelope.sender === null ? null : rspamdAddress(envelope.sender);
  if (from !== null) headers.From = from;
  if (server.password) headers.Password = server.password;
  // The user only has to be recognisable (rspamd treats the message as authenticated): an address it cannot read goes percent-encoded.
  if (envelope.user) headers.User = rspamdAddress(envelope.user) ?? encodeURIComponent(envelope.user);
  if (envelope.clientHostname && PRINTABLE.test(envelope.clientHostname)) headers.Hostname = envelope.clientHostname;
  return headers;
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`rspamd reply too long (Content-Length ${declared})`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`rspamd reply too long (over ${max} bytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One /checkv2 request; `signal` aborts it (the pipeline's timeout) and closes the connection. */
export async function rspamdCheck(server: RspamdServer, envelope: RspamdEnvelope, message: Uint8Array, signal: AbortSignal): Promise<RspamdResult> {
  const res = await fetch(new URL('/checkv2', server.url), { method: 'POST', headers: rspamdHeaders(server, envelope), body: message, signal });
  const text = await readCapped(res, MAX_REPLY);
  if (!res.ok) {
    let why = '';
    try {
      const body: unknown = JSON.parse(text);
      if (isObject(body) && typeof body.error === 'string') why = `: ${clean(body.error, 200)}`;
    } catch { /* not JSON: the status says enough */ }
    throw new Error(`rspamd answered HTTP ${res.status}${why}`);
  }
  return parseRspamdReply(text);
}

/** The RSPAMD rule's detail: "1/15 no action: DATE_IN_PAST=1 RCVD_NO_TLS_LAST=0.1 MIME_GOOD=-0.1", the weightiest symbols first. */
export function rspamdDetail(r: RspamdResult, maxSymbols = 12): string {
  // A pre-result's symbols carry no score (GTUBE=0): they are the reason, so they are listed.
  const listed = r.symbols.filter((s) => s.score !== 0 || r.skipped).sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.name.localeCompare(b.name));
  const names = listed.slice(0, maxSymbols).map((s) => (r.skipped && s.score === 0 ? s.name : `${s.name}=${Math.round(s.score * 100) / 100}`));
  return `${Math.round(r.score * 100) / 100}/${r.required ?? '?'} ${r.action || '?'}${r.skipped ? ' (pre-result)' : ''}: ${names.join(' ')}`;
}

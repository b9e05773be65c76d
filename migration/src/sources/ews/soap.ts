// SOAP for Exchange Web Services: the envelope with RequestServerVersion and,
// for a service account, ExchangeImpersonation (ApplicationImpersonation
// role); Basic or OAuth bearer authentication; and the errors mapped the way
// the engine retries them: ErrorServerBusy with its BackOffMilliseconds and
// HTTP 429/503 are "busy", ErrorAccessDenied and ErrorImpersonateUserDenied
// and HTTP 401 are credentials, a dropped connection is transient.
import type { HttpClient, HttpResponse } from '../http-client.ts';
import { statusError } from '../http-client.ts';
import { SourceError } from '../source.ts';
import { child, childText, descendant, escapeXml, parseXml, XmlError, type XmlNode } from '../../xml/xml-tree.ts';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  /** Fault details (ErrorServerBusy) carry their ResponseCode in this namespace. */
  e: 'http://schemas.microsoft.com/exchange/services/2006/errors',
} as const;

export interface EwsConnection {
  url: string;
  http: HttpClient;
  /** The Authorization header value (Basic or Bearer). */
  authorization: string;
  /** Mailbox to act as (ExchangeImpersonation); null: the authenticated user's own. */
  impersonate: string | null;
  /** Exchange2013_SP1 works from Exchange 2013 to Exchange Online. */
  serverVersion?: string;
  signal?: AbortSignal;
}

const BUSY = new Set(['ErrorServerBusy', 'ErrorTooManyObjectsOpened', 'ErrorTimeoutExpired', 'ErrorInternalServerTransientError', 'ErrorMailboxStoreUnavailable', 'ErrorMailboxMoveInProgress']);
const AUTH = new Set(['ErrorAccessDenied', 'ErrorImpersonateUserDenied', 'ErrorImpersonationDenied', 'ErrorNonExistentMailbox', 'ErrorInvalidLicense', 'ErrorMailboxConfiguration', 'ErrorNoApplicableProxyCASServersAvailable']);

/** The SOAP request for `body` (an m: operation element). */
export function envelope(conn: EwsConnection, body: string): string {
  const impersonation = conn.impersonate
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>${escapeXml(conn.impersonate)}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : '';
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="${NS.soap}" xmlns:t="${NS.t}" xmlns:m="${NS.m}">
<soap:Header><t:RequestServerVersion Version="${conn.serverVersion ?? 'Exchange2013_SP1'}"/>${impersonation}</soap:Header>
<soap:Body>${body}</soap:Body>
</soap:Envelope>`;
}

/** An EWS error code as the engine classifies it. */
export function ewsError(code: string, text: string, backOffMs: number | null = null): SourceError {
  if (BUSY.has(code)) return new SourceError('busy', `Exchange is busy (${code}): ${text}`, { retryAfterMs: backOffMs });
  if (AUTH.has(code)) return new SourceError('auth', `${code}: ${text}`);
  return new SourceError('fatal', `${code}: ${text}`);
}

/** The BackOffMilliseconds Exchange puts in an ErrorServerBusy (MessageXml Value Name="BackOffMilliseconds"). */
function backOff(node: XmlNode | null): number | null {
  const xml = descendant(node, NS.m, 'MessageXml') ?? descendant(node, NS.t, 'MessageXml') ?? descendant(node, '', 'MessageXml');
  for (const v of xml?.children ?? []) if (v.name === 'Value' && v.attrs.Name === 'BackOffMilliseconds' && /^\d+$/.test(v.text.trim())) return Number(v.text.trim());
  return null;
}

/** A SOAP fault (Exchange sends ErrorServerBusy and schema errors this way, with HTTP 500). */
function faultError(root: XmlNode): SourceError | null {
  const fault = descendant(root, NS.soap, 'Fault');
  if (!fault) return null;
  const detail = child(fault, '', 'detail');
  const code = descendant(detail, NS.e, 'ResponseCode')?.text.trim() ?? descendant(detail, NS.m, 'ResponseCode')?.text.trim() ?? descendant(detail, NS.t, 'ResponseCode')?.text.trim()
    ?? descendant(detail, '', 'ResponseCode')?.text.trim() ?? (childText(fault, '', 'faultcode') ?? 'SoapFault').replace(/^.*:/, '');
  return ewsError(code, childText(fault, '', 'faultstring') ?? 'SOAP fault', backOff(detail));
}

/** Sends one operation; the raw response for streaming callers. */
export async function send(conn: EwsConnection, body: string): Promise<HttpResponse> {
  const res = await conn.http.request('POST', conn.url, {
    headers: {
      authorization: conn.authorization, 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml',
      // Exchange Online routes impersonated requests to the mailbox's server by this header.
      ...(conn.impersonate ? { 'x-anchormailbox': conn.impersonate } : {}),
    },
    body: envelope(conn, body), signal: conn.signal,
  });
  if (res.status === 500) {
    // A fault body says more than the status.
    const text = await res.text();
    let root: XmlNode;
    try {
      root = parseXml(text);
    } catch {
      throw new SourceError('transient', `EWS answered HTTP 500: ${text.slice(0, 200)}`);
    }
    throw faultError(root) ?? new SourceError('transient', 'EWS answered HTTP 500');
  }
  const err = statusError(res, 'EWS');
  if (err) {
    res.discard();
    throw err;
  }
  return res;
}

/** Sends one operation and parses the whole answer; throws on a fault. */
export async function call(conn: EwsConnection, body: string): Promise<XmlNode> {
  const res = await send(conn, body);
  let root: XmlNode;
  try {
    root = parseXml(await res.text());
  } catch (err) {
    throw new SourceError('fatal', `EWS answered something that is not XML: ${(err as XmlError).message}`, { cause: err });
  }
  const fault = faultError(root);
  if (fault) throw fault;
  return root;
}

/** The response messages of an operation (…ResponseMessage elements in m:ResponseMessages). */
export function responseMessages(root: XmlNode): XmlNode[] {
  const container = descendant(root, NS.m, 'ResponseMessages');
  return container ? container.children : [];
}

/** Throws the message's error when its ResponseClass is Error (for whole-operation answers such as FindFolder). */
export function checkMessage(message: XmlNode): void {
  if (message.attrs.ResponseClass !== 'Error') return;
  throw ewsError(childText(message, NS.m, 'ResponseCode') ?? 'Error', childText(message, NS.m, 'MessageText') ?? '', backOff(message));
}

/** The error of one item's response message, or null when it succeeded. */
export function itemError(message: XmlNode): SourceError | null {
  if (message.attrs.ResponseClass !== 'Error') return null;
  return ewsError(childText(message, NS.m, 'ResponseCode') ?? 'Error', childText(message, NS.m, 'MessageText') ?? '', backOff(message));
}

// A SIMULATED Exchange Web Services endpoint for the EWS tests: no real
// Exchange can be reached from here, so this HTTP server plays back the
// recorded SOAP exchanges of test/fixtures/ews (whose structure follows
// Microsoft's published examples for each operation). It checks Basic and
// bearer credentials and ExchangeImpersonation like Exchange, pages
// FindItem answers, and can answer ErrorServerBusy first.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { child, childText, descendant, descendants, parseXml } from '../../migration/src/xml/xml-tree.ts';
import { corpusMessage } from '../migration/samples.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/ews');
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';
const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const WRAP = `xmlns:m="${M}" xmlns:t="${T}"`;

export interface EwsSimulationOptions {
  /** Mailbox owners and their passwords (Basic). */
  users?: Record<string, string>;
  /** Accepted OAuth bearer tokens and whom they belong to. */
  tokens?: Record<string, string>;
  /** A service account with ApplicationImpersonation on these mailboxes. */
  serviceAccount?: { user: string; password: string; mailboxes: string[] };
  /** Answer ErrorServerBusy to the first `times` FindItem calls for this folder. */
  busyFindItem?: { folderId: string; times: number };
  /** Items per FindItem page, whatever the client asks. */
  pageSize?: number;
  /** FastTransfer streams for {{fts:name}}. */
  fts?: Record<string, Buffer>;
}

export interface EwsSimulation {
  url: string;
  /** Every request: operation, the mailbox it acted as, and the folder or items. */
  calls: { operation: string; mailbox: string; detail: string }[];
  close(): Promise<void>;
}

function fixture(name: string, fts: Record<string, Buffer>): string | null {
  let text: string;
  try {
    text = readFileSync(join(FIXTURES, name), 'utf8');
  } catch {
    return null;
  }
  return text
    .replace(/\{\{mime:([^}]+)\}\}/g, (_, p: string) => corpusMessage(p).toString('base64'))
    .replace(/\{\{size:([^}]+)\}\}/g, (_, p: string) => String(corpusMessage(p).length))
    .replace(/\{\{fts:([^}]+)\}\}/g, (_, n: string) => (fts[n] ?? Buffer.alloc(0)).toString('base64'));
}

const envelope = (body: string) => readFileSync(join(FIXTURES, 'envelope.xml'), 'utf8').replace('{{body}}', body);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fault(code: string, text: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault><faultcode xmlns:a="${T}">a:${code}</faultcode><faultstring xml:lang="en-US">${text}</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${text}</e:Message></detail></s:Fault></s:Body></s:Envelope>`;
}

export async function startEwsSimulation(options: EwsSimulationOptions): Promise<EwsSimulation> {
  const calls: EwsSimulation['calls'] = [];
  const fts = options.fts ?? {};
  let busyLeft = options.busyFindItem?.times ?? 0;
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(xml);
    };
    const body = await readBody(req);
    // Who: Basic user/password, or a bearer token.
    const auth = req.headers.authorization ?? '';
    let who: string | null = null;
    if (auth.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      const password = rest.join(':');
      if (options.users?.[user] === password) who = user;
      if (options.serviceAccount && options.serviceAccount.user === user && options.serviceAccount.password === password) who = user;
    } else if (auth.startsWith('Bearer ')) {
      who = options.tokens?.[auth.slice(7)] ?? null;
    }
    if (!who) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="contoso.example"' });
      res.end();
      return;
    }
    const root = parseXml(body);
    const impersonated = childText(descendant(descendant(root, T, 'ExchangeImpersonation'), T, 'ConnectingSID'), T, 'PrimarySmtpAddress');
    if (impersonated) {
      const sa = options.serviceAccount;
      if (!sa || who !== sa.user || !sa.mailboxes.includes(impersonated)) {
        send(500, fault('ErrorImpersonateUserDenied', 'The account does not have permission to impersonate the requested user.'));
        return;
      }
    }
    const mailbox = impersonated ?? who;
    const op = child(root, SOAP, 'Body')?.children[0];
    const operation = op?.name ?? '';
    if (operation === 'FindItem') {
      const folderId = descendant(op, T, 'FolderId')?.attrs.Id ?? '';
      const view = child(op, M, 'IndexedPageItemView');
      const offset = Number(view?.attrs.Offset ?? 0);
      calls.push({ operation, mailbox, detail: `${folderId}@${offset}` });
      if (options.busyFindItem?.folderId === folderId && busyLeft > 0) {
        busyLeft--;
        send(500, readFileSync(join(FIXTURES, 'fault-server-busy.xml'), 'utf8'));
        return;
      }
      const text = fixture(`FindItem-${folderId}.xml`, fts) ?? fixture('FindItem-empty.xml', fts)!;
      // Each recorded item is one line: page them the way Exchange does, by offset.
      const lines = text.split('\n');
      const start = lines.findIndex((l) => l.includes('<t:Items>'));
      const end = lines.findIndex((l) => l.includes('</t:Items>'));
      const items = lines.slice(start + 1, end);
      const size = Math.min(options.pageSize ?? 1000, Number(view?.attrs.MaxEntriesReturned ?? 1000));
      const page = items.slice(offset, offset + size);
      const last = offset + page.length >= items.length;
      const out = [...lines.slice(0, start + 1), ...page, ...lines.slice(end)].join('\n')
        .replace('{{next}}', String(offset + page.length)).replace('{{total}}', String(items.length)).replace('{{last}}', String(last));
      send(200, envelope(out));
      return;
    }
    if (operation === 'GetItem' || operation === 'ExportItems') {
      const ids = descendants(op, T, 'ItemId').map((i) => i.attrs.Id);
      calls.push({ operation, mailbox, detail: ids.join(',') });
      const suffix = operation === 'ExportItems' ? '.export.xml' : '.xml';
      const fragments = ids.map((id) => fixture(`items/${id}${suffix}`, fts)
        ?? `<m:${operation}ResponseMessage ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:${operation}ResponseMessage>`);
      send(200, envelope(`<m:${operation}Response ${WRAP}><m:ResponseMessages>${fragments.join('')}</m:ResponseMessages></m:${operation}Response>`));
      return;
    }
    const recorded = fixture(`${operation}.xml`, fts);
    calls.push({ operation, mailbox, detail: '' });
    if (!recorded) {
      send(500, fault('ErrorInvalidRequest', `The simulation has no recording for ${operation}.`));
      return;
    }
    send(200, envelope(recorded));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/EWS/Exchange.asmx`,
    calls,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

/** A FastTransfer stream (MS-OXCFXICS §2.2.4) of a message, as ExportItems returns it: for the simulation's recordings. */
export function fastTransferMessage(p: {
  subject: string; from: [string, string]; to: [string, string][]; sent: Date; messageId: string; text: string; html: string;
  attachment: { filename: string; type: string; data: Buffer }; embeddedSubject: string;
}): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); parts.push(b); };
  const str = (tag: number, s: string) => { u32(tag); const b = Buffer.from(`${s}\0`, 'utf16le'); u32(b.length); parts.push(b); };
  const bin = (tag: number, b: Buffer) => { u32(tag); u32(b.length); parts.push(b); };
  const int = (tag: number, n: number) => { u32(tag); u32(n); };
  const time = (tag: number, d: Date) => { u32(tag); const b = Buffer.alloc(8); b.writeBigUInt64LE((BigInt(d.getTime()) + 11_644_473_600_000n) * 10_000n); parts.push(b); };
  str(0x001a001f, 'IPM.Note');
  str(0x0037001f, p.subject);
  str(0x0042001f, p.from[0]);
  str(0x5d02001f, p.from[1]);
  time(0x00390040, p.sent);
  str(0x1035001f, p.messageId);
  str(0x1000001f, p.text);
  bin(0x10130102, Buffer.from(p.html, 'utf8'));
  // A named property (PSETID_Common, LID 0x8580): skipped by the reader.
  u32(0x8001001f); parts.push(Buffer.from('0820060000000000c000000000000046', 'hex'), Buffer.from([0])); u32(0x8580); { const b = Buffer.from('x\0', 'utf16le'); u32(b.length); parts.push(b); }
  for (const [name, address] of p.to) {
    u32(0x40030003);
    int(0x0c150003, 1);
    str(0x3001001f, name);
    str(0x39fe001f, address);
    u32(0x40040003);
  }
  u32(0x40000003);
  int(0x37050003, 1);
  str(0x3707001f, p.attachment.filename);
  str(0x370e001f, p.attachment.type);
  bin(0x37010102, p.attachment.data);
  u32(0x400e0003);
  u32(0x40000003);
  int(0x37050003, 5);
  str(0x3707001f, 'forwarded.msg');
  u32(0x40010003);
  str(0x001a001f, 'IPM.Note');
  str(0x0037001f, p.embeddedSubject);
  str(0x1000001f, 'inner body');
  u32(0x40020003);
  u32(0x400e0003);
  return Buffer.concat(parts);
}

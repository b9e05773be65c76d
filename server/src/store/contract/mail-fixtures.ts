// Fixtures for the mail contract: an account with mailboxes, and bodies
// stored as blobs with a hand-built MessageIndex (the store only keeps what
// it is given; the MIME indexer has its own tests).
import type { MessageIndex, MimePart } from '../../../../shared/src/schemas/message-index.ts';
import type { Mailbox, NewMessage, SpecialUse } from '../mail-port.ts';
import type { Store } from '../port.ts';
import { T0, newId } from './harness.ts';

export interface FixtureMessage { subject: string; text: string; messageId?: string; references?: string[] }

export function rawMessage(m: FixtureMessage): Buffer {
  const lines = [
    'From: Alice <alice@example.org>',
    'To: bob@example.org',
    `Subject: ${m.subject}`,
    `Message-ID: ${m.messageId ?? `<${newId()}@example.org>`}`,
    ...(m.references?.length ? [`References: ${m.references.join(' ')}`] : []),
    'Date: Thu, 01 Jan 2026 00:00:00 +0000',
    '',
    m.text,
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

export function indexFor(raw: Buffer, m: FixtureMessage): MessageIndex {
  const bodyStart = raw.indexOf('\r\n\r\n') + 4;
  const root: MimePart = {
    section: '', headerStart: 0, bodyStart, bodyEnd: raw.length,
    contentType: { type: 'text', subtype: 'plain', params: { charset: 'utf-8' } }, encoding: '7bit',
    id: null, description: null, disposition: null, language: null, location: null, md5: null,
    size: raw.length - bodyStart, lines: m.text.split('\n').length, children: [], message: null,
  };
  const messageId = /^Message-ID: (.*)$/m.exec(raw.toString())?.[1] ?? null;
  return {
    size: raw.length,
    // Every line ends in CRLF, the last one included: the POP3 size is the stored size.
    wireSize: raw.length,
    root,
    envelope: {
      date: 'Thu, 01 Jan 2026 00:00:00 +0000', subject: m.subject,
      from: [{ name: 'Alice', adl: null, mailbox: 'alice', host: 'example.org' }], sender: null, replyTo: null,
      to: [{ name: null, adl: null, mailbox: 'bob', host: 'example.org' }], cc: null, bcc: null, inReplyTo: null, messageId,
    },
    headers: {
      date: T0, subject: m.subject, baseSubject: m.subject, fromAddress: 'alice@example.org', fromName: 'Alice',
      toAddress: 'bob@example.org', ccAddress: '', messageId, inReplyTo: m.references?.at(-1) ?? null, references: m.references ?? [],
    },
    searchText: `Alice alice@example.org bob@example.org ${m.subject}\n${m.text}`,
    hasAttachments: false,
    warnings: [],
  };
}

/** Stores the body as a blob (zero refs) and returns what append() takes. */
export async function storedMessage(store: Store, m: FixtureMessage, flags: string[] = []): Promise<NewMessage> {
  const raw = rawMessage(m);
  const blob = await store.blobs.put(raw);
  return { blobId: blob.id, index: indexFor(raw, m), flags, internalDate: T0 };
}

export async function mailboxFixture(store: Store, accountId: string, name: string, specialUse: SpecialUse | null = null): Promise<Mailbox> {
  return store.mailboxes.create({ id: newId(), accountId, name, specialUse, subscribe: true, createdAt: T0 });
}

// Mail services over a real SQLite store in a temporary folder, with the
// in-process change bus and a log of every event published.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeEvent } from '../../server/src/events/change-bus.ts';
import { LocalChangeBus } from '../../server/src/events/local-change-bus.ts';
import { createMailServices, type MailServices } from '../../server/src/mail/mail-services.ts';
import { accountFixture, domainFixture } from '../../server/src/store/contract/harness.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { AccountRecord, Store } from '../../server/src/store/port.ts';

import { CORPUS } from '../support/corpus.ts';

export { CORPUS };

export interface MailHarness extends MailServices {
  store: Store;
  bus: LocalChangeBus;
  events: ChangeEvent[];
  account(local: string, extra?: Partial<AccountRecord>): Promise<AccountRecord>;
  close(): Promise<void>;
}

export async function openMailHarness(): Promise<MailHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-mail-'));
  const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
  const bus = new LocalChangeBus();
  const events: ChangeEvent[] = [];
  const services = createMailServices({ store, bus });
  // Accounts with a mailbox belong to a domain (operators, with none, have no mailbox).
  const domain = domainFixture('mail.test');
  await store.domains.create(domain);
  let n = 0;
  return {
    ...services,
    store,
    bus,
    events,
    async account(local, extra = {}) {
      const account = accountFixture(domain, `${local}-${++n}`, extra);
      await store.accounts.create(account);
      // Every event from here on, in publish order.
      bus.subscribe({ accountId: account.id }, (e) => events.push(e));
      return account;
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function corpusMessage(path: string): Promise<Buffer> {
  return readFile(join(CORPUS, path));
}

export async function corpusFiles(category: string): Promise<string[]> {
  return (await readdir(join(CORPUS, category))).filter((f) => f.endsWith('.eml')).sort().map((f) => `${category}/${f}`);
}

export function simpleMessage(subject: string, text: string): Buffer {
  return Buffer.from(`From: a@mail.test\r\nTo: b@mail.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Math.random()}@mail.test>\r\n\r\n${text}\r\n`);
}

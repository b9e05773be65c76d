// Child process for the APPEND race: opens its own store on the same
// database, waits for "go" on stdin, appends `count` messages one by one and
// prints the UIDs it was given. Argument: JSON { config, mailboxId, count, tag }.
import { createInterface } from 'node:readline';
import type { StoaConfig } from '../../config/types.ts';
import { openStore } from '../open-store.ts';
import { storedMessage } from './mail-fixtures.ts';

interface Job { config: StoaConfig; mailboxId: string; count: number; tag: string }

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const store = await openStore(job.config);
const items = [];
for (let i = 0; i < job.count; i++) items.push(await storedMessage(store, { subject: `race ${job.tag} ${i}`, text: `from ${job.tag}` }));
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line === 'go') break;
const uids: number[] = [];
for (const item of items) uids.push(...(await store.messages.append(job.mailboxId, [item], new Date().toISOString())).uids);
process.stdout.write(`uids ${JSON.stringify(uids)}\n`);
await store.close();
process.exit(0);

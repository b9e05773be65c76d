// Child process of the DAV benchmark: a Stoa HTTP listener with the DAV
// front end over a fresh store, filled with the benchmark calendar through
// the collection service (the same validation and span computation as a
// PUT). Prints one JSON line with its address once ready.
import { systemActor } from '../../../server/src/directory/access.ts';
import { openDavHarness } from '../../dav/harness.ts';
import { benchEvents } from './events.ts';

const count = Number(process.argv[2] ?? 10_000);
const h = await openDavHarness((c) => { c.dav.plaintextAuth = 'loopback'; });
const account = await h.user('bench');
const actor = h.directory.actorFor(account, null);
await h.services.collections.ensureDefaults(systemActor(), account.id);
const cal = await h.services.collections.find(actor, account.id, 'calendar', 'calendar');
const events = benchEvents(count);
// Several writers at once, as clients would: the store commits them in groups.
for (let i = 0; i < events.length; i += 50) {
  await Promise.all(events.slice(i, i + 50).map((e) => h.services.collections.putObject(actor, cal.collection.id, e.name, e.text)));
}
process.stdout.write(`${JSON.stringify({ base: h.base, user: account.address })}\n`);
process.on('SIGTERM', () => { void h.close().then(() => process.exit(0)); });

// The global address list: one vCard 4.0 per enabled account, shared
// mailbox (as Exchange lists them), group and resource of a domain (KIND
// individual, group, location or device), generated from the directory on
// every request, bounded in count.
import { createHash } from 'node:crypto';
import type { Store } from '../store/port.ts';
import { writeLines, type ContentLine } from './vcard.ts';

export interface DirectoryCard { name: string; etag: string; data: string }

function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/[,;]/g, (c) => `\\${c}`);
}

function card(uid: string, kind: string, fn: string, email: string, extra: ContentLine[] = []): string {
  const l = (name: string, value: string, params: [string, string[]][] = []): ContentLine => ({ group: null, name, params, value });
  return writeLines([
    l('BEGIN', 'VCARD'), l('VERSION', '4.0'), l('UID', `urn:uuid:${uid}`), l('KIND', kind), l('FN', escapeText(fn)),
    l('EMAIL', email, [['TYPE', ['work']]]), ...extra, l('END', 'VCARD'),
  ]);
}

function uuidOf(kind: string, id: string): string {
  const h = createHash('sha256').update(`${kind}:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function all<T>(page: (offset: number) => Promise<{ items: T[] }>, max: number): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; out.length < max; offset += 500) {
    const { items } = await page(offset);
    out.push(...items);
    if (items.length < 500) break;
  }
  return out.slice(0, max);
}

export async function directoryCards(store: Store, domainId: string, max: number): Promise<DirectoryCard[]> {
  const opts = (offset: number) => ({ offset, limit: 500, sort: 'address' as const, order: 'asc' as const, scope: [domainId], domainId });
  const [accounts, shared, groups, resources] = await Promise.all([
    all((o) => store.accounts.list({ ...opts(o), enabled: true }), max),
    all((o) => store.sharedMailboxes.list(opts(o)), max),
    all((o) => store.groups.list(opts(o)), max),
    all((o) => store.resources.list(opts(o)), max),
  ]);
  const out: DirectoryCard[] = [];
  const add = (kind: string, id: string, data: string): void => {
    out.push({ name: `${kind}-${id}.vcf`, etag: createHash('sha256').update(data).digest('base64url').slice(0, 27), data });
  };
  for (const a of accounts) add('user', a.id, card(uuidOf('account', a.id), 'individual', a.displayName || a.address, a.address));
  for (const s of shared.filter((x) => x.enabled)) add('shared', s.id, card(uuidOf('shared-mailbox', s.id), 'individual', s.displayName || s.address, s.address));
  for (const g of groups) add('group', g.id, card(uuidOf('group', g.id), 'group', g.name, g.address));
  for (const r of resources.filter((x) => x.enabled)) {
    const extra: ContentLine[] = r.location ? [{ group: null, name: 'NOTE', params: [], value: escapeText(r.location) }] : [];
    add('resource', r.id, card(uuidOf('resource', r.id), r.kind === 'room' ? 'location' : 'device', r.name, r.address, extra));
  }
  return out.slice(0, max);
}

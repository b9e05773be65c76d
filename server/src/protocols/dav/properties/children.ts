// Members of a collection resource, for PROPFIND Depth: 1 and the REPORTs
// that walk a collection.
import type { DavObject } from '../../../model/dav.ts';
import type { DavContext } from '../context.ts';
import { folderChildren } from '../files.ts';
import { DIRECTORY_SEGMENT, ROOT, collectionHref, enc, homeHref, principalHref, principalOf, type Resource } from '../resource.ts';

export async function childrenOf(ctx: DavContext, res: Resource): Promise<Resource[]> {
  const { collections, contacts } = ctx.services;
  switch (res.type) {
    case 'root': {
      const me = principalOf(ctx.account);
      return [
        { type: 'principals', href: `${ROOT}principals/` },
        { type: 'home', href: homeHref('calendar', me), kind: 'calendar', account: me },
        { type: 'home', href: homeHref('addressbook', me), kind: 'addressbook', account: me },
        { type: 'home', href: homeHref('files', me), kind: 'files', account: me },
      ];
    }
    case 'principals':
      return [{ type: 'principal', href: principalHref(ctx.account), account: principalOf(ctx.account) }];
    case 'principal':
      return (['read', 'read-write'] as const).map((access) => ({
        type: 'proxy' as const, href: `${principalHref(res.account)}calendar-proxy-${access === 'read' ? 'read' : 'write'}/`, account: res.account, access,
      }));
    case 'home': {
      if (res.kind === 'files') return folderChildren(ctx, res);
      const entries = await collections.home(ctx.actor, res.account.id, res.kind);
      const out: Resource[] = entries.map((view) => ({ type: 'collection', href: collectionHref(res.kind, res.account, view), kind: res.kind, home: res.account, view }));
      if (res.kind === 'addressbook' && res.account.id === ctx.actor.id) out.push({ type: 'directory', href: `${homeHref('addressbook', res.account)}${DIRECTORY_SEGMENT}/`, home: res.account });
      return out;
    }
    case 'collection': {
      if (res.kind === 'files') return folderChildren(ctx, res);
      const objects = await collections.listObjects(ctx.actor, res.view.collection.id);
      return objects.map((info) => ({ type: 'object', href: `${res.href}${enc(info.name)}`, kind: res.kind, parent: res, name: info.name, object: { ...info, data: '' } as DavObject }));
    }
    case 'directory': {
      const { cards } = await contacts.directory(ctx.actor);
      return cards.map((c) => ({ type: 'directory-object', href: `${res.href}${enc(c.name)}`, home: res.home, name: c.name, etag: c.etag, data: c.data }));
    }
    default:
      return [];
  }
}

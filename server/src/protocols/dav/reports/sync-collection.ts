// REPORT sync-collection (RFC 6578 §3): members changed since the token,
// read from the collection's change log (one entry per changed name), so
// the cost follows the number of changes. An empty token is an initial
// sync (every member); a token this collection cannot answer for is 403
// DAV:valid-sync-token (§3.2), and the client starts over.
import type { DavObject } from '../../../model/dav.ts';
import { parseSyncToken, syncToken } from '../properties/sync-token.ts';
import { multistatus, responseFor, statusResponse } from '../properties/propstat.ts';
import { enc, type Resource } from '../resource.ts';
import { reportProps } from '../wire/request-bodies.ts';
import { DAV_NS, child, clark } from '../wire/xml-parser.ts';
import { d } from '../wire/xml-writer.ts';
import type { DavReport } from './report-types.ts';

const invalidToken = { status: 403, xml: d('error', d('valid-sync-token')) };

export const syncCollection: DavReport = {
  name: clark(DAV_NS, 'sync-collection'),
  async handle(ctx, body) {
    const t = ctx.target;
    const level = (child(body, DAV_NS, 'sync-level')?.text ?? '1').trim();
    if (level !== '1') return { status: 403, xml: d('error', d('sync-traversal-supported')) };
    const tokenText = (child(body, DAV_NS, 'sync-token')?.text ?? '').trim();
    const props = reportProps(body);
    if (t.type === 'directory') {
      const { token, cards } = await ctx.services.contacts.directory(ctx.actor);
      const current = `http://stoa.dev/ns/sync/directory/${token}`;
      if (tokenText !== '' && tokenText !== current) return invalidToken;
      const responses = [];
      if (tokenText === '') {
        for (const c of cards) {
          const res: Resource = { type: 'directory-object', href: `${t.href}${enc(c.name)}`, home: t.home, name: c.name, etag: c.etag, data: c.data };
          responses.push(await responseFor(ctx, res, { kind: 'prop', props }));
        }
      }
      return { status: 207, xml: multistatus(responses, [d('sync-token', current)]) };
    }
    if (t.type !== 'collection') return { status: 403, xml: d('error', d('supported-report')) };
    const id = t.view.collection.id;
    const seq = tokenText === '' ? 0 : parseSyncToken(tokenText, id);
    if (seq === null) return invalidToken;
    const changes = await ctx.services.collections.changes(ctx.actor, id, seq);
    if (!changes) return invalidToken;
    const live = changes.changes.filter((c) => !c.deleted).map((c) => c.name);
    const objects = new Map<string, DavObject>((await ctx.services.collections.getObjects(ctx.actor, id, live)).map((o) => [o.name, o]));
    const responses = [];
    for (const c of changes.changes) {
      const href = `${t.href}${enc(c.name)}`;
      const obj = objects.get(c.name);
      // An initial sync lists members only, not deletions (§3.8).
      if (c.deleted || !obj) {
        if (seq > 0) responses.push(statusResponse(href, 404));
        continue;
      }
      responses.push(await responseFor(ctx, { type: 'object', href, kind: t.kind, parent: t, name: c.name, object: obj }, { kind: 'prop', props }));
    }
    return { status: 207, xml: multistatus(responses, [d('sync-token', syncToken(id, changes.seq))]) };
  },
};

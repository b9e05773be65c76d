// DELETE (RFC 4918 §9.6) of an object (with If-Match) or of a whole
// calendar or address book (its owner, or an admin).
import type { DavMethod } from '../context.ts';
import { writeCondition } from './put.ts';
import { deleteFolder } from '../files.ts';

export const del: DavMethod = {
  name: 'DELETE',
  async handle(ctx) {
    const t = ctx.target;
    // RFC 9110 §7.1: a fragment has no business in a request target (litmus delete_fragment).
    if (ctx.path.includes('#')) return { status: 400 };
    if (t.type === 'object') {
      if (!t.object) return { status: 404 };
      if (t.kind === 'calendar') await ctx.services.calendar.remove(ctx.actor, t.parent.view.collection.id, t.name, writeCondition(ctx));
      else await ctx.services.collections.deleteObject(ctx.actor, t.parent.view.collection.id, t.name, writeCondition(ctx));
      return { status: 204 };
    }
    if (t.type === 'collection' && t.kind === 'files') {
      await deleteFolder(ctx, t.home, t.view);
      return { status: 204 };
    }
    if (t.type === 'collection') {
      if (t.view.collection.ownerId !== t.home.id) {
        // Deleting a shared calendar from one's own home removes it for the sharee only: not offered; say so.
        return { status: 403, body: 'a calendar shared with you is removed by its owner\n' };
      }
      await ctx.services.collections.delete(ctx.actor, t.view.collection.id);
      return { status: 204 };
    }
    if (t.type === 'missing') return { status: 404 };
    return { status: 403, body: 'this resource cannot be deleted\n' };
  },
};

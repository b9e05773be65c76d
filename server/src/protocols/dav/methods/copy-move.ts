// COPY and MOVE of calendar objects and vCards (RFC 4918 §9.8, §9.9),
// within or between collections of the same kind, with Overwrite and
// If-Match on the destination. Collections are not copied or moved
// (403): calendars and address books are created and deleted instead.
import { header, type DavContext, type DavMethod, type DavResponse } from '../context.ts';
import { copyFolder, deleteFolder } from '../files.ts';
import type { Resource } from '../resource.ts';

function destinationPath(ctx: DavContext): string | null {
  const dest = header(ctx, 'destination');
  if (!dest) return null;
  try {
    const url = new URL(dest, 'http://placeholder');
    return url.pathname;
  } catch {
    return null;
  }
}

/** COPY / MOVE of a folder of the file area (RFC 4918 §9.8.3, §9.9.2), Depth 0 or infinity. */
async function transferFolder(ctx: DavContext, source: Extract<Resource, { type: 'collection' }>, move: boolean): Promise<DavResponse> {
  const path = destinationPath(ctx);
  if (!path) return { status: 400, body: 'Destination header missing or malformed\n' };
  const depth = (header(ctx, 'depth') ?? 'infinity').toLowerCase();
  if (move && depth !== 'infinity') return { status: 400, body: 'MOVE of a collection is Depth infinity (RFC 4918 §9.9.2)\n' };
  const overwrite = (header(ctx, 'overwrite') ?? 'T').toUpperCase() !== 'F';
  const dest = await ctx.resolve(path);
  let targetUri: string;
  let existed = false;
  if (dest.type === 'collection' && dest.kind === 'files') {
    if (!overwrite) return { status: 412 };
    targetUri = dest.view.collection.uri;
    existed = true;
  } else if (dest.type === 'missing' && dest.parent && (dest.parent.type === 'home' || dest.parent.type === 'collection') && dest.parent.kind === 'files') {
    targetUri = dest.parent.type === 'home' ? dest.segment : `${dest.parent.view.collection.uri}/${dest.segment}`;
  } else if (dest.type === 'object' && dest.kind === 'files') {
    // RFC 4918 §9.8.4: with Overwrite T the file at the destination is deleted first.
    if (!overwrite) return { status: 412 };
    await ctx.services.collections.deleteObject(ctx.actor, dest.parent.view.collection.id, dest.name);
    targetUri = `${dest.parent.view.collection.uri}/${dest.name}`;
    existed = true;
  } else if (dest.type === 'missing') {
    return { status: 409, body: 'the destination folder does not exist\n' };
  } else {
    return { status: 403, body: 'a folder can only be copied or moved to a folder of the file area\n' };
  }
  const sourceUri = source.view.collection.uri;
  if (targetUri === sourceUri || targetUri.startsWith(`${sourceUri}/`)) return { status: 403, body: 'a folder cannot be copied or moved into itself\n' };
  if (dest.type === 'collection') await deleteFolder(ctx, source.home, dest.view);
  await copyFolder(ctx, source.home, source.view, targetUri, depth !== '0');
  if (move) await deleteFolder(ctx, source.home, source.view);
  return { status: existed ? 204 : 201 };
}

async function transfer(ctx: DavContext, move: boolean): Promise<DavResponse> {
  const source = ctx.target;
  if (source.type === 'missing' || (source.type === 'object' && !source.object)) return { status: 404 };
  if (source.type === 'collection' && source.kind === 'files') return transferFolder(ctx, source, move);
  if (source.type !== 'object') return { status: 403, body: 'only calendar objects and vCards can be copied or moved\n' };
  const path = destinationPath(ctx);
  if (!path) return { status: 400, body: 'Destination header missing or malformed\n' };
  let dest = await ctx.resolve(path);
  const overwrite = (header(ctx, 'overwrite') ?? 'T').toUpperCase() !== 'F';
  let replacedFolder = false;
  if (dest.type === 'collection' && dest.kind === 'files' && source.kind === 'files') {
    // A file over a folder: with Overwrite T the folder goes first (RFC 4918 §9.8.4), then the file takes its name.
    if (!overwrite) return { status: 412 };
    await deleteFolder(ctx, dest.home, dest.view);
    dest = await ctx.resolve(path.replace(/\/$/, ''));
    replacedFolder = true;
  }
  let to: { id: string; name: string };
  if (dest.type === 'object') to = { id: dest.parent.view.collection.id, name: dest.name };
  else if (dest.type === 'missing' && dest.parent?.type === 'collection') to = { id: dest.parent.view.collection.id, name: dest.segment };
  else if (dest.type === 'missing') return { status: 409, body: 'the destination collection does not exist\n' };
  else return { status: 403, body: 'the destination must be an object inside a calendar or address book\n' };
  if (dest.type === 'object' && dest.object && !overwrite) return { status: 412 };
  const ifMatch = header(ctx, 'if-match');
  const condition = ifMatch && /^"([^"]*)"$/.test(ifMatch.trim()) ? { etag: ifMatch.trim().slice(1, -1) } : undefined;
  const { created } = await ctx.services.collections.transferObject(ctx.actor, { id: source.parent.view.collection.id, name: source.name }, to, { move, overwrite, ...(condition ? { condition } : {}) });
  return { status: created && !replacedFolder ? 201 : 204 };
}

export const copy: DavMethod = { name: 'COPY', handle: (ctx) => transfer(ctx, false) };
export const move: DavMethod = { name: 'MOVE', handle: (ctx) => transfer(ctx, true) };

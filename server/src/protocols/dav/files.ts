// The plain WebDAV file area (/dav/files/<address>/…, RFC 4918): folders at
// any depth (each a collection named by its path) holding files of any type
// with dead properties. Used by WebDAV clients such as cadaver and by the
// litmus suite; calendars and address books live beside it, not in it.
import type { CollectionView } from '../../collections/api.ts';
import { decodeFile, encodeFile, type FileEnvelope } from '../../collections/files-codec.ts';
import type { DavObject } from '../../model/dav.ts';
import type { DavContext } from './context.ts';
import { collectionHref, enc, type Resource } from './resource.ts';

export function fileOf(obj: DavObject): FileEnvelope {
  return decodeFile(obj.data);
}

export function newFileData(body: Buffer, type: string, props: Record<string, string> = {}): string {
  return encodeFile({ type, body: body.toString('base64'), props });
}

/** Folders directly inside `parentUri` ('' for the home). */
export async function subfolders(ctx: DavContext, owner: { id: string }, parentUri: string): Promise<CollectionView[]> {
  const all = await ctx.services.collections.home(ctx.actor, owner.id, 'files');
  const prefix = parentUri === '' ? '' : `${parentUri}/`;
  return all.filter((e) => e.collection.uri.startsWith(prefix) && !e.collection.uri.slice(prefix.length).includes('/') && e.collection.uri !== parentUri);
}

/** Members of a folder (or the home): its files and its direct subfolders. */
export async function folderChildren(ctx: DavContext, res: Extract<Resource, { type: 'home' | 'collection' }>): Promise<Resource[]> {
  const owner = res.type === 'home' ? res.account : res.home;
  const uri = res.type === 'home' ? '' : res.view.collection.uri;
  const out: Resource[] = (await subfolders(ctx, owner, uri)).map((view) => ({ type: 'collection', href: collectionHref('files', owner, view), kind: 'files', home: owner, view }));
  if (res.type === 'collection') {
    for (const obj of await ctx.services.collections.listObjectData(ctx.actor, res.view.collection.id)) {
      out.push({ type: 'object', href: `${res.href}${enc(obj.name)}`, kind: 'files', parent: res, name: obj.name, object: obj });
    }
  }
  return out;
}

/** Deletes a folder and everything below it (RFC 4918 §9.6.1: DELETE on a collection is Depth infinity). */
export async function deleteFolder(ctx: DavContext, owner: { id: string }, view: CollectionView): Promise<void> {
  const all = await ctx.services.collections.home(ctx.actor, owner.id, 'files');
  const below = all.filter((e) => e.collection.uri.startsWith(`${view.collection.uri}/`)).sort((a, b) => b.collection.uri.length - a.collection.uri.length);
  for (const e of below) await ctx.services.collections.delete(ctx.actor, e.collection.id);
  await ctx.services.collections.delete(ctx.actor, view.collection.id);
}

/** COPY of a folder (RFC 4918 §9.8.3): the folder, and with Depth infinity everything below it. */
export async function copyFolder(ctx: DavContext, owner: { id: string }, source: CollectionView, targetUri: string, deep: boolean): Promise<void> {
  const { collections } = ctx.services;
  const created = await collections.create(ctx.actor, owner.id, 'files', {
    uri: targetUri, displayName: source.collection.displayName === source.collection.uri.split('/').pop() ? targetUri.split('/').pop()! : source.collection.displayName,
    properties: source.collection.properties,
  });
  if (!deep) return;
  for (const obj of await collections.listObjectData(ctx.actor, source.collection.id)) {
    await collections.putObject(ctx.actor, created.collection.id, obj.name, obj.data);
  }
  for (const sub of await subfolders(ctx, owner, source.collection.uri)) {
    await copyFolder(ctx, owner, sub, `${targetUri}/${sub.collection.uri.split('/').pop()}`, true);
  }
}

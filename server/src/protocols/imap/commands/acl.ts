// RFC 4314 ACL: SETACL, DELETEACL, GETACL and LISTRIGHTS need the "a" right
// on the mailbox; MYRIGHTS any right that shows the mailbox exists (§3.5).
// The owner always holds every right and cannot be changed (§2).
import { done, no, bad, type AuthedContext, type CommandSpec, type ImapReply } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { resolveMailbox, type ResolvedMailbox } from '../session/namespaces.ts';
import { ALL_RIGHTS, idToIdentifier, identifierToId, normaliseRights } from '../session/acl-identifiers.ts';

async function administered(ctx: AuthedContext, tag: string, name: string): Promise<ResolvedMailbox | ImapReply> {
  const resolved = await resolveMailbox(ctx, name);
  if (!resolved) return no(tag, `No mailbox ${name}`, { code: 'NONEXISTENT' });
  if (!resolved.rights.includes('a')) return no(tag, 'You may not administer this mailbox', { code: 'NOPERM' });
  return resolved;
}

const isReply = (x: ResolvedMailbox | ImapReply): x is ImapReply => 'type' in x;

async function targetId(ctx: AuthedContext, resolved: ResolvedMailbox, identifier: string): Promise<string | 'owner' | null> {
  const id = await identifierToId(ctx, ctx.session.actor, identifier);
  if (id === resolved.mailbox.accountId) return 'owner';
  return id;
}

export const setAcl: CommandSpec<'SETACL' | 'DELETEACL', 'authenticated' | 'selected'> = {
  names: ['SETACL', 'DELETEACL'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await administered(ctx, command.tag, command.mailbox);
    if (isReply(resolved)) return resolved;
    const id = await targetId(ctx, resolved, command.identifier);
    if (id === null) return no(command.tag, `No such user ${command.identifier}`, { code: 'NONEXISTENT' });
    if (id === 'owner') return no(command.tag, 'The owner always holds every right', { code: 'CANNOT' });
    if (command.name === 'DELETEACL') {
      await ctx.services.mailboxes.setAcl(ctx.session.actor, resolved.mailbox.id, id, null);
      return done(command.tag, 'DELETEACL completed');
    }
    const change = normaliseRights(command.rights);
    if (change === null) return bad(command.tag, `Unknown right in "${command.rights}"`);
    const current = (await ctx.services.mailboxes.getAcl(ctx.session.actor, resolved.mailbox.id)).find((e) => e.identifier === id)?.rights ?? '';
    const next = command.mode === 'set' ? change
      : command.mode === 'add' ? normaliseRights(current + change)!
        : [...current].filter((r) => !change.includes(r)).join('');
    await ctx.services.mailboxes.setAcl(ctx.session.actor, resolved.mailbox.id, id, next === '' ? null : next);
    return done(command.tag, 'SETACL completed');
  },
};

export const getAcl: CommandSpec<'GETACL', 'authenticated' | 'selected'> = {
  names: ['GETACL'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await administered(ctx, command.tag, command.mailbox);
    if (isReply(resolved)) return resolved;
    // A public folder has no owner account: its ACL is all there is (mail/public-folders.ts).
    const entries = resolved.namespace === 'shared' ? [] : [{ identifier: await idToIdentifier(ctx, resolved.mailbox.accountId), rights: ALL_RIGHTS }];
    for (const entry of await ctx.services.mailboxes.getAcl(ctx.session.actor, resolved.mailbox.id)) {
      entries.push({ identifier: await idToIdentifier(ctx, entry.identifier), rights: entry.rights });
    }
    return done(command.tag, 'GETACL completed', [{ kind: 'acl', mailbox: resolved.imapName, entries }]);
  },
};

export const listRights: CommandSpec<'LISTRIGHTS', 'authenticated' | 'selected'> = {
  names: ['LISTRIGHTS'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await administered(ctx, command.tag, command.mailbox);
    if (isReply(resolved)) return resolved;
    const id = await targetId(ctx, resolved, command.identifier);
    // RFC 4314 §3.7: the owner's rights are all required; anyone else may be granted each right alone.
    const response: Response = id === 'owner'
      ? { kind: 'listrights', mailbox: resolved.imapName, identifier: command.identifier, required: ALL_RIGHTS, optional: [] }
      : { kind: 'listrights', mailbox: resolved.imapName, identifier: command.identifier, required: '', optional: [...ALL_RIGHTS] };
    return done(command.tag, 'LISTRIGHTS completed', [response]);
  },
};

export const myRights: CommandSpec<'MYRIGHTS', 'authenticated' | 'selected'> = {
  names: ['MYRIGHTS'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await resolveMailbox(ctx, command.mailbox);
    if (!resolved || !/[lrikxa]/.test(resolved.rights)) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'NONEXISTENT' });
    return done(command.tag, 'MYRIGHTS completed', [{ kind: 'myrights', mailbox: resolved.imapName, rights: resolved.rights }]);
  },
};

// RFC 9208 QUOTA: one quota root per account, named "" (the account's own
// mailboxes), with STORAGE in KiB and MESSAGE counts from the account's
// limits; 0 means unlimited and is not reported. Limits are set by
// administrators in the console, so SETQUOTA is refused.
import { done, no, type AuthedContext, type CommandSpec } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { accountId, resolveMailbox } from '../session/namespaces.ts';

export const QUOTA_ROOT = '';

async function quotaResponse(ctx: AuthedContext): Promise<Response> {
  const report = await ctx.services.mailboxes.quota(ctx.session.actor, accountId(ctx));
  const resources: Array<{ name: string; usage: number; limit: number }> = [];
  // RFC 9208 §5.1: STORAGE is in units of 1024 octets.
  if (report.limits.bytes > 0) resources.push({ name: 'STORAGE', usage: Math.ceil(report.usage.bytes / 1024), limit: Math.floor(report.limits.bytes / 1024) });
  if (report.limits.messages > 0) resources.push({ name: 'MESSAGE', usage: report.usage.messages, limit: report.limits.messages });
  return { kind: 'quota', root: QUOTA_ROOT, resources };
}

export const getQuota: CommandSpec<'GETQUOTA', 'authenticated' | 'selected'> = {
  names: ['GETQUOTA'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    if (command.root !== QUOTA_ROOT) return no(command.tag, `No quota root ${command.root}`, { code: 'NONEXISTENT' });
    return done(command.tag, 'GETQUOTA completed', [await quotaResponse(ctx)]);
  },
};

export const getQuotaRoot: CommandSpec<'GETQUOTAROOT', 'authenticated' | 'selected'> = {
  names: ['GETQUOTAROOT'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await resolveMailbox(ctx, command.mailbox);
    if (!resolved) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'NONEXISTENT' });
    // Another user's quota is theirs to know, and public folders have none: both show no root.
    if (resolved.namespace !== 'personal') return done(command.tag, 'GETQUOTAROOT completed', [{ kind: 'quotaroot', mailbox: resolved.imapName, roots: [] }]);
    return done(command.tag, 'GETQUOTAROOT completed', [{ kind: 'quotaroot', mailbox: resolved.imapName, roots: [QUOTA_ROOT] }, await quotaResponse(ctx)]);
  },
};

export const setQuota: CommandSpec<'SETQUOTA', 'authenticated' | 'selected'> = {
  names: ['SETQUOTA'],
  states: ['authenticated', 'selected'],
  async handler(_ctx, command) {
    return no(command.tag, 'Quotas are set by an administrator', { code: 'NOPERM' });
  },
};

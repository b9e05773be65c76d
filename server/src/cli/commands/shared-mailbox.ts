// stoa shared-mailbox list|add|show|set|remove|grants|grant|revoke|access|convert|unconvert
// (docs/cli.md; docs/shared-mailboxes.md for what each maps to in Exchange).
import type { GrantRight, MailboxGrant, SharedMailbox, SharedMailboxCreate, SharedMailboxUpdate } from '../../../../shared/src/schemas/shared-mailboxes.ts';
import type { Actor, Directory } from '../../directory/api.ts';
import type { MailboxRef } from '../../directory/shared-mailbox-api.ts';
import { isStoaError } from '../../errors/catalogue.ts';
import { UsageError, flagOpt, listOpt, parseCount, parseSize, stringOpt, type CommandGroup, type OptionValues } from '../command.ts';
import { readNewPassword } from '../password-input.ts';
import { formatBytes, renderRecord, renderTable } from '../table.ts';
import { LIST_DETAILS, LIST_OPTIONS, collectPages } from './paging.ts';
import { removeCommand } from './remove-command.ts';

const RIGHTS: readonly GrantRight[] = ['full-access', 'send-as', 'send-on-behalf'];

const EDIT_OPTIONS = {
  name: { type: 'string' },
  'quota-bytes': { type: 'string' },
  'quota-messages': { type: 'string' },
  'forward-to': { type: 'string', multiple: true },
  'keep-copy': { type: 'boolean' },
  'copy-sent': { type: 'boolean' },
  enabled: { type: 'boolean' },
} as const;
const EDIT_DETAILS = [
  '--name TEXT             display name',
  '--quota-bytes SIZE      mailbox quota (500M, 2G; 0 = unlimited)',
  '--quota-messages N      message-count quota (0 = unlimited)',
  '--forward-to ADDRESS    forward incoming mail (repeat for several)',
  '--keep-copy             keep a copy of forwarded mail (--no-keep-copy to stop)',
  '--copy-sent             file mail sent as or on behalf of it in its Sent folder (default; --no-copy-sent to stop)',
  '--enabled               take mail (--no-enabled: refuse it)',
];

function editFields(values: OptionValues): SharedMailboxUpdate {
  const patch: SharedMailboxUpdate = {};
  const name = stringOpt(values, 'name');
  if (name !== undefined) patch.displayName = name;
  const bytes = stringOpt(values, 'quota-bytes');
  if (bytes !== undefined) patch.quotaBytes = parseSize(bytes, 'quota-bytes');
  const messages = stringOpt(values, 'quota-messages');
  if (messages !== undefined) patch.quotaMessages = parseCount(messages, 'quota-messages');
  const forwardTo = listOpt(values, 'forward-to');
  if (forwardTo.length > 0) patch.forwardTo = forwardTo;
  for (const [option, field] of [['keep-copy', 'keepForwardedCopy'], ['copy-sent', 'copySent'], ['enabled', 'enabled']] as const) {
    const flag = flagOpt(values, option);
    if (flag !== undefined) patch[field] = flag;
  }
  return patch;
}

function view(m: SharedMailbox): Record<string, unknown> {
  return {
    address: m.address, id: m.id, displayName: m.displayName, enabled: m.enabled,
    quota: `${formatBytes(m.quotaBytes)}, ${m.quotaMessages || 'unlimited'} messages`,
    forwardTo: m.forwardTo, keepForwardedCopy: m.keepForwardedCopy, copySent: m.copySent, createdAt: m.createdAt, updatedAt: m.updatedAt,
  };
}

/** A shared mailbox by id or address, else an account (a user's delegated mailbox). */
async function mailboxRef(directory: Directory, actor: Actor, key: string): Promise<MailboxRef> {
  try {
    await directory.sharedMailboxes.get(actor, key);
    return { kind: 'shared-mailbox', ref: key };
  } catch (err) {
    if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
  }
  return { kind: 'account', ref: key };
}

function renderGrants(grants: MailboxGrant[]): string {
  return grants.length === 0 ? 'No grants.' : renderTable(grants, [
    { header: 'id', value: (g) => g.id },
    { header: 'grantee', value: (g) => `${g.grantee.kind === 'group' ? '$' : ''}${g.grantee.address ?? `${g.grantee.id} (deleted)`}` },
    { header: 'right', value: (g) => g.right },
    { header: 'since', value: (g) => g.createdAt },
  ]);
}

export const sharedMailboxCommands: CommandGroup = {
  name: 'shared-mailbox',
  summary: 'shared mailboxes (info@, sales@) and delegation: full access, send as, send on behalf',
  commands: [
    {
      name: 'list', summary: 'list shared mailboxes', usage: '[--domain NAME] [--q TEXT] [--limit N] [--offset N]', positionals: 0,
      options: { ...LIST_OPTIONS, domain: { type: 'string' } }, details: ['--domain NAME    only shared mailboxes in this domain', ...LIST_DETAILS],
      async run(ctx, { values }) {
        const { directory } = await ctx.open();
        const domain = stringOpt(values, 'domain');
        const { items, total } = await collectPages(values, (offset, limit, q) => directory.sharedMailboxes.list(ctx.actor, { offset, limit, q, sort: 'address', order: 'asc', domain }));
        ctx.emit({ items, total }, () => (items.length === 0 ? 'No shared mailboxes.' : renderTable(items, [
          { header: 'address', value: (m) => m.address },
          { header: 'name', value: (m) => m.displayName },
          { header: 'enabled', value: (m) => (m.enabled ? 'yes' : 'no') },
          { header: 'quota', value: (m) => formatBytes(m.quotaBytes) },
        ])));
        return 0;
      },
    },
    {
      name: 'add', summary: 'add a shared mailbox (no password: people open it through grants)', usage: 'ADDRESS [--name TEXT] [--quota-bytes SIZE] …', positionals: 1,
      options: { ...EDIT_OPTIONS, 'allow-mixed-script': { type: 'boolean' } },
      details: [...EDIT_DETAILS, '--allow-mixed-script    accept a name that mixes scripts (homoglyph check, docs/security.md)'],
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const input: SharedMailboxCreate = { address: positionals[0], ...editFields(values) };
        if (flagOpt(values, 'allow-mixed-script')) input.allowMixedScript = true;
        const mailbox = await directory.sharedMailboxes.create(ctx.actor, input);
        ctx.emit(mailbox, () => `Added shared mailbox ${mailbox.address}.`);
        return 0;
      },
    },
    {
      name: 'show', summary: 'show one shared mailbox and its grants', usage: 'ADDRESS', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const mailbox = await directory.sharedMailboxes.get(ctx.actor, positionals[0]);
        const grants = await directory.grants.list(ctx.actor, { kind: 'shared-mailbox', ref: mailbox.id });
        ctx.emit({ ...mailbox, grants }, () => `${renderRecord(view(mailbox))}\n\n${renderGrants(grants)}`);
        return 0;
      },
    },
    {
      name: 'set', summary: 'change a shared mailbox', usage: 'ADDRESS [--name TEXT] [--quota-bytes SIZE] …', positionals: 1,
      options: EDIT_OPTIONS, details: EDIT_DETAILS,
      async run(ctx, { positionals, values }) {
        const patch = editFields(values);
        if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give at least one option');
        const { directory } = await ctx.open();
        const mailbox = await directory.sharedMailboxes.update(ctx.actor, positionals[0], patch);
        ctx.emit(mailbox, () => `Changed shared mailbox ${mailbox.address}.`);
        return 0;
      },
    },
    removeCommand('shared mailbox', 'remove a shared mailbox with its mail and grants', 'ADDRESS', (directory) => directory.sharedMailboxes),
    {
      name: 'grants', summary: 'who holds which grant on a shared mailbox or a user\'s mailbox', usage: 'MAILBOX', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const grants = await directory.grants.list(ctx.actor, await mailboxRef(directory, ctx.actor, positionals[0]));
        ctx.emit({ items: grants }, () => renderGrants(grants));
        return 0;
      },
    },
    {
      name: 'grant', summary: 'give an account or group a right on a shared mailbox or a user\'s mailbox', usage: 'MAILBOX GRANTEE RIGHT', positionals: 3,
      details: [`RIGHT is one of ${RIGHTS.join(', ')}`, 'GRANTEE is an account or a group, by address or id'],
      async run(ctx, { positionals }) {
        const [mailbox, grantee, right] = positionals;
        if (!RIGHTS.includes(right as GrantRight)) throw new UsageError(`RIGHT must be one of ${RIGHTS.join(', ')}`);
        const { directory } = await ctx.open();
        const grant = await directory.grants.grant(ctx.actor, await mailboxRef(directory, ctx.actor, mailbox), { grantee, right: right as GrantRight });
        ctx.emit(grant, () => `Granted ${grant.right} on ${grant.mailbox.address} to ${grant.grantee.address}.`);
        return 0;
      },
    },
    {
      name: 'revoke', summary: 'take a grant away', usage: 'MAILBOX GRANTEE RIGHT', positionals: 3,
      details: [`RIGHT is one of ${RIGHTS.join(', ')}`],
      async run(ctx, { positionals }) {
        const [mailbox, grantee, right] = positionals;
        const { directory } = await ctx.open();
        const ref = await mailboxRef(directory, ctx.actor, mailbox);
        const named = grantee.replace(/^\$/, '').toLowerCase();
        const match = (await directory.grants.list(ctx.actor, ref))
          .find((g) => g.right === right && (g.grantee.id === grantee || g.grantee.address?.toLowerCase() === named));
        if (!match) throw new UsageError(`${grantee} holds no ${right} on ${mailbox}`);
        await directory.grants.revoke(ctx.actor, ref, match.id);
        ctx.emit({ revoked: match.id }, () => `Revoked ${right} on ${mailbox} from ${grantee}.`);
        return 0;
      },
    },
    {
      name: 'access', summary: 'which mailboxes a user can open, send as and send on behalf of', usage: 'ADDRESS', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const access = await directory.grants.accessOf(ctx.actor, positionals[0]);
        const rows = [
          ...access.open.map((e) => ({ right: 'full-access', ...e })),
          ...access.sendAs.map((e) => ({ right: 'send-as', ...e })),
          ...access.sendOnBehalf.map((e) => ({ right: 'send-on-behalf', ...e })),
        ];
        ctx.emit(access, () => (rows.length === 0 ? 'No delegated access.' : renderTable(rows, [
          { header: 'mailbox', value: (r) => r.mailbox.address },
          { header: 'right', value: (r) => r.right },
          { header: 'via', value: (r) => r.via.map((v) => (v.kind === 'group' ? `$${v.address ?? v.id}` : v.address ?? v.id)).join(', ') },
        ])));
        return 0;
      },
    },
    {
      name: 'convert', summary: 'turn a user account into a shared mailbox (mail stays; password and sessions go)', usage: 'ADDRESS', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const mailbox = await directory.sharedMailboxes.fromAccount(ctx.actor, positionals[0]);
        ctx.emit(mailbox, () => `Converted ${mailbox.address} to a shared mailbox.`);
        return 0;
      },
    },
    {
      name: 'unconvert', summary: 'turn a shared mailbox back into a user account', usage: 'ADDRESS [--password-stdin | --no-password]', positionals: 1,
      options: { 'password-stdin': { type: 'boolean' }, 'no-password': { type: 'boolean' } },
      details: [
        '--password-stdin        read the new password from the first line of stdin',
        '--no-password           without a password (it cannot log in until `stoa account passwd`)',
        '                        without either, a terminal prompts for the password',
      ],
      async run(ctx, { positionals, values }) {
        const password = flagOpt(values, 'no-password') ? undefined : await readNewPassword(ctx.io, flagOpt(values, 'password-stdin') === true);
        const { directory } = await ctx.open();
        const account = await directory.sharedMailboxes.toAccount(ctx.actor, positionals[0], password === undefined ? {} : { password });
        ctx.emit(account, () => `Converted ${account.address} back to an account.`);
        return 0;
      },
    },
  ],
};

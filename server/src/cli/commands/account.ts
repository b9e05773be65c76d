// stoa account list|add|show|set|remove|passwd
import type { Account, AccountCreate, AccountUpdate, Role } from '../../../../shared/src/schemas/directory.ts';
import { UsageError, flagOpt, listOpt, parseCount, parseSize, stringOpt, type CommandGroup, type OptionValues } from '../command.ts';
import { readNewPassword } from '../password-input.ts';
import { formatBytes, renderRecord, renderTable } from '../table.ts';
import { LIST_DETAILS, LIST_OPTIONS, collectPages } from './paging.ts';
import { removeCommand } from './remove-command.ts';
import { importCommand } from './account-import.ts';

const ROLES: readonly Role[] = ['user', 'domain-admin', 'server-admin'];

const EDIT_OPTIONS = {
  name: { type: 'string' },
  'quota-bytes': { type: 'string' },
  'quota-messages': { type: 'string' },
  'forward-to': { type: 'string', multiple: true },
  'keep-copy': { type: 'boolean' },
} as const;
const EDIT_DETAILS = [
  '--name TEXT             display name',
  '--quota-bytes SIZE      mailbox quota (500M, 2G; 0 = unlimited)',
  '--quota-messages N      message-count quota (0 = unlimited)',
  '--forward-to ADDRESS    forward incoming mail (repeat for several)',
  '--keep-copy             keep a copy of forwarded mail (--no-keep-copy to stop)',
];

function editFields(values: OptionValues): AccountUpdate {
  const patch: AccountUpdate = {};
  const name = stringOpt(values, 'name');
  if (name !== undefined) patch.displayName = name;
  const bytes = stringOpt(values, 'quota-bytes');
  if (bytes !== undefined) patch.quotaBytes = parseSize(bytes, 'quota-bytes');
  const messages = stringOpt(values, 'quota-messages');
  if (messages !== undefined) patch.quotaMessages = parseCount(messages, 'quota-messages');
  const forwardTo = listOpt(values, 'forward-to');
  if (forwardTo.length > 0) patch.forwardTo = forwardTo;
  const keep = flagOpt(values, 'keep-copy');
  if (keep !== undefined) patch.keepForwardedCopy = keep;
  return patch;
}

export function accountView(a: Account, domainNames: string[]): Record<string, unknown> {
  return {
    address: a.address,
    id: a.id,
    displayName: a.displayName,
    enabled: a.enabled,
    role: a.role,
    adminOf: a.role === 'domain-admin' ? domainNames : [],
    quota: `${formatBytes(a.quotaBytes)}, ${a.quotaMessages || 'unlimited'} messages`,
    forwardTo: a.forwardTo,
    keepForwardedCopy: a.keepForwardedCopy,
    passwordSetAt: a.passwordSetAt ?? 'never (cannot log in with a password)',
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export const accountCommands: CommandGroup = {
  name: 'account',
  summary: 'user accounts (mailboxes and operators)',
  commands: [
    {
      name: 'list', summary: 'list accounts', usage: '[--domain NAME] [--role ROLE] [--enabled|--disabled] [--q TEXT] [--limit N] [--offset N]', positionals: 0,
      options: { ...LIST_OPTIONS, domain: { type: 'string' }, role: { type: 'string' }, enabled: { type: 'boolean' }, disabled: { type: 'boolean' } },
      details: ['--domain NAME    only accounts in this domain', `--role ROLE      only ${ROLES.join(', ')}`, '--enabled / --disabled   only enabled or disabled accounts', ...LIST_DETAILS],
      async run(ctx, { values }) {
        const role = stringOpt(values, 'role') as Role | undefined;
        if (role !== undefined && !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        const enabled = flagOpt(values, 'enabled') ? true : flagOpt(values, 'disabled') ? false : undefined;
        const domain = stringOpt(values, 'domain');
        const { directory } = await ctx.open();
        const { items, total } = await collectPages(values, (offset, limit, q) => directory.accounts.list(ctx.actor, { offset, limit, q, sort: 'address', order: 'asc', domain, role, enabled }));
        ctx.emit({ items, total }, () => (items.length === 0 ? 'No accounts.' : renderTable(items, [
          { header: 'address', value: (a) => a.address },
          { header: 'name', value: (a) => a.displayName },
          { header: 'role', value: (a) => a.role },
          { header: 'enabled', value: (a) => (a.enabled ? 'yes' : 'no') },
          { header: 'quota', value: (a) => formatBytes(a.quotaBytes) },
        ])));
        return 0;
      },
    },
    {
      name: 'add', summary: 'add an account', usage: 'ADDRESS [--password-stdin | --no-password] [--disabled] [--name TEXT] [--quota-bytes SIZE] …', positionals: 1,
      options: { ...EDIT_OPTIONS, 'password-stdin': { type: 'boolean' }, 'no-password': { type: 'boolean' }, disabled: { type: 'boolean' }, 'allow-mixed-script': { type: 'boolean' } },
      details: [
        '--password-stdin        read the password from the first line of stdin',
        '--no-password           create it without a local password (it cannot log in until `stoa account passwd`)',
        '                        without either, a terminal prompts for the password',
        '--disabled              create it disabled',
        ...EDIT_DETAILS,
        '--allow-mixed-script    accept a name that mixes scripts (homoglyph check, docs/security.md)',
      ],
      async run(ctx, { positionals, values }) {
        const { forwardTo, ...rest } = editFields(values);
        const input: AccountCreate = { address: positionals[0], ...rest };
        if (forwardTo) input.forwardTo = forwardTo;
        if (flagOpt(values, 'disabled')) input.enabled = false;
        if (flagOpt(values, 'allow-mixed-script')) input.allowMixedScript = true;
        if (!flagOpt(values, 'no-password')) input.password = await readNewPassword(ctx.io, flagOpt(values, 'password-stdin') === true);
        const { directory } = await ctx.open();
        const account = await directory.accounts.create(ctx.actor, input);
        ctx.emit(account, () => `Added account ${account.address}.`);
        return 0;
      },
    },
    importCommand,
    {
      name: 'show', summary: 'show one account', usage: 'ADDRESS', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const account = await directory.accounts.get(ctx.actor, positionals[0]);
        const names = await Promise.all(account.adminDomainIds.map(async (id) => (await directory.domains.get(ctx.actor, id)).name));
        ctx.emit(account, () => renderRecord(accountView(account, names)));
        return 0;
      },
    },
    {
      name: 'set', summary: 'change an account', usage: 'ADDRESS [--enable|--disable] [--name TEXT] [--quota-bytes SIZE] [--forward-to ADDRESS…|--no-forward] …', positionals: 1,
      options: { ...EDIT_OPTIONS, enable: { type: 'boolean' }, disable: { type: 'boolean' }, 'no-forward': { type: 'boolean' } },
      details: ['--enable / --disable    allow or block every login and delivery', '--no-forward            stop forwarding', ...EDIT_DETAILS],
      async run(ctx, { positionals, values }) {
        const patch = editFields(values);
        if (flagOpt(values, 'enable') && flagOpt(values, 'disable')) throw new UsageError('--enable and --disable exclude each other');
        if (flagOpt(values, 'enable')) patch.enabled = true;
        if (flagOpt(values, 'disable')) patch.enabled = false;
        if (flagOpt(values, 'no-forward')) {
          if (patch.forwardTo) throw new UsageError('--forward-to and --no-forward exclude each other');
          patch.forwardTo = [];
        }
        if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give at least one option');
        const { directory } = await ctx.open();
        const account = await directory.accounts.update(ctx.actor, positionals[0], patch);
        ctx.emit(account, () => `Updated account ${account.address}.`);
        return 0;
      },
    },
    removeCommand('account', 'remove an account', 'ADDRESS', (directory) => directory.accounts),
    {
      name: 'passwd', summary: 'set an account\'s password', usage: 'ADDRESS [--password-stdin]', positionals: 1,
      options: { 'password-stdin': { type: 'boolean' } },
      details: ['--password-stdin        read the password from the first line of stdin; otherwise a terminal prompts twice'],
      async run(ctx, { positionals, values }) {
        const password = await readNewPassword(ctx.io, flagOpt(values, 'password-stdin') === true);
        const { directory } = await ctx.open();
        await directory.accounts.setPassword(ctx.actor, positionals[0], password);
        ctx.emit({ address: positionals[0], passwordChanged: true }, () => `Password of ${positionals[0]} changed.`);
        return 0;
      },
    },
  ],
};

// stoa domain list|add|show|set|remove
import type { Domain, DomainCreate, DomainUpdate } from '../../../../shared/src/schemas/directory.ts';
import { UsageError, flagOpt, parseCount, parseSize, stringOpt, type CommandGroup, type OptionValues } from '../command.ts';
import { formatBytes, renderRecord, renderTable } from '../table.ts';
import { LIST_DETAILS, LIST_OPTIONS, collectPages } from './paging.ts';
import { removeCommand } from './remove-command.ts';
import { txtChunks } from '../../mail-auth/dkim-record.ts';

const QUOTA_OPTIONS = {
  description: { type: 'string' },
  'quota-bytes': { type: 'string' },
  'quota-messages': { type: 'string' },
} as const;
const QUOTA_DETAILS = [
  '--description TEXT      free text shown to admins',
  '--quota-bytes SIZE      default mailbox quota for new accounts (500M, 2G; 0 = unlimited)',
  '--quota-messages N      default message-count quota for new accounts (0 = unlimited)',
];

function quotaFields(values: OptionValues): Partial<DomainUpdate> {
  const patch: Partial<DomainUpdate> = {};
  const description = stringOpt(values, 'description');
  if (description !== undefined) patch.description = description;
  const bytes = stringOpt(values, 'quota-bytes');
  if (bytes !== undefined) patch.defaultQuotaBytes = parseSize(bytes, 'quota-bytes');
  const messages = stringOpt(values, 'quota-messages');
  if (messages !== undefined) patch.defaultQuotaMessages = parseCount(messages, 'quota-messages');
  return patch;
}

export function domainView(d: Domain, aliasOfName: string | null): Record<string, unknown> {
  return {
    name: d.unicodeName !== d.name ? `${d.unicodeName} (${d.name})` : d.name,
    id: d.id,
    enabled: d.enabled,
    aliasOf: aliasOfName,
    description: d.description,
    defaultQuota: `${formatBytes(d.defaultQuotaBytes)}, ${d.defaultQuotaMessages || 'unlimited'} messages`,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export const domainCommands: CommandGroup = {
  name: 'domain',
  summary: 'mail domains served here',
  commands: [
    {
      name: 'list', summary: 'list domains', usage: '[--q TEXT] [--limit N] [--offset N]', positionals: 0,
      options: LIST_OPTIONS, details: LIST_DETAILS,
      async run(ctx, { values }) {
        const { directory } = await ctx.open();
        const { items, total } = await collectPages(values, (offset, limit, q) => directory.domains.list(ctx.actor, { offset, limit, q, sort: 'name', order: 'asc' }));
        const names = new Map(items.map((d) => [d.id, d.name]));
        ctx.emit({ items, total }, () => (items.length === 0 ? 'No domains.' : renderTable(items, [
          { header: 'name', value: (d) => d.unicodeName },
          { header: 'enabled', value: (d) => (d.enabled ? 'yes' : 'no') },
          { header: 'alias of', value: (d) => (d.aliasOf ? names.get(d.aliasOf) ?? d.aliasOf : '') },
          { header: 'default quota', value: (d) => formatBytes(d.defaultQuotaBytes) },
          { header: 'description', value: (d) => d.description },
        ])));
        return 0;
      },
    },
    {
      name: 'add', summary: 'add a domain (or an alias domain)', usage: 'NAME [--alias-of DOMAIN] [--disabled] [--description TEXT] [--quota-bytes SIZE] [--quota-messages N]', positionals: 1,
      options: { ...QUOTA_OPTIONS, 'alias-of': { type: 'string' }, disabled: { type: 'boolean' }, 'allow-mixed-script': { type: 'boolean' } },
      details: ['--alias-of DOMAIN       mail to NAME goes to the same local parts in DOMAIN', '--disabled              create it disabled', ...QUOTA_DETAILS, '--allow-mixed-script    accept a name that mixes scripts (homoglyph check, docs/security.md)'],
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const input: DomainCreate = { name: positionals[0], ...quotaFields(values) };
        const aliasOf = stringOpt(values, 'alias-of');
        if (aliasOf !== undefined) input.aliasOf = aliasOf;
        if (flagOpt(values, 'disabled')) input.enabled = false;
        if (flagOpt(values, 'allow-mixed-script')) input.allowMixedScript = true;
        // DKIM keys come with the domain (the directory's provisioning); `stoa domain dkim NAME` shows the record to publish.
        const domain = await directory.domains.create(ctx.actor, input);
        ctx.emit(domain, () => `Added domain ${domain.unicodeName}. Publish its DKIM record: stoa domain dkim ${domain.name}`);
        return 0;
      },
    },
    {
      name: 'show', summary: 'show one domain', usage: 'NAME', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const domain = await directory.domains.get(ctx.actor, positionals[0]);
        const target = domain.aliasOf ? await directory.domains.get(ctx.actor, domain.aliasOf) : null;
        ctx.emit(domain, () => renderRecord(domainView(domain, target?.name ?? null)));
        return 0;
      },
    },
    {
      name: 'set', summary: 'change a domain', usage: 'NAME [--enable|--disable] [--description TEXT] [--quota-bytes SIZE] [--quota-messages N]', positionals: 1,
      options: { ...QUOTA_OPTIONS, enable: { type: 'boolean' }, disable: { type: 'boolean' } },
      details: ['--enable / --disable    accept or refuse mail for the domain', ...QUOTA_DETAILS],
      async run(ctx, { positionals, values }) {
        const patch: DomainUpdate = quotaFields(values);
        if (flagOpt(values, 'enable') && flagOpt(values, 'disable')) throw new UsageError('--enable and --disable exclude each other');
        if (flagOpt(values, 'enable')) patch.enabled = true;
        if (flagOpt(values, 'disable')) patch.enabled = false;
        if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give at least one option');
        const { directory } = await ctx.open();
        const domain = await directory.domains.update(ctx.actor, positionals[0], patch);
        ctx.emit(domain, () => `Updated domain ${domain.unicodeName}.`);
        return 0;
      },
    },
    {
      name: 'dkim', summary: "show a domain's DKIM records to publish, or rotate its keys", usage: 'NAME [--rotate]', positionals: 1,
      options: { rotate: { type: 'boolean' } },
      details: ['--rotate                new keys with new selectors; the old ones stop signing at once (keep their records a few days)'],
      async run(ctx, { positionals, values }) {
        const { directory, services } = await ctx.open();
        const domain = await directory.domains.get(ctx.actor, positionals[0]);
        const { dkim } = services;
        if (flagOpt(values, 'rotate')) await dkim.rotate(domain, ctx.actor);
        else await dkim.ensureKey(domain);
        const records = await dkim.records(domain);
        ctx.emit({ domain: domain.name, records }, () => records.map((r) => [
          `${r.active ? 'active' : 'old   '}  ${r.algorithm}  selector ${r.selector}  (created ${r.createdAt})`,
          `  ${r.name}. 3600 IN TXT ${txtChunks(r.value).map((c) => `"${c}"`).join(' ')}`,
        ].join('\n')).join('\n'));
        return 0;
      },
    },
    removeCommand('domain', 'remove an empty domain', 'NAME', (directory) => directory.domains),
  ],
};

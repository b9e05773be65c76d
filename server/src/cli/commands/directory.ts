// stoa directory list|add|set|remove|test|sync|status|runs|resolve: external
// directories (LDAP/AD). Connections are kept in the store like in the
// console; `add` and `set` take the settings as JSON or YAML (--from FILE),
// with the common ones as options.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import type { DirectoryConnection, DirectoryConnectionCreate, DirectoryConnectionUpdate, SyncRun } from '../../../../shared/src/schemas/directory-sync.ts';
import type { CliContext } from '../context.ts';
import { UsageError, flagOpt, listOpt, stringOpt, type CommandGroup, type OptionValues } from '../command.ts';
import { renderRecord, renderTable } from '../table.ts';

const KINDS = ['active-directory', 'openldap', 'freeipa'];

function settingsFrom(ctx: CliContext, values: OptionValues): Record<string, unknown> {
  const file = stringOpt(values, 'from');
  const out: Record<string, unknown> = file ? YAML.parse(readFileSync(resolve(ctx.io.cwd, file), 'utf8')) ?? {} : {};
  if (typeof out !== 'object' || Array.isArray(out)) throw new UsageError('--from: the file must hold one object of connection settings');
  const kind = stringOpt(values, 'kind');
  if (kind !== undefined) {
    if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
    out.kind = kind;
  }
  const servers = listOpt(values, 'server');
  if (servers.length) out.servers = servers;
  for (const [option, key] of [['bind-dn', 'bindDn'], ['bind-password-env', 'bindPasswordEnv'], ['base-dn', 'baseDn'], ['description', 'description']] as const) {
    const v = stringOpt(values, option);
    if (v !== undefined) out[key] = v;
  }
  const domains = listOpt(values, 'domain');
  if (domains.length) out.domains = domains;
  const tls = { ...(out.tls as object | undefined) } as Record<string, unknown>;
  const caFile = stringOpt(values, 'ca-file');
  if (caFile) tls.caPem = readFileSync(resolve(ctx.io.cwd, caFile), 'utf8');
  const serverName = stringOpt(values, 'server-name');
  if (serverName) tls.serverName = serverName;
  if (flagOpt(values, 'start-tls') !== undefined) tls.startTls = flagOpt(values, 'start-tls');
  if (Object.keys(tls).length) out.tls = tls;
  const admins = listOpt(values, 'admin-group');
  if (admins.length) out.roleMappings = [...((out.roleMappings as unknown[]) ?? []), ...admins.map((group) => ({ group, role: 'server-admin' }))];
  // The secret comes from the environment the CLI runs in, never from an argument (ps shows those).
  const passwordVar = stringOpt(values, 'bind-password-from-env');
  if (passwordVar) {
    const secret = ctx.io.env[passwordVar];
    if (!secret) throw new UsageError(`--bind-password-from-env: ${passwordVar} is not set`);
    out.bindPassword = secret;
  }
  return out;
}

const SETTINGS_OPTIONS = {
  from: { type: 'string' }, kind: { type: 'string' }, server: { type: 'string', multiple: true }, 'bind-dn': { type: 'string' },
  'bind-password-env': { type: 'string' }, 'bind-password-from-env': { type: 'string' }, 'base-dn': { type: 'string' },
  domain: { type: 'string', multiple: true }, 'ca-file': { type: 'string' }, 'server-name': { type: 'string' }, 'start-tls': { type: 'boolean' },
  'admin-group': { type: 'string', multiple: true }, description: { type: 'string' },
} as const;
const SETTINGS_DETAILS = [
  '--from FILE                 settings as JSON or YAML (the fields of POST /api/v1/directory/connections)',
  '--kind KIND                 active-directory, openldap or freeipa (the attribute preset)',
  '--server URL                ldaps://host[:port] or ldap://host (StartTLS); repeat for failover, in order',
  '--bind-dn DN                service account',
  '--bind-password-env VAR     the server reads the bind password from this environment variable',
  '--bind-password-from-env VAR  store the password found in VAR now (sealed)',
  '--base-dn DN                where users are searched',
  '--domain NAME               only these domains (repeat); default every domain served here',
  '--ca-file PEM               pin this CA;  --server-name NAME  name in the certificate;  --start-tls',
  '--admin-group DN            members (nested included) become server admins',
];

function summary(c: DirectoryConnection): string {
  return renderRecord({
    name: c.name, id: c.id, kind: c.kind, enabled: c.enabled, servers: c.servers, bindDn: c.bindDn,
    bindPassword: c.bindPasswordEnv ? `from $${c.bindPasswordEnv}` : c.bindPasswordSet ? 'stored (sealed)' : 'none',
    baseDn: c.baseDn, domains: c.domains.length ? c.domains : ['(all)'], roleMappings: c.roleMappings.map((m) => `${m.group} → ${m.role}${m.domains ? ` (${m.domains.join(', ')})` : ''}`),
    sync: `${c.sync.enabled ? `every ${c.sync.intervalMinutes} min, full every ${c.sync.fullIntervalHours} h` : 'manual'}${c.sync.groups ? ', with groups' : ''}`,
    lastSync: c.state.lastSyncAt ? `${c.state.lastSyncAt} (${c.state.lastStatus})` : 'never', lastError: c.state.lastError,
  });
}

export function runSummary(run: SyncRun): string {
  const counts = Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'no changes';
  const head = `${run.dryRun ? 'Dry run' : 'Sync'} (${run.mode}) ${run.status}: read ${run.users} users, ${run.groups} groups from ${run.server ?? '-'}; ${counts}.`;
  const lines = run.changes.map((c) => `  ${c.kind.padEnd(7)} ${c.object.padEnd(7)} ${c.address || '-'}  ${c.detail}${c.kind === 'skip' || c.kind === 'error' ? `  [${c.dn}]` : ''}`);
  return [head, ...(run.error ? [`  error: ${run.error}`] : []), ...lines].join('\n');
}

export const directoryCommands: CommandGroup = {
  name: 'directory',
  summary: 'external directories (LDAP/AD): connections, tests and syncs',
  commands: [
    {
      name: 'list', summary: 'list directory connections', usage: '', positionals: 0,
      async run(ctx) {
        const { directory } = await ctx.open();
        const items = await directory.ldap.list(ctx.actor);
        ctx.emit(items, () => renderTable(items, [
          { header: 'name', value: (c) => c.name }, { header: 'kind', value: (c) => c.kind }, { header: 'enabled', value: (c) => c.enabled },
          { header: 'servers', value: (c) => c.servers.join(' ') }, { header: 'last sync', value: (c) => c.state.lastSyncAt }, { header: 'status', value: (c) => c.state.lastStatus },
        ]));
        return 0;
      },
    },
    {
      name: 'add', summary: 'add a directory connection', usage: 'NAME [--from FILE] [options]', positionals: 1,
      options: SETTINGS_OPTIONS, details: SETTINGS_DETAILS,
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const created = await directory.ldap.create(ctx.actor, { ...settingsFrom(ctx, values), name: positionals[0] } as DirectoryConnectionCreate);
        ctx.emit(created, () => `Added directory ${created.name}.\n${summary(created)}`);
        return 0;
      },
    },
    {
      name: 'set', summary: 'change a directory connection', usage: 'NAME [--from FILE] [options]', positionals: 1,
      options: SETTINGS_OPTIONS, details: SETTINGS_DETAILS,
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const patch = settingsFrom(ctx, values) as DirectoryConnectionUpdate & { kind?: unknown; name?: unknown };
        delete patch.kind;
        delete patch.name;
        if (Object.keys(patch).length === 0) throw new UsageError('nothing to change');
        const updated = await directory.ldap.update(ctx.actor, positionals[0], patch);
        ctx.emit(updated, () => summary(updated));
        return 0;
      },
    },
    {
      name: 'remove', summary: 'remove a directory connection nothing is linked to', usage: 'NAME', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        await directory.ldap.delete(ctx.actor, positionals[0]);
        ctx.emit({ removed: positionals[0] }, () => `Removed directory ${positionals[0]}.`);
        return 0;
      },
    },
    {
      name: 'test', summary: 'bind, count users and groups, show sample entries', usage: 'NAME', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const result = await directory.ldap.test(ctx.actor, positionals[0]);
        ctx.emit(result, () => [
          ...result.steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.step}: ${s.detail}`),
          ...(result.samples.length ? ['Sample entries:', renderTable(result.samples, [
            { header: 'mail', value: (s) => s.mail }, { header: 'name', value: (s) => s.displayName }, { header: 'disabled', value: (s) => s.disabled }, { header: 'dn', value: (s) => s.dn },
          ])] : []),
        ].join('\n'));
        return result.ok ? 0 : 1;
      },
    },
    {
      name: 'sync', summary: 'sync now, or show what a sync would change', usage: 'NAME [--dry-run] [--incremental]', positionals: 1,
      options: { 'dry-run': { type: 'boolean' }, incremental: { type: 'boolean' } },
      details: ['--dry-run       report what would be created, changed, disabled; change nothing', '--incremental   only entries changed since the last sync (default: full)'],
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const run = await directory.ldap.sync(ctx.actor, positionals[0], { mode: flagOpt(values, 'incremental') ? 'incremental' : 'full', dryRun: flagOpt(values, 'dry-run') === true });
        ctx.emit(run, () => runSummary(run));
        return run.status === 'failed' ? 1 : 0;
      },
    },
    {
      name: 'status', summary: 'state of one connection and its last sync', usage: 'NAME', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const connection = await directory.ldap.get(ctx.actor, positionals[0]);
        const last = (await directory.ldap.runs(ctx.actor, connection.id, 0, 1)).items[0] ?? null;
        ctx.emit({ connection, lastRun: last }, () => `${summary(connection)}${last ? `\n\nLast run:\n${runSummary(last)}` : ''}`);
        return 0;
      },
    },
    {
      name: 'runs', summary: 'sync history, newest first', usage: 'NAME [--limit N]', positionals: 1,
      options: { limit: { type: 'string' } },
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const page = await directory.ldap.runs(ctx.actor, positionals[0], 0, Number(stringOpt(values, 'limit') ?? 20));
        ctx.emit(page, () => renderTable(page.items, [
          { header: 'started', value: (r) => r.startedAt }, { header: 'mode', value: (r) => `${r.mode}${r.dryRun ? ' (dry run)' : ''}` },
          { header: 'trigger', value: (r) => r.trigger }, { header: 'status', value: (r) => r.status }, { header: 'users', value: (r) => r.users },
          { header: 'changes', value: (r) => Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k}:${n}`).join(' ') }, { header: 'error', value: (r) => r.error },
        ]));
        return 0;
      },
    },
    {
      name: 'resolve', summary: 'keep a directory account as a local one, or delete it', usage: 'ACCOUNT --detach|--delete', positionals: 1,
      options: { detach: { type: 'boolean' }, delete: { type: 'boolean' } },
      details: ['--detach   the account (and its aliases) become local; set a password next', '--delete   remove the account and its mail'],
      async run(ctx, { positionals, values }) {
        const detach = flagOpt(values, 'detach') === true;
        const del = flagOpt(values, 'delete') === true;
        if (detach === del) throw new UsageError('give exactly one of --detach and --delete');
        const { directory } = await ctx.open();
        await directory.ldap.resolve(ctx.actor, positionals[0], detach ? 'detach' : 'delete');
        ctx.emit({ account: positionals[0], action: detach ? 'detach' : 'delete' }, () => `${detach ? 'Detached' : 'Deleted'} ${positionals[0]}.`);
        return 0;
      },
    },
  ],
};

// stoa group list|add|show|set|remove|add-member|remove-member
import type { Group, GroupCreate, GroupMember, GroupUpdate } from '../../../../shared/src/schemas/directory.ts';
import type { Directory } from '../../directory/api.ts';
import { StoaError } from '../../errors/catalogue.ts';
import type { CliContext } from '../context.ts';
import { UsageError, flagOpt, listOpt, stringOpt, type CommandGroup, type OptionValues } from '../command.ts';
import { renderRecord, renderTable } from '../table.ts';
import { LIST_DETAILS, LIST_OPTIONS, collectPages } from './paging.ts';
import { removeCommand } from './remove-command.ts';

const KINDS = ['security', 'distribution'] as const;

/**
 * An admin names members by address. Accounts and groups here become
 * references by id (so renames follow); addresses in domains not served here
 * are external; anything else in a local domain is a typo, not an outsider.
 */
async function memberFor(directory: Directory, address: string, external: boolean): Promise<GroupMember> {
  if (external) return { kind: 'external', address };
  const found = await directory.addresses.resolve(address);
  if (found?.kind === 'account') return { kind: 'account', id: found.account.id };
  if (found?.kind === 'group') return { kind: 'group', id: found.group.id };
  if (found) throw new StoaError('STOA_INVALID_REFERENCE', `${address} is ${found.kind === 'catch-all' ? 'caught by a catch-all' : `a ${found.kind}`}; add an account or a group, or use --external`);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!address.includes('@')) throw new StoaError('STOA_INVALID_ADDRESS', `${address} is not an e-mail address`);
  if (await directory.addresses.isLocalDomain(domain)) throw new StoaError('STOA_INVALID_REFERENCE', `nothing here has the address ${address}`);
  return { kind: 'external', address };
}

async function memberLabel(ctx: CliContext, directory: Directory, m: GroupMember): Promise<string> {
  if (m.kind === 'external') return `${m.address} (external)`;
  try {
    if (m.kind === 'account') return (await directory.accounts.get(ctx.actor, m.id)).address;
    return `${(await directory.groups.get(ctx.actor, m.id)).address} (group)`;
  } catch {
    return `${m.kind} ${m.id} (gone)`;
  }
}

const sameMember = (a: GroupMember, b: GroupMember): boolean =>
  a.kind === b.kind && (a.kind === 'external' ? a.address.toLowerCase() === (b as { address: string }).address.toLowerCase() : a.id === (b as { id: string }).id);

function editFields(values: OptionValues): GroupUpdate {
  const patch: GroupUpdate = {};
  const name = stringOpt(values, 'name');
  if (name !== undefined) patch.name = name;
  const kind = stringOpt(values, 'kind');
  if (kind !== undefined) {
    if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
    patch.kind = kind as Group['kind'];
  }
  const description = stringOpt(values, 'description');
  if (description !== undefined) patch.description = description;
  return patch;
}

const EDIT_OPTIONS = { name: { type: 'string' }, kind: { type: 'string' }, description: { type: 'string' } } as const;
const EDIT_DETAILS = [
  '--name TEXT             display name',
  '--kind KIND             security (grants rights) or distribution (mailing list only)',
  '--description TEXT      free text shown to admins',
];

async function changeMembers(ctx: CliContext, groupAddress: string, memberAddress: string, external: boolean, add: boolean): Promise<number> {
  const { directory } = await ctx.open();
  const group = await directory.groups.get(ctx.actor, groupAddress);
  const member = await memberFor(directory, memberAddress, external);
  const present = group.members.some((m) => sameMember(m, member));
  if (add === present) {
    ctx.emit(group, () => `${memberAddress} is ${add ? 'already' : 'not'} a member of ${group.address}; nothing changed.`);
    return 0;
  }
  const members = add ? [...group.members, member] : group.members.filter((m) => !sameMember(m, member));
  const updated = await directory.groups.update(ctx.actor, group.id, { members });
  ctx.emit(updated, () => `${add ? 'Added' : 'Removed'} ${memberAddress} ${add ? 'to' : 'from'} ${updated.address}.`);
  return 0;
}

export const groupCommands: CommandGroup = {
  name: 'group',
  summary: 'groups and distribution lists',
  commands: [
    {
      name: 'list', summary: 'list groups', usage: '[--domain NAME] [--q TEXT] [--limit N] [--offset N]', positionals: 0,
      options: { ...LIST_OPTIONS, domain: { type: 'string' } }, details: ['--domain NAME    only groups in this domain', ...LIST_DETAILS],
      async run(ctx, { values }) {
        const { directory } = await ctx.open();
        const domain = stringOpt(values, 'domain');
        const { items, total } = await collectPages(values, (offset, limit, q) => directory.groups.list(ctx.actor, { offset, limit, q, sort: 'address', order: 'asc', domain }));
        ctx.emit({ items, total }, () => (items.length === 0 ? 'No groups.' : renderTable(items, [
          { header: 'address', value: (g) => g.address },
          { header: 'name', value: (g) => g.name },
          { header: 'kind', value: (g) => g.kind },
          { header: 'members', value: (g) => g.members.length },
        ])));
        return 0;
      },
    },
    {
      name: 'add', summary: 'add a group', usage: 'ADDRESS [--name TEXT] [--kind KIND] [--description TEXT] [--member ADDRESS…]', positionals: 1,
      options: { ...EDIT_OPTIONS, member: { type: 'string', multiple: true }, 'allow-mixed-script': { type: 'boolean' } },
      details: [...EDIT_DETAILS, '--member ADDRESS        an account, a group or an external address (repeat for several)', '--allow-mixed-script    accept a name that mixes scripts (homoglyph check, docs/security.md)'],
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const input: GroupCreate = { address: positionals[0], ...editFields(values) };
        const members = listOpt(values, 'member');
        if (members.length > 0) input.members = await Promise.all(members.map((m) => memberFor(directory, m, false)));
        if (flagOpt(values, 'allow-mixed-script')) input.allowMixedScript = true;
        const group = await directory.groups.create(ctx.actor, input);
        ctx.emit(group, () => `Added group ${group.address}.`);
        return 0;
      },
    },
    {
      name: 'show', summary: 'show one group and its members', usage: 'ADDRESS', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const group = await directory.groups.get(ctx.actor, positionals[0]);
        const labels = await Promise.all(group.members.map((m) => memberLabel(ctx, directory, m)));
        ctx.emit({ ...group, memberAddresses: labels }, () => renderRecord({
          address: group.address, id: group.id, name: group.name, kind: group.kind, description: group.description,
          members: labels, createdAt: group.createdAt, updatedAt: group.updatedAt,
        }));
        return 0;
      },
    },
    {
      name: 'set', summary: 'change a group', usage: 'ADDRESS [--name TEXT] [--kind KIND] [--description TEXT]', positionals: 1,
      options: EDIT_OPTIONS, details: EDIT_DETAILS,
      async run(ctx, { positionals, values }) {
        const patch = editFields(values);
        if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give at least one option');
        const { directory } = await ctx.open();
        const group = await directory.groups.update(ctx.actor, positionals[0], patch);
        ctx.emit(group, () => `Updated group ${group.address}.`);
        return 0;
      },
    },
    removeCommand('group', 'remove a group', 'ADDRESS', (directory) => directory.groups),
    {
      name: 'add-member', summary: 'add a member to a group', usage: 'GROUP MEMBER [--external]', positionals: 2,
      options: { external: { type: 'boolean' } },
      details: ['MEMBER is an account or group address here, or an address elsewhere', '--external              treat MEMBER as an outside address even in a local domain'],
      run: (ctx, { positionals, values }) => changeMembers(ctx, positionals[0], positionals[1], flagOpt(values, 'external') === true, true),
    },
    {
      name: 'remove-member', summary: 'remove a member from a group', usage: 'GROUP MEMBER [--external]', positionals: 2,
      options: { external: { type: 'boolean' } },
      details: ['--external              MEMBER is listed as an outside address'],
      run: (ctx, { positionals, values }) => changeMembers(ctx, positionals[0], positionals[1], flagOpt(values, 'external') === true, false),
    },
  ],
};

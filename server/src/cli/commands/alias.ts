// stoa alias list|add|show|remove
import type { AliasCreate } from '../../../../shared/src/schemas/directory.ts';
import { flagOpt, stringOpt, type CommandGroup } from '../command.ts';
import { renderRecord, renderTable } from '../table.ts';
import { LIST_DETAILS, LIST_OPTIONS, collectPages } from './paging.ts';
import { removeCommand } from './remove-command.ts';

export const aliasCommands: CommandGroup = {
  name: 'alias',
  summary: 'extra addresses that deliver elsewhere (and *@domain catch-alls)',
  commands: [
    {
      name: 'list', summary: 'list aliases', usage: '[--domain NAME] [--q TEXT] [--limit N] [--offset N]', positionals: 0,
      options: { ...LIST_OPTIONS, domain: { type: 'string' } }, details: ['--domain NAME    only aliases in this domain', ...LIST_DETAILS],
      async run(ctx, { values }) {
        const { directory } = await ctx.open();
        const domain = stringOpt(values, 'domain');
        const { items, total } = await collectPages(values, (offset, limit, q) => directory.aliases.list(ctx.actor, { offset, limit, q, sort: 'address', order: 'asc', domain }));
        ctx.emit({ items, total }, () => (items.length === 0 ? 'No aliases.' : renderTable(items, [
          { header: 'address', value: (a) => a.address },
          { header: 'targets', value: (a) => a.targets.join(', ') },
          { header: 'description', value: (a) => a.description },
        ])));
        return 0;
      },
    },
    {
      name: 'add', summary: 'add an alias', usage: 'ADDRESS TARGET… [--description TEXT]', positionals: [2, 1000],
      options: { description: { type: 'string' }, 'allow-mixed-script': { type: 'boolean' } },
      details: ['ADDRESS may be *@domain: a catch-all for addresses nobody else has', '--description TEXT      free text shown to admins', '--allow-mixed-script    accept a name that mixes scripts (homoglyph check, docs/security.md)'],
      async run(ctx, { positionals, values }) {
        const { directory } = await ctx.open();
        const [address, ...targets] = positionals;
        const input: AliasCreate = { address, targets };
        const description = stringOpt(values, 'description');
        if (description !== undefined) input.description = description;
        if (flagOpt(values, 'allow-mixed-script')) input.allowMixedScript = true;
        const alias = await directory.aliases.create(ctx.actor, input);
        ctx.emit(alias, () => `Added alias ${alias.address} → ${alias.targets.join(', ')}.`);
        return 0;
      },
    },
    {
      name: 'show', summary: 'show one alias', usage: 'ADDRESS', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const alias = await directory.aliases.get(ctx.actor, positionals[0]);
        ctx.emit(alias, () => renderRecord({ ...alias }));
        return 0;
      },
    },
    removeCommand('alias', 'remove an alias', 'ADDRESS', (directory) => directory.aliases),
  ],
};

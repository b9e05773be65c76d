// stoa app-password list|add|revoke: per-device passwords for mail clients.
import { type CommandGroup } from '../command.ts';
import { renderTable } from '../table.ts';

export const appPasswordCommands: CommandGroup = {
  name: 'app-password',
  summary: 'per-device passwords for mail and calendar clients',
  commands: [
    {
      name: 'list', summary: 'list an account\'s app passwords', usage: 'ACCOUNT', positionals: 1,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const items = await directory.appPasswords.list(ctx.actor, positionals[0]);
        ctx.emit({ items, total: items.length }, () => (items.length === 0 ? 'No app passwords.' : renderTable(items, [
          { header: 'id', value: (p) => p.id },
          { header: 'name', value: (p) => p.name },
          { header: 'created', value: (p) => p.createdAt },
          { header: 'last used', value: (p) => (p.lastUsedAt ? `${p.lastUsedAt} from ${p.lastUsedIp ?? '?'}` : 'never') },
        ])));
        return 0;
      },
    },
    {
      name: 'add', summary: 'create an app password (the secret is shown once)', usage: 'ACCOUNT NAME', positionals: 2,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        const { appPassword, secret } = await directory.appPasswords.create(ctx.actor, positionals[0], positionals[1]);
        ctx.emit({ appPassword, secret }, () => [
          `App password "${appPassword.name}" (id ${appPassword.id}) for ${positionals[0]}:`,
          '',
          `    ${secret}`,
          '',
          'It is shown only now; enter it in the client instead of the account password.',
        ].join('\n'));
        return 0;
      },
    },
    {
      name: 'revoke', summary: 'revoke an app password', usage: 'ACCOUNT ID', positionals: 2,
      async run(ctx, { positionals }) {
        const { directory } = await ctx.open();
        await directory.appPasswords.revoke(ctx.actor, positionals[0], positionals[1]);
        ctx.emit({ revoked: positionals[1] }, () => `Revoked app password ${positionals[1]} of ${positionals[0]}.`);
        return 0;
      },
    },
  ],
};

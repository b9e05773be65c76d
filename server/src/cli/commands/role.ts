// stoa role grant ACCOUNT server-admin|domain-admin|user [--domain d]…
import type { Role } from '../../../../shared/src/schemas/directory.ts';
import { UsageError, listOpt, type CommandGroup } from '../command.ts';

const ROLES: readonly Role[] = ['server-admin', 'domain-admin', 'user'];

export const roleCommands: CommandGroup = {
  name: 'role',
  summary: 'administrative roles',
  commands: [
    {
      name: 'grant', summary: 'give an account a role (replacing its current one)', usage: 'ACCOUNT server-admin|domain-admin|user [--domain NAME…]', positionals: 2,
      options: { domain: { type: 'string', multiple: true } },
      details: ['--domain NAME           for domain-admin: a domain it manages (repeat for several)'],
      async run(ctx, { positionals, values }) {
        const [account, role] = positionals;
        if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`the role must be one of ${ROLES.join(', ')} (got "${role}")`);
        const domains = listOpt(values, 'domain');
        if (role === 'domain-admin' && domains.length === 0) throw new UsageError('domain-admin needs at least one --domain');
        if (role !== 'domain-admin' && domains.length > 0) throw new UsageError(`--domain applies only to domain-admin, not to ${role}`);
        const { directory } = await ctx.open();
        const updated = await directory.accounts.grantRole(ctx.actor, account, role === 'domain-admin' ? { role: role as Role, domains } : { role: role as Role });
        ctx.emit(updated, () => `${updated.address} is now ${role}${domains.length ? ` of ${domains.join(', ')}` : ''}.`);
        return 0;
      },
    },
  ],
};

// CAPABILITY (RFC 5804 §2.4), also sent as the greeting and after STARTTLS
// (§1.7, §2.2). SASL mechanisms are listed only where passwords may be sent.
import type { CommandSpec, ManageSieveContext } from '../context.ts';
import { ok } from '../context.ts';
import { capabilityLines } from '../wire/serialize.ts';

export function capabilities(ctx: ManageSieveContext): Buffer {
  const { session, settings, services } = ctx;
  const saslAllowed = session.secure || settings.allowPlaintextAuth;
  const caps: [string, string | null][] = [
    ['IMPLEMENTATION', 'Stoa'],
    ['SASL', session.account === null && saslAllowed ? 'PLAIN LOGIN' : ''],
    ['SIEVE', services.sieve.extensions.join(' ')],
  ];
  if (!session.secure && settings.starttls) caps.push(['STARTTLS', null]);
  caps.push(['MAXREDIRECTS', String(services.sieve.settings.maxRedirects)]);
  if (session.account !== null) caps.push(['OWNER', session.account.address]);
  caps.push(['UNAUTHENTICATE', null], ['VERSION', '1.0']);
  return capabilityLines(caps);
}

export const capability: CommandSpec<'CAPABILITY'> = {
  verb: 'CAPABILITY',
  state: 'any',
  handler: async (ctx) => ({ type: 'data', body: capabilities(ctx), then: ok() }),
};

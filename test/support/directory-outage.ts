// An account owned by an external directory that cannot be reached: a real
// directory connection (ldapts, LDAPS) whose only server is a loopback port
// nobody listens on, and an account linked to it the way its sync links one
// (the connection's sync actor, through the account service). Every login
// of that account meets a real connection refusal, so the authentication
// service answers STOA_AUTH_UNAVAILABLE; front ends map it to their protocol.
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Directory } from '../../server/src/directory/api.ts';
import { syncActor } from '../../server/src/directory/ldap/connection-record.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';

/** A loopback port that was free a moment ago and has no listener now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Creates the unreachable connection and a directory account at `address` (its domain must exist). */
export async function accountOfUnreachableDirectory(directory: Directory, address: string): Promise<Account> {
  const port = await closedPort();
  const name = `down-${randomUUID().slice(0, 8)}`;
  const connection = await directory.ldap.create(systemActor(), {
    name, kind: 'openldap', servers: [`ldaps://127.0.0.1:${port}`],
    bindDn: 'cn=stoa,dc=example,dc=test', bindPassword: 'service secret', baseDn: 'dc=example,dc=test',
    connectTimeoutMs: 2000, timeoutMs: 2000,
  });
  const local = address.split('@')[0];
  return directory.accounts.create(syncActor(connection), { address, displayName: local }, {
    source: {
      connectionId: connection.id, externalId: randomUUID(), dn: `uid=${local},dc=example,dc=test`,
      syncedAt: new Date().toISOString(), missingSince: null, managesRole: false,
    },
  });
}

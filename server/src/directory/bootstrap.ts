// First start: a store with no server admin gets an operator account (so
// someone can log in to the console) and, unless turned off, a demo domain
// to try the server with. Later starts change nothing.
import type { StoaConfig } from '../config/types.ts';
import { isStoaError } from '../errors/catalogue.ts';
import type { Store } from '../store/port.ts';
import { systemActor } from './access.ts';
import type { Directory } from './api.ts';
import { generatePassword } from './password-policy.ts';

export interface BootstrapCredential {
  login: string;
  /** Set only when Stoa generated it: print once, it is not stored anywhere in clear. */
  generatedPassword: string | null;
}

export interface BootstrapResult {
  /** False on every start after the first. */
  created: boolean;
  admin: BootstrapCredential | null;
  demo: { domain: string; users: BootstrapCredential[] } | null;
}

const DEMO_USERS = [
  { local: 'alice', displayName: 'Alice Demo' },
  { local: 'bob', displayName: 'Bob Demo' },
] as const;

const NOTHING: BootstrapResult = { created: false, admin: null, demo: null };

export async function bootstrapFirstStart(store: Store, directory: Directory, config: StoaConfig): Promise<BootstrapResult> {
  if (await store.accounts.countByRole('server-admin', false) > 0) return NOTHING;
  const actor = systemActor('system');
  const { firstStart } = config;

  const adminPassword = firstStart.adminPassword ?? generatePassword();
  let adminLogin: string;
  try {
    adminLogin = (await directory.operators.create(actor, { login: firstStart.adminLogin || 'admin', password: adminPassword })).address;
  } catch (err) {
    // Another node won the race to the first start: it did the work.
    if (isStoaError(err, 'STOA_ADDRESS_TAKEN')) return NOTHING;
    throw err;
  }
  const result: BootstrapResult = {
    created: true,
    admin: { login: adminLogin, generatedPassword: firstStart.adminPassword ? null : adminPassword },
    demo: null,
  };

  if (!firstStart.demo.enabled) return result;
  const existing = await store.domains.getByName(firstStart.demo.domain.toLowerCase());
  if (existing) return result;
  const domain = await directory.domains.create(actor, { name: firstStart.demo.domain, description: 'Demo domain created at first start' });
  const users: BootstrapCredential[] = [];
  for (const user of DEMO_USERS) {
    const password = firstStart.demo.password ?? generatePassword();
    const account = await directory.accounts.create(actor, {
      address: `${user.local}@${domain.name}`,
      displayName: user.displayName,
      password,
    });
    users.push({ login: account.address, generatedPassword: firstStart.demo.password ? null : password });
  }
  result.demo = { domain: domain.name, users };
  return result;
}

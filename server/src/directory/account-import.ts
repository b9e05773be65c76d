// Many accounts at once (`stoa account import accounts.csv`, issue 16 item
// 18): every row is checked exactly as AccountService.create checks one —
// the caller's scope, the domain, the address free in the shared address
// space and not repeated in the batch, the password policy, forwarding
// targets, mixed scripts — and the rows are created all or none, in one
// transaction, each with its own audit entry. A dry run stops after the
// checks and changes nothing. Passwords are hashed only when every row
// passed, so a batch with a typo costs no argon2 time.
import type { Account, AccountCreate, DirectorySource, Domain } from '../../../shared/src/schemas/directory.ts';
import { writeAudit } from '../audit/audit-log.ts';
import { StoaError, isStoaError, type ErrorCode } from '../errors/catalogue.ts';
import type { AccountRecord } from '../store/port.ts';
import { requireAdmin } from './access.ts';
import { toAccount } from './account-access.ts';
import type { Actor } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { homeDomainFor } from './domain-scope.ts';
import { normaliseForwardTo } from './forwarding.ts';
import { isoNow, newId } from './ids.ts';
import { checkNewName } from './mixed-script.ts';
import { parseAddress, type ParsedAddress } from './names.ts';
import { hashPassword } from './password-hash.ts';
import { checkPasswordPolicy } from './password-policy.ts';

/** Rows per import: one transaction holds them all. */
export const MAX_IMPORT_ROWS = 10_000;
/** argon2id runs at once while hashing a batch (each takes auth.argon2.memoryKiB). */
const HASH_CONCURRENCY = 4;

export interface AccountImportError {
  /** Index of the row in the request (0-based). */
  index: number;
  address: string;
  code: ErrorCode;
  message: string;
}

export interface AccountImportResult {
  dryRun: boolean;
  /** Rows that passed every check, by index and normalised address. */
  valid: Array<{ index: number; address: string }>;
  /** What was created; empty for a dry run or when any row failed. */
  created: Account[];
  errors: AccountImportError[];
}

interface PlannedRow { index: number; input: AccountCreate; parsed: ParsedAddress; forwardTo: string[] }

/** The account row create() would write for this input. */
/** A new account row; `source` links it to a directory entry (only the sync passes one: imported accounts are local). */
export function newAccountRecord(
  domain: Domain, parsed: ParsedAddress, input: AccountCreate, forwardTo: string[], passwordHash: string | null, at: string, source: DirectorySource | null = null,
): AccountRecord {
  return {
    id: newId(),
    domainId: domain.id,
    address: parsed.address,
    displayName: input.displayName?.trim() ?? '',
    enabled: input.enabled ?? true,
    role: 'user',
    adminDomainIds: [],
    quotaBytes: input.quotaBytes ?? domain.defaultQuotaBytes,
    quotaMessages: input.quotaMessages ?? domain.defaultQuotaMessages,
    forwardTo,
    keepForwardedCopy: input.keepForwardedCopy ?? true,
    passwordSetAt: passwordHash ? at : null,
    source,
    createdAt: at,
    updatedAt: at,
    passwordHash,
  };
}

async function hashAll(rows: readonly PlannedRow[], ctx: DirectoryContext): Promise<Array<string | null>> {
  const hashes: Array<string | null> = new Array(rows.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const i = next++;
      const password = rows[i].input.password;
      if (password !== undefined) hashes[i] = await hashPassword(password, ctx.config.auth.argon2);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, rows.length) }, worker));
  return hashes;
}

export async function importAccounts(ctx: DirectoryContext, actor: Actor, inputs: readonly AccountCreate[], options: { dryRun: boolean }): Promise<AccountImportResult> {
  requireAdmin(actor, 'create accounts');
  if (inputs.length > MAX_IMPORT_ROWS) throw new StoaError('STOA_VALIDATION', `at most ${MAX_IMPORT_ROWS} accounts per import (got ${inputs.length}); split the file`);
  const { store, config } = ctx;
  const errors: AccountImportError[] = [];
  const planned: PlannedRow[] = [];
  const firstRow = new Map<string, number>();
  for (const [index, input] of inputs.entries()) {
    try {
      const parsed = parseAddress(input.address);
      checkNewName(actor, { local: parsed.local }, input.allowMixedScript);
      const earlier = firstRow.get(parsed.address);
      if (earlier !== undefined) throw new StoaError('STOA_ADDRESS_TAKEN', `${parsed.address} is also in row ${earlier + 1} of this import`);
      firstRow.set(parsed.address, index);
      await homeDomainFor(store, actor, parsed.domain, 'account');
      if (await store.addresses.resolve(parsed.address)) throw new StoaError('STOA_ADDRESS_TAKEN', parsed.address);
      if (input.password !== undefined) checkPasswordPolicy(input.password, parsed.address, config.auth.minPasswordLength);
      planned.push({ index, input, parsed, forwardTo: normaliseForwardTo(input.forwardTo ?? [], parsed.address) });
    } catch (err) {
      if (!isStoaError(err)) throw err;
      errors.push({ index, address: input.address, code: err.code, message: err.detail ?? err.message });
    }
  }
  const valid = planned.map((p) => ({ index: p.index, address: p.parsed.address }));
  if (options.dryRun || errors.length > 0 || planned.length === 0) return { dryRun: options.dryRun, valid, created: [], errors };

  const hashes = await hashAll(planned, ctx);
  // All or none: a row that fails now (an address taken meanwhile) rolls back every other.
  const created = await store.atomic(async (tx) => {
    const at = isoNow(ctx.now());
    const accounts: Account[] = [];
    for (const [i, row] of planned.entries()) {
      const domain = await homeDomainFor(tx, actor, row.parsed.domain, 'account');
      const record = newAccountRecord(domain, row.parsed, row.input, row.forwardTo, hashes[i], at);
      await tx.accounts.create(record);
      await writeAudit(tx, actor, at, { action: 'create', objectType: 'account', objectId: record.id, domainId: domain.id, before: null, after: record });
      accounts.push(toAccount(record));
    }
    return accounts;
  });
  return { dryRun: false, valid, created, errors: [] };
}

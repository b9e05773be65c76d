// Bulk account work for the console and scripts: enable/disable many
// accounts, and import accounts from CSV with a dry run. Every account goes
// through the account service, so scope, roles, policy and the audit log
// are the same as for one account at a time. An import whose file has any
// invalid row creates nothing: the report lists every problem first.
import { AccountCreate } from '../../../shared/src/schemas/directory.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { Actor, Directory } from './api.ts';
import { requireAdmin } from './access.ts';
import { parseAccountCsv } from './account-csv.ts';
import { parseAddress } from './names.ts';
import { checkPasswordPolicy } from './password-policy.ts';

export const MAX_BULK_IDS = 1000;

export interface BulkResult { id: string; ok: boolean; code?: string; message?: string }

export interface ImportRowReport {
  line: number;
  address: string;
  status: 'valid' | 'invalid' | 'created' | 'failed';
  errors: Array<{ field: string; message: string }>;
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  valid: number;
  invalid: number;
  created: number;
  rows: ImportRowReport[];
}

export interface AccountBulkService {
  setEnabled(actor: Actor, ids: readonly string[], enabled: boolean): Promise<BulkResult[]>;
  importCsv(actor: Actor, csv: string, opts: { dryRun: boolean }): Promise<ImportReport>;
}

function messageOf(err: unknown): { code: string; message: string } {
  if (err instanceof StoaError) return { code: err.code, message: err.detail ?? err.message };
  return { code: 'STOA_INTERNAL', message: 'unexpected error' };
}

export function createAccountBulkService(deps: { directory: Pick<Directory, 'accounts' | 'domains' | 'addresses'>; minPasswordLength: number }): AccountBulkService {
  const { accounts, domains, addresses } = deps.directory;

  async function validate(actor: Actor, csv: string): Promise<{ rows: ImportRowReport[]; inputs: Map<number, AccountCreate> }> {
    const parsed = parseAccountCsv(csv);
    if (!parsed.ok) throw new StoaError('STOA_VALIDATION', parsed.error, { errors: [{ path: '/body/csv', message: parsed.error }] });
    const inputs = new Map<number, AccountCreate>();
    const seen = new Map<string, number>();
    const domainOk = new Map<string, string | null>();
    const rows: ImportRowReport[] = [];
    // typebox/value is some 300 modules and several MiB of heap that only an import needs: loaded here, not at start.
    const { Value } = await import('typebox/value');
    for (const row of parsed.rows) {
      const errors = [...row.errors];
      const address = typeof row.input.address === 'string' ? row.input.address : '';
      if (!address) errors.push({ field: 'address', message: 'is required' });
      for (const e of Value.Errors(AccountCreate, row.input)) {
        const field = e.instancePath.split('/')[1] || 'row';
        if (!errors.some((x) => x.field === field)) errors.push({ field, message: e.message });
      }
      if (address && !errors.some((e) => e.field === 'address')) {
        try {
          const parsedAddress = parseAddress(address);
          const key = parsedAddress.address.toLowerCase();
          if (seen.has(key)) errors.push({ field: 'address', message: `appears again (first on line ${seen.get(key)})` });
          else seen.set(key, row.line);
          if (!domainOk.has(parsedAddress.domain)) {
            domainOk.set(parsedAddress.domain, await domains.get(actor, parsedAddress.domain).then(() => null, (err: unknown) => {
              if (isStoaError(err, 'STOA_NOT_FOUND')) return `domain ${parsedAddress.domain} does not exist or is not one of yours`;
              throw err;
            }));
          }
          const domainProblem = domainOk.get(parsedAddress.domain);
          if (domainProblem) errors.push({ field: 'address', message: domainProblem });
          else if (await addresses.resolve(parsedAddress.address)) errors.push({ field: 'address', message: 'is already in use' });
          if (typeof row.input.password === 'string') {
            try { checkPasswordPolicy(row.input.password, parsedAddress.address, deps.minPasswordLength); } catch (err) {
              errors.push({ field: 'password', message: messageOf(err).message });
            }
          }
        } catch (err) {
          if (!isStoaError(err)) throw err;
          errors.push({ field: 'address', message: messageOf(err).message });
        }
      }
      if (errors.length === 0) inputs.set(row.line, row.input as AccountCreate);
      rows.push({ line: row.line, address, status: errors.length ? 'invalid' : 'valid', errors });
    }
    return { rows, inputs };
  }

  return {
    async setEnabled(actor, ids, enabled) {
      requireAdmin(actor, enabled ? 'enable accounts' : 'disable accounts');
      if (ids.length > MAX_BULK_IDS) throw new StoaError('STOA_VALIDATION', `At most ${MAX_BULK_IDS} accounts at once`);
      const results: BulkResult[] = [];
      for (const id of new Set(ids)) {
        try {
          await accounts.update(actor, id, { enabled });
          results.push({ id, ok: true });
        } catch (err) {
          if (!isStoaError(err)) throw err;
          results.push({ id, ok: false, ...messageOf(err) });
        }
      }
      return results;
    },

    async importCsv(actor, csv, { dryRun }) {
      requireAdmin(actor, 'import accounts');
      const { rows, inputs } = await validate(actor, csv);
      const invalid = rows.filter((r) => r.status === 'invalid').length;
      const report: ImportReport = { dryRun, total: rows.length, valid: rows.length - invalid, invalid, created: 0, rows };
      if (dryRun || invalid > 0) return report;
      for (const row of rows) {
        try {
          await accounts.create(actor, inputs.get(row.line)!);
          row.status = 'created';
          report.created++;
        } catch (err) {
          // Something changed since validation (an address taken meanwhile): this row alone fails.
          if (!isStoaError(err)) throw err;
          row.status = 'failed';
          row.errors.push({ field: 'address', message: messageOf(err).message });
        }
      }
      return report;
    },
  };
}

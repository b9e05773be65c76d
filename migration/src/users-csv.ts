// The users CSV of a bulk migration (docs/migration.md "Users CSV"): one
// line per mailbox, source identity → Stoa account, with optional
// per-user source password, account creation and its details.
import { parseCsvRecords } from './engine/csv.ts';
import type { JobSecrets, UserSpec } from './job-spec.ts';

export const MAX_USERS = 100_000;

const COLUMNS = {
  source: ['source', 'source_identity', 'login', 'source_user', 'path'],
  target: ['target', 'stoa', 'account', 'target_address', 'email'],
  secret: ['source_password', 'password', 'token', 'source_token'],
  create: ['create', 'create_account'],
  displayName: ['display_name', 'name', 'displayname'],
  accountPassword: ['account_password', 'stoa_password'],
  quota: ['quota', 'quota_bytes'],
} as const;

export class UsersCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsersCsvError';
  }
}

const SIZE = /^(\d+)\s*([kmgt]?)i?b?$/i;
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function yes(value: string, line: number): boolean | undefined {
  if (value === '') return undefined;
  if (/^(yes|y|true|1)$/i.test(value)) return true;
  if (/^(no|n|false|0)$/i.test(value)) return false;
  throw new UsersCsvError(`line ${line}: create must be yes or no (got "${value}")`);
}

/** Parses the CSV; every problem is reported with its line, all at once. */
export function parseUsersCsv(text: string, defaults: { create?: boolean } = {}): { users: UserSpec[]; secrets: JobSecrets } {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new UsersCsvError('the users CSV has no lines after its header');
  if (records.length > MAX_USERS) throw new UsersCsvError(`more than ${MAX_USERS} users in one CSV`);
  const pick = (record: Map<string, string>, names: readonly string[]) => {
    for (const n of names) if (record.has(n)) return record.get(n)!;
    return '';
  };
  const header = [...records[0].record.keys()];
  if (!COLUMNS.source.some((c) => header.includes(c)) || !COLUMNS.target.some((c) => header.includes(c))) {
    throw new UsersCsvError(`the header needs a "source" and a "target" column (found: ${header.join(', ')})`);
  }
  const users: UserSpec[] = [];
  const secrets: (string | null)[] = [];
  const accountPasswords: (string | null)[] = [];
  const problems: string[] = [];
  for (const { line, record } of records) {
    try {
      const source = pick(record, COLUMNS.source);
      const target = pick(record, COLUMNS.target).toLowerCase();
      if (source === '') throw new UsersCsvError(`line ${line}: no source identity`);
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(target)) throw new UsersCsvError(`line ${line}: "${target}" is not an e-mail address`);
      const quota = pick(record, COLUMNS.quota);
      const m = quota === '' ? null : SIZE.exec(quota);
      if (quota !== '' && !m) throw new UsersCsvError(`line ${line}: quota "${quota}" is not a size such as 2G`);
      users.push({
        source, target,
        create: yes(pick(record, COLUMNS.create), line) ?? defaults.create ?? false,
        ...(pick(record, COLUMNS.displayName) ? { displayName: pick(record, COLUMNS.displayName) } : {}),
        ...(m ? { quotaBytes: Number(m[1]) * UNITS[m[2].toLowerCase()] } : {}),
      });
      secrets.push(pick(record, COLUMNS.secret) || null);
      accountPasswords.push(pick(record, COLUMNS.accountPassword) || null);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new UsersCsvError(problems.slice(0, 20).join('\n') + (problems.length > 20 ? `\n… and ${problems.length - 20} more` : ''));
  return { users, secrets: { users: secrets, accountPasswords } };
}

// Bulk account operations: enable/disable many accounts, and CSV import with
// a dry run (POST /api/v1/accounts/bulk, POST /api/v1/accounts/import).
import Type, { type Static } from 'typebox';
import { Id } from './common.ts';

export const AccountBulkRequest = Type.Object({
  action: Type.Union([Type.Literal('disable'), Type.Literal('enable')]),
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1, maxItems: 1000, description: 'Account ids or addresses' }),
}, { additionalProperties: false });
export type AccountBulkRequest = Static<typeof AccountBulkRequest>;

export const AccountBulkResult = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.String(),
    ok: Type.Boolean(),
    code: Type.Optional(Type.String({ description: 'Stoa error code when this account was not changed' })),
    message: Type.Optional(Type.String()),
  }, { additionalProperties: false })),
  changed: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });
export type AccountBulkResult = Static<typeof AccountBulkResult>;

export const AccountImportRequest = Type.Object({
  csv: Type.String({ minLength: 1, maxLength: 8 * 1024 * 1024, description: 'CSV text; first line names the columns (address, displayName, password, quotaBytes, quotaMessages, enabled, forwardTo, keepForwardedCopy)' }),
  dryRun: Type.Boolean({ description: 'true: check every row and report, create nothing' }),
}, { additionalProperties: false });
export type AccountImportRequest = Static<typeof AccountImportRequest>;

export const ImportRowReport = Type.Object({
  line: Type.Integer({ minimum: 1 }),
  address: Type.String(),
  status: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('created'), Type.Literal('failed')]),
  errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() }, { additionalProperties: false })),
}, { additionalProperties: false });
export type ImportRowReport = Static<typeof ImportRowReport>;

export const AccountImportReport = Type.Object({
  dryRun: Type.Boolean(),
  total: Type.Integer({ minimum: 0 }),
  valid: Type.Integer({ minimum: 0 }),
  invalid: Type.Integer({ minimum: 0 }),
  created: Type.Integer({ minimum: 0, description: 'Accounts created; 0 on a dry run or when any row is invalid' }),
  rows: Type.Array(ImportRowReport),
}, { additionalProperties: false });
export type AccountImportReport = Static<typeof AccountImportReport>;

export const AccountUsageQuery = Type.Object({
  ids: Type.String({ minLength: 1, maxLength: 64 * 500 + 500, description: 'Comma-separated account ids (at most 500)' }),
}, { additionalProperties: false });

export const AccountUsageList = Type.Object({
  items: Type.Array(Type.Object({ accountId: Id, bytes: Type.Integer({ minimum: 0 }), messages: Type.Integer({ minimum: 0 }) }, { additionalProperties: false })),
}, { additionalProperties: false });
export type AccountUsageList = Static<typeof AccountUsageList>;

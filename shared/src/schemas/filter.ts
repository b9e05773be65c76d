// Admin API schemas of the filter (/api/v1/filter, /api/v1/me/quarantine):
// quarantined messages, stored verdicts, rules and classifier training.
import Type, { type Static } from 'typebox';
import { Timestamp } from './common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Uuid = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });

export const FilterObjectParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const RuleHit = Type.Object({
  rule: Type.String(),
  score: Type.Number(),
  detail: Type.Optional(Type.String()),
  description: Type.Optional(Type.String({ description: 'What the rule means (docs/filtering.md)' })),
}, { additionalProperties: false });

export const QuarantineStatus = Type.Union([Type.Literal('held'), Type.Literal('released'), Type.Literal('deleted')]);

export const QuarantineEntry = Type.Object({
  id: Type.String(),
  blobId: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  heldAt: Timestamp,
  expiresAt: Timestamp,
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  sender: Type.String({ description: 'Envelope sender; empty for <>' }),
  recipients: Type.Array(Type.Object({ address: Type.String(), accountId: Nullable(Type.String()) }, { additionalProperties: false })),
  domainIds: Type.Array(Type.String()),
  accountIds: Type.Array(Type.String()),
  subject: Type.String(),
  from: Type.String(),
  reason: Type.String(),
  verdictId: Nullable(Type.String()),
  score: Type.Number(),
  status: QuarantineStatus,
  resolvedAt: Nullable(Timestamp),
  resolvedBy: Nullable(Type.String()),
  digested: Type.Boolean(),
}, { additionalProperties: false });

export const QuarantinePage = Type.Object({
  items: Type.Array(QuarantineEntry),
  total: Type.Integer({ minimum: 0 }),
  offset: Type.Integer({ minimum: 0 }),
  limit: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const QuarantineListQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  status: Type.Optional(QuarantineStatus),
}, { additionalProperties: false });
export type QuarantineListQuery = Static<typeof QuarantineListQuery>;

export const Verdict = Type.Object({
  id: Type.String(),
  at: Timestamp,
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  ip: Nullable(Type.String()),
  helo: Nullable(Type.String()),
  sender: Type.String(),
  recipients: Type.Array(Type.String()),
  domainIds: Type.Array(Type.String()),
  accountIds: Type.Array(Type.String()),
  messageId: Nullable(Type.String()),
  subject: Type.String(),
  score: Type.Number(),
  action: Type.String({ description: 'accept | tag | junk | quarantine | reject | defer' }),
  reason: Type.String(),
  rules: Type.Array(RuleHit),
  checks: Type.Array(Type.Object({
    check: Type.String(), stage: Type.String(), ms: Type.Number(), outcome: Type.String(), error: Type.Optional(Type.String()),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

export const VerdictPage = Type.Object({
  items: Type.Array(Verdict),
  total: Type.Integer({ minimum: 0 }),
  offset: Type.Integer({ minimum: 0 }),
  limit: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const VerdictListQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  messageId: Type.Optional(Type.String({ maxLength: 500, description: 'Message-ID as in the header, with <>' })),
  sender: Type.Optional(Type.String({ maxLength: 320 })),
  action: Type.Optional(Type.String({ maxLength: 20 })),
}, { additionalProperties: false });
export type VerdictListQuery = Static<typeof VerdictListQuery>;

export const RuleList = Type.Object({
  items: Type.Array(Type.Object({ rule: Type.String(), score: Type.Number(), description: Type.String() }, { additionalProperties: false })),
  thresholds: Type.Object({ tag: Type.Number(), junk: Type.Number(), quarantine: Type.Number(), reject: Type.Number() }, { additionalProperties: false }),
  checks: Type.Array(Type.Object({
    name: Type.String(), stage: Type.String(), directions: Type.Array(Type.String()), timeoutMs: Type.Integer(), onError: Type.String(),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

/** A message to train the classifier with: the raw RFC 5322 bytes, base64-encoded. */
export const TrainRequest = Type.Object({
  message: Type.String({ minLength: 4, maxLength: 2 * 1024 * 1024, description: 'The whole message, base64' }),
  class: Type.Union([Type.Literal('spam'), Type.Literal('ham')]),
  scope: Type.Optional(Type.Union([
    Type.Object({ accountId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    Type.Object({ domainId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    Type.Object({ global: Type.Literal(true) }, { additionalProperties: false }),
  ], { description: 'Whose classifier learns; the caller\'s own when absent' })),
}, { additionalProperties: false });
export type TrainRequest = Static<typeof TrainRequest>;

export const TrainResult = Type.Object({
  scope: Type.String(),
  result: Type.Union([Type.Literal('learned'), Type.Literal('moved'), Type.Literal('unchanged')]),
}, { additionalProperties: false });

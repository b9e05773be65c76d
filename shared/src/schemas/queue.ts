// Admin API schemas of the outbound queue (/api/v1/queue). Times are ISO 8601.
import Type, { type Static } from 'typebox';
import { DomainName, Timestamp } from './common.ts';

export const RecipientStatus = Type.Union(['queued', 'deferred', 'delivered', 'failed'].map((s) => Type.Literal(s)));
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const SmtpAnswer = Type.Object({
  code: Type.Integer(),
  enhanced: Nullable(Type.String()),
  text: Type.String(),
}, { additionalProperties: false });

export const QueuedMessage = Type.Object({
  id: Type.String(),
  blobId: Type.String(),
  sender: Type.String({ description: 'Envelope sender; empty for the null sender <>' }),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  ret: Nullable(Type.Union([Type.Literal('FULL'), Type.Literal('HDRS')])),
  envId: Nullable(Type.String()),
  accountId: Nullable(Type.String()),
  size: Type.Integer({ minimum: 0 }),
  completedAt: Nullable(Timestamp),
}, { additionalProperties: false });

export const QueueSummary = Type.Object({
  ...QueuedMessage.properties,
  recipientCount: Type.Integer({ minimum: 0 }),
  pendingCount: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Nullable(Timestamp),
}, { additionalProperties: false });

export const QueuedRecipient = Type.Object({
  address: Type.String(),
  domain: Type.String(),
  status: RecipientStatus,
  attempts: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Timestamp,
  lastResponse: Nullable(SmtpAnswer),
  leaseOwner: Nullable(Type.String()),
  leaseUntil: Nullable(Timestamp),
  notify: Nullable(Type.Array(Type.String())),
  orcpt: Nullable(Type.String()),
  delayNoticeSent: Type.Boolean(),
  localFolder: Nullable(Type.Union([Type.Literal('INBOX'), Type.Literal('Junk')], {
    description: 'For a local mailbox retried by the local transport: the folder the filter chose (null = INBOX)',
  })),
  noticePending: Nullable(Type.Union([Type.Literal('failed'), Type.Literal('relayed')], {
    description: 'A failure or relay notice to the sender that could not be submitted yet; retried at nextAttemptAt',
  })),
}, { additionalProperties: false });

export const DeliveryAttempt = Type.Object({
  address: Type.String(),
  at: Timestamp,
  mxHost: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  tls: Type.Boolean(),
  response: Nullable(SmtpAnswer),
  result: Type.Union([Type.Literal('delivered'), Type.Literal('deferred'), Type.Literal('failed')]),
}, { additionalProperties: false });

export const QueueDetail = Type.Object({
  message: QueuedMessage,
  recipients: Type.Array(QueuedRecipient),
  attempts: Type.Array(DeliveryAttempt),
}, { additionalProperties: false });
export type QueueDetail = Static<typeof QueueDetail>;

export const QueueListQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  status: Type.Optional(RecipientStatus),
  domain: Type.Optional(DomainName),
  sender: Type.Optional(Type.String({ maxLength: 320, description: 'Exact envelope sender; empty string for <>' })),
  includeCompleted: Type.Optional(Type.Boolean({ default: false })),
}, { additionalProperties: false });
export type QueueListQuery = Static<typeof QueueListQuery>;

export const QueuePage = Type.Object({
  items: Type.Array(QueueSummary),
  total: Type.Integer({ minimum: 0 }),
  offset: Type.Integer({ minimum: 0 }),
  limit: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const QueueMessageParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) }, { additionalProperties: false });
export const QueueRetryResult = Type.Object({ rescheduled: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

// Server-level views for the console: DNS status of a domain, storage per
// domain, the server's identity and health, and its settings (read-only:
// they come from the configuration file and environment).
import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './common.ts';

export const DnsCheckStatus = Type.Union([Type.Literal('ok'), Type.Literal('missing'), Type.Literal('different'), Type.Literal('unreachable')]);
export type DnsCheckStatus = 'ok' | 'missing' | 'different' | 'unreachable';

export const DnsCheck = Type.Object({
  kind: Type.Union([Type.Literal('mx'), Type.Literal('spf'), Type.Literal('dkim'), Type.Literal('dmarc'), Type.Literal('autoconfig'), Type.Literal('autodiscover'), Type.Literal('srv-imaps'), Type.Literal('srv-submissions')]),
  name: Type.String({ description: 'Owner name to publish at' }),
  type: Type.String({ description: 'Record type: MX, TXT, CNAME, SRV' }),
  expected: Type.String({ description: 'The record to publish (value part)' }),
  found: Type.Array(Type.String(), { description: 'What DNS answers today' }),
  status: DnsCheckStatus,
  required: Type.Boolean({ description: 'false for records that only help clients configure themselves' }),
  detail: Type.String(),
}, { additionalProperties: false });
export type DnsCheck = Static<typeof DnsCheck>;

export const DnsStatus = Type.Object({
  domain: Type.String(),
  checkedAt: Timestamp,
  checks: Type.Array(DnsCheck),
}, { additionalProperties: false });
export type DnsStatus = Static<typeof DnsStatus>;

export const DomainUsage = Type.Object({
  domainId: Id,
  name: Type.String(),
  accounts: Type.Integer({ minimum: 0, description: 'Accounts holding mail' }),
  bytes: Type.Integer({ minimum: 0 }),
  messages: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });
export const DomainUsageList = Type.Object({ items: Type.Array(DomainUsage) }, { additionalProperties: false });
export type DomainUsageList = Static<typeof DomainUsageList>;

export const SystemInfo = Type.Object({
  version: Type.String(),
  hostname: Type.String(),
  startedAt: Timestamp,
  uptimeSeconds: Type.Integer({ minimum: 0 }),
  node: Type.String(),
  store: Type.Object({ driver: Type.String(), ready: Type.Boolean(), detail: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
  queue: Type.Object({ worker: Type.Boolean() }, { additionalProperties: false }),
}, { additionalProperties: false });
export type SystemInfo = Static<typeof SystemInfo>;

const Listener = Type.Object({
  name: Type.String(), enabled: Type.Boolean(), host: Type.String(), port: Type.Integer(),
  tls: Type.Union([Type.Literal('none'), Type.Literal('starttls'), Type.Literal('implicit')]),
  plaintextAuth: Type.Union([Type.Boolean(), Type.Null()]),
}, { additionalProperties: false });

const Setting = Type.Object({ key: Type.String({ description: 'Configuration key' }), value: Type.String(), description: Type.String() }, { additionalProperties: false });

export const SystemSettings = Type.Object({
  listeners: Type.Array(Listener),
  tls: Type.Object({
    source: Type.Union([Type.Literal('configured'), Type.Literal('self-signed')]),
    certFile: Type.Union([Type.String(), Type.Null()]),
    subject: Type.String(), issuer: Type.String(), validFrom: Type.String(), validTo: Type.String(),
    altNames: Type.Array(Type.String()), fingerprint256: Type.String(), minVersion: Type.String(),
  }, { additionalProperties: false }),
  limits: Type.Array(Setting),
  store: Type.Array(Setting),
  filter: Type.Array(Setting, { description: 'Spam and abuse checks: DNSBL, greylisting, rate limits, IP lists' }),
  relay: Type.Array(Setting, { description: 'Outbound delivery: smarthost, retries, connection limits' }),
  backups: Type.Object({
    directory: Type.String(),
    items: Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer({ minimum: 0 }), modifiedAt: Timestamp }, { additionalProperties: false })),
    howTo: Type.String(),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type SystemSettings = Static<typeof SystemSettings>;

// Mail rules, out-of-office and Sieve scripts as the API and the console see
// them: /api/v1/me/rules, /api/v1/me/out-of-office, /api/v1/me/sieve/…, and
// the admin routes for a user's out-of-office and a domain's global script.
import Type, { type Static } from 'typebox';
import { EmailAddress, Timestamp } from './common.ts';

/** RFC 5804 §1.6: any UTF-8 text without control characters; "/" is refused so names stay one path segment. */
export const ScriptName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f/]+$', description: 'Script name' });

export const SieveScriptInfo = Type.Object({
  name: ScriptName,
  active: Type.Boolean(),
  /** Octets of the script (UTF-8). */
  size: Type.Integer({ minimum: 0 }),
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type SieveScriptInfo = Static<typeof SieveScriptInfo>;

export const SieveScriptList = Type.Object({
  items: Type.Array(SieveScriptInfo),
  /** What the server allows, as ManageSieve's capabilities tell (RFC 5804 §1.7). */
  limits: Type.Object({ maxScripts: Type.Integer(), maxScriptBytes: Type.Integer(), maxRedirects: Type.Integer() }, { additionalProperties: false }),
  extensions: Type.Array(Type.String()),
}, { additionalProperties: false });

export const SieveScript = Type.Object({
  name: ScriptName,
  active: Type.Boolean(),
  content: Type.String(),
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type SieveScript = Static<typeof SieveScript>;

export const SieveScriptPut = Type.Object({
  content: Type.String({ maxLength: 1024 * 1024 }),
  /** Make it the active script as well. */
  activate: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type SieveScriptPut = Static<typeof SieveScriptPut>;

export const SieveActive = Type.Object({ name: Type.Union([ScriptName, Type.Null()], { description: 'The script to activate; null for none' }) }, { additionalProperties: false });
export type SieveActive = Static<typeof SieveActive>;

export const SieveScriptParams = Type.Object({ name: ScriptName }, { additionalProperties: false });

const Words = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 50 });
const Folder = Type.String({ minLength: 1, maxLength: 512, description: 'Mailbox path, levels separated by "/"; created when missing' });

/** One inbox rule, as Exchange and Kerio users know them: conditions, then actions. */
export const MailRule = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  enabled: Type.Boolean(),
  /** "all": every condition must hold; "any": one is enough. Conditions left out are not checked; a rule with none applies to every message. */
  match: Type.Union([Type.Literal('all'), Type.Literal('any')]),
  conditions: Type.Object({
    /** The sender's address contains one of these (an address, or a part such as "@crm.example.com"). */
    from: Type.Optional(Words),
    /** To or Cc contains one of these. */
    to: Type.Optional(Words),
    subjectContains: Type.Optional(Words),
    bodyContains: Type.Optional(Words),
    /** A header field (name: value contains). */
    header: Type.Optional(Type.Object({ name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[!-9;-~]+$' }), contains: Type.String({ maxLength: 256 }) }, { additionalProperties: false })),
    sizeOverKb: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  }, { additionalProperties: false }),
  actions: Type.Object({
    moveTo: Type.Optional(Folder),
    copyTo: Type.Optional(Folder),
    markRead: Type.Optional(Type.Boolean()),
    flag: Type.Optional(Type.Boolean()),
    /** Send a copy to these addresses; the message is still delivered here. */
    forwardTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 10 })),
    /** Send the message on to these addresses instead of delivering it here. */
    redirectTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 10 })),
    /** Move to Trash. */
    delete: Type.Optional(Type.Boolean()),
    /** Later rules are not applied to a message this rule matched. */
    stop: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type MailRule = Static<typeof MailRule>;

export const MailRules = Type.Object({
  rules: Type.Array(MailRule, { maxItems: 200 }),
}, { additionalProperties: false });
export type MailRules = Static<typeof MailRules>;

const Reply = Type.Object({
  subject: Type.String({ maxLength: 256 }),
  message: Type.String({ maxLength: 16_384 }),
}, { additionalProperties: false });

/** The out-of-office reply as Exchange has it: a window in time, one message for colleagues and one for everyone else. */
export const OutOfOffice = Type.Object({
  enabled: Type.Boolean(),
  /** Replies start at this time (null: as soon as enabled). */
  start: Type.Union([Timestamp, Type.Null()]),
  /** …and stop at this one (null: until disabled). */
  end: Type.Union([Timestamp, Type.Null()]),
  /** To senders of the account's own domain (and its alias domains). */
  internal: Reply,
  /** To everyone else; `enabled: false` answers colleagues only. */
  external: Type.Object({ enabled: Type.Boolean(), subject: Type.String({ maxLength: 256 }), message: Type.String({ maxLength: 16_384 }) }, { additionalProperties: false }),
  /** One reply per sender per this many days (RFC 5230 :days). */
  replyIntervalDays: Type.Integer({ minimum: 1, maximum: 90 }),
}, { additionalProperties: false });
export type OutOfOffice = Static<typeof OutOfOffice>;

/** What the rules and out-of-office routes answer: the settings and the Sieve script they became, which the user can open. */
export const GeneratedScriptRef = Type.Object({
  name: ScriptName,
  active: Type.Boolean(),
}, { additionalProperties: false });

export const MailRulesView = Type.Object({ ...MailRules.properties, script: GeneratedScriptRef }, { additionalProperties: false });
export const OutOfOfficeView = Type.Object({ ...OutOfOffice.properties, script: GeneratedScriptRef }, { additionalProperties: false });

/** A domain's Sieve settings: the global script run before every user's (RFC 6609) and the redirect policy. */
export const DomainSieve = Type.Object({
  /** null: the domain has no global script. */
  script: Type.Union([Type.String({ maxLength: 1024 * 1024 }), Type.Null()]),
  /** Rules may redirect and forward to addresses outside this server. */
  allowExternalRedirect: Type.Boolean(),
}, { additionalProperties: false });
export type DomainSieve = Static<typeof DomainSieve>;

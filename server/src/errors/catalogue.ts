// The one error catalogue (after Fastify's lib/errors.js). Every error a user
// can meet has a stable code here, with the HTTP status it maps to and, where
// it applies, the IMAP response code (RFC 5530) and SMTP reply (RFC 3463).
// Codes are never reused: retire a code by moving it to RETIRED.

export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly imap?: string;
  readonly smtp?: string;
}

export const ERRORS = {
  STOA_VALIDATION: { status: 400, title: 'The request is not valid', imap: 'CLIENTBUG' },
  STOA_BAD_JSON: { status: 400, title: 'The request body is not valid JSON' },
  STOA_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  STOA_PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large', smtp: '552 5.3.4' },
  STOA_UNAUTHENTICATED: { status: 401, title: 'Log in first', imap: 'AUTHENTICATIONFAILED', smtp: '530 5.7.0' },
  STOA_AUTH_FAILED: { status: 401, title: 'Wrong user name or password', imap: 'AUTHENTICATIONFAILED', smtp: '535 5.7.8' },
  STOA_AUTH_THROTTLED: { status: 429, title: 'Too many failed logins; try again later', imap: 'UNAVAILABLE', smtp: '454 4.7.0' },
  STOA_ACCOUNT_DISABLED: { status: 403, title: 'The account is disabled', imap: 'AUTHORIZATIONFAILED', smtp: '535 5.7.8' },
  STOA_PROTOCOL_NOT_ALLOWED: { status: 403, title: 'This account may not use this protocol', imap: 'AUTHORIZATIONFAILED', smtp: '535 5.7.8' },
  STOA_FORBIDDEN: { status: 403, title: 'You are not allowed to do this', imap: 'NOPERM', smtp: '550 5.7.1' },
  STOA_NOT_FOUND: { status: 404, title: 'No such object', imap: 'NONEXISTENT', smtp: '550 5.1.1' },
  STOA_ROUTE_NOT_FOUND: { status: 404, title: 'No such API route' },
  STOA_URI_TOO_LONG: { status: 414, title: 'The request URL is too long' },
  STOA_HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  STOA_ADDRESS_TAKEN: { status: 409, title: 'The address is already in use', imap: 'ALREADYEXISTS' },
  STOA_DOMAIN_EXISTS: { status: 409, title: 'The domain already exists', imap: 'ALREADYEXISTS' },
  STOA_DOMAIN_NOT_EMPTY: { status: 409, title: 'The domain still has accounts, groups, aliases or resources', imap: 'INUSE' },
  STOA_DOMAIN_HAS_ALIASES: { status: 409, title: 'Other domains are aliases of this domain', imap: 'INUSE' },
  STOA_CONFLICT: { status: 409, title: 'The object changed or is in use', imap: 'INUSE' },
  STOA_GROUP_CYCLE: { status: 409, title: 'A group cannot contain itself, directly or through other groups' },
  STOA_INVALID_DOMAIN: { status: 422, title: 'Not a valid domain name' },
  STOA_INVALID_ADDRESS: { status: 422, title: 'Not a valid e-mail address', smtp: '501 5.1.3' },
  STOA_MIXED_SCRIPT: { status: 422, title: 'The name mixes scripts and could imitate another' },
  STOA_UNKNOWN_DOMAIN: { status: 422, title: 'The domain is not served by this server', smtp: '550 5.1.2' },
  STOA_ALIAS_DOMAIN: { status: 422, title: 'Objects live in the target domain, not in an alias domain' },
  STOA_WEAK_PASSWORD: { status: 422, title: 'The password is too weak' },
  STOA_INVALID_REFERENCE: { status: 422, title: 'A referenced object does not exist' },
  STOA_LAST_ADMIN: { status: 409, title: 'The last enabled server admin cannot be removed, disabled or demoted' },
  STOA_RATE_LIMITED: { status: 429, title: 'Too many requests', imap: 'LIMIT', smtp: '450 4.7.1' },
  STOA_SERVER_BUSY: { status: 503, title: 'Too many connections; try again shortly', imap: 'UNAVAILABLE', smtp: '421 4.3.2' },
  STOA_STORE_UNAVAILABLE: { status: 503, title: 'The store is unavailable; nothing was changed', imap: 'UNAVAILABLE', smtp: '451 4.3.0' },
  STOA_INTERNAL: { status: 500, title: 'Internal server error', imap: 'SERVERBUG', smtp: '451 4.3.0' },
  STOA_CONFIG_INVALID: { status: 500, title: 'The configuration is not valid' },
  STOA_DATA_DIR: { status: 500, title: 'The data directory is missing or not writable' },
  STOA_BLOB_CORRUPT: { status: 500, title: 'A stored message body failed its checksum', imap: 'CORRUPTION', smtp: '451 4.3.0' },
  // Mail store (RFC 5530 response codes, RFC 9208 QUOTA, RFC 3463 X.2.2 mailbox full).
  STOA_OVER_QUOTA: { status: 507, title: 'The mailbox is over its storage quota', imap: 'OVERQUOTA', smtp: '452 4.2.2' },
  STOA_MESSAGE_EXCEEDS_QUOTA: { status: 507, title: 'The message is larger than the whole mailbox quota', imap: 'OVERQUOTA', smtp: '552 5.2.2' },
  STOA_MAILBOX_NAME_INVALID: { status: 422, title: 'Not a valid mailbox name', imap: 'CANNOT' },
  STOA_MAILBOX_EXISTS: { status: 409, title: 'A mailbox with this name already exists', imap: 'ALREADYEXISTS' },
  STOA_MAILBOX_HAS_CHILDREN: { status: 409, title: 'The mailbox has child mailboxes; delete them first', imap: 'HASCHILDREN' },
  STOA_MAIL_LIMIT: { status: 422, title: 'A mail store limit was reached (keywords, mailboxes, mailbox name length or depth)', imap: 'LIMIT' },
  // External directories (LDAP/AD, docs/directory-sync.md).
  STOA_AUTH_UNAVAILABLE: { status: 503, title: 'Authentication is temporarily unavailable; try again later', imap: 'UNAVAILABLE', smtp: '454 4.7.0' },
  STOA_DIRECTORY_MANAGED: { status: 409, title: 'This is managed by an external directory; change it there', imap: 'NOPERM' },
  STOA_DIRECTORY_UNREACHABLE: { status: 502, title: 'No directory server could be reached' },
  STOA_DIRECTORY_TIMEOUT: { status: 504, title: 'The directory server did not answer in time' },
  STOA_DIRECTORY_TLS: { status: 502, title: "The directory server's certificate was refused" },
  STOA_DIRECTORY_BIND: { status: 502, title: 'The directory refused the bind of the service account' },
  STOA_DIRECTORY_ERROR: { status: 502, title: 'The directory answered with an error' },
  STOA_DIRECTORY_SECRET: { status: 500, title: 'The bind password of the directory connection is missing or cannot be decrypted' },
  STOA_DIRECTORY_EMPTY: { status: 409, title: 'The directory returned no users while accounts are linked to it; nothing was changed' },
  STOA_SYNC_RUNNING: { status: 409, title: 'A sync of this directory is already running' },
  STOA_MAILBOX_PROTECTED: { status: 409, title: 'INBOX cannot be deleted, and a mailbox cannot move under itself', imap: 'CANNOT' },
  // Intake (RFC 5321 replies, RFC 3463 enhanced codes).
  STOA_RECIPIENT_UNKNOWN: { status: 404, title: 'Recipient address rejected: user unknown', smtp: '550 5.1.1' },
  STOA_MAILBOX_DISABLED: { status: 409, title: 'Mailbox disabled', smtp: '550 5.2.1' },
  STOA_RELAY_DENIED: { status: 403, title: 'Relay access denied', smtp: '554 5.7.1' },
  STOA_SENDER_NOT_OWNED: { status: 403, title: 'The sender address is not yours', smtp: '553 5.7.1' },
  STOA_LOCAL_SENDER_UNAUTHENTICATED: { status: 403, title: 'Mail from a domain hosted here must be sent with a login', smtp: '550 5.7.1' },
  STOA_MESSAGE_INVALID: { status: 422, title: 'The message is not acceptable', smtp: '550 5.6.0' },
  STOA_MAIL_LOOP: { status: 422, title: 'Too many hops; mail loop detected', smtp: '554 5.4.6' },
  STOA_REJECTED_BY_RULE: { status: 422, title: 'The recipient\'s rules refuse this message', smtp: '550 5.7.1' },
  // Shared mailboxes and delegation (docs/shared-mailboxes.md).
  STOA_GRANT_INVALID: { status: 422, title: 'This grant cannot be made' },
  STOA_FORWARD_LOOP: { status: 422, title: 'The forwarding leads back to this mailbox', smtp: '554 5.4.6' },
  STOA_CONVERSION_REFUSED: { status: 409, title: 'This account cannot be converted to a shared mailbox', imap: 'CANNOT' },
  STOA_POST_DENIED: { status: 403, title: 'You may not post to this public folder', imap: 'NOPERM', smtp: '550 5.7.1' },
  // Sieve (RFC 5804 response codes are derived from these in protocols/managesieve/).
  STOA_SIEVE_INVALID: { status: 422, title: 'The Sieve script is not valid', imap: 'CLIENTBUG' },
  STOA_SIEVE_QUOTA: { status: 507, title: 'Too many Sieve scripts, or the script is too large', imap: 'OVERQUOTA' },
  STOA_SIEVE_ACTIVE: { status: 409, title: 'The active Sieve script cannot be deleted; activate another one or none first', imap: 'INUSE' },
  // Calendars and address books (CalDAV RFC 4791, CardDAV RFC 6352, WebDAV RFC 4918); the DAV front end adds the precondition element.
  STOA_PRECONDITION_FAILED: { status: 412, title: 'The resource changed since you read it (entity tag mismatch)' },
  STOA_DAV_INVALID_DATA: { status: 403, title: 'Not a valid calendar or address book object' },
  STOA_DAV_UID_CONFLICT: { status: 409, title: 'Another resource of the collection has this UID, or the UID of the resource changed' },
  STOA_DAV_UNSUPPORTED_COMPONENT: { status: 403, title: 'The calendar does not hold this kind of component' },
  STOA_DAV_TOO_LARGE: { status: 413, title: 'The calendar or address book object is larger than the server allows' },
  STOA_DAV_TOO_MANY_INSTANCES: { status: 403, title: 'The recurrence has more instances than the server expands' },
  STOA_DAV_COLLECTION_EXISTS: { status: 405, title: 'A resource already exists at this address' },
  STOA_DAV_RANGE_TOO_WIDE: { status: 403, title: 'The time range is wider than the server expands' },
  STOA_DAV_LIMIT: { status: 507, title: 'A calendar or address book limit was reached (collections of an owner, objects of a collection)' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** Codes once used and now retired: they must never come back. */
export const RETIRED: readonly string[] = [];

export interface FieldError { path: string; message: string }

export class StoaError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, detail?: string, options: { errors?: FieldError[]; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(detail ? `${ERRORS[code].title}: ${detail}` : ERRORS[code].title, { cause: options.cause });
    this.name = 'StoaError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get spec(): ErrorSpec { return ERRORS[this.code]; }
  get status(): number { return ERRORS[this.code].status; }
}

export function isStoaError(err: unknown, code?: ErrorCode): err is StoaError {
  return err instanceof StoaError && (code === undefined || err.code === code);
}

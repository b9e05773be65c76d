// The validated configuration and the slices modules receive. Every type
// here is derived from the schema (schema.ts), so a key added there is typed
// everywhere at once; docs/configuration.md documents each key. A module
// takes only its slice (the SMTP front end SmtpSettings, the queue
// QueueSettings, …), never the whole StoaConfig.
import type { StoaConfig } from './schema.ts';

export type { StoaConfig };

export type ListenersConfig = StoaConfig['listeners'];
export type ListenerConfig = ListenersConfig['smtp'];
export type ListenerName = keyof ListenersConfig;

export type StoreSettings = StoaConfig['store'];
/** Authentication: argon2id parameters, password policy, login throttling. */
export type AuthSettings = StoaConfig['auth'];
export type Argon2Params = AuthSettings['argon2'];
export type ThrottleConfig = AuthSettings['throttle'];
/** SMTP front end (docs/smtp.md). */
export type SmtpSettings = StoaConfig['smtp'];
/** IMAP front end limits (docs/imap.md). */
export type ImapLimits = StoaConfig['imap'];
/** Connection limits shared by every mail listener (docs/security.md). */
export type ConnectionSettings = StoaConfig['connections'];
/** POP3 front end (docs/pop3.md). */
export type Pop3Settings = StoaConfig['pop3'];
/** The mail store (docs/mail-store.md). */
export type MailSettings = StoaConfig['mail'];
/** Defaults for new directory objects; external directories (LDAP/AD): sealed bind passwords, the sync scheduler, history (docs/directory-sync.md). */
export type DirectorySettings = StoaConfig['directory'];
export type ApiSettings = StoaConfig['api'];
/** The admin console at /admin and its live channel (docs/console.md). */
export type ConsoleSettings = StoaConfig['console'];
export type FirstStartSettings = StoaConfig['firstStart'];
export type DnsSettings = StoaConfig['dns'];
export type LogSettings = StoaConfig['log'];
export type TlsSettings = StoaConfig['tls'];
export type MailAuthSettings = StoaConfig['mailAuth'];
export type DmarcPolicyMode = MailAuthSettings['dmarcPolicy'];
/** The filter pipeline: IP lists, DNSBL, greylisting, rate limits, scoring, antivirus, attachments, quarantine (docs/filtering.md). */
export type FilterConfig = StoaConfig['filter'];
export type FilterThresholds = FilterConfig['thresholds'];
/** A domain's own filter policy (filter.domains). */
export type DomainFilterPolicy = FilterConfig['domains'][string];
/** The `queue:` section; the queue's own view of it is `QueueConfig` (queue/queue-config.ts). */
export type QueueSettings = StoaConfig['queue'];
/** Sieve scripts and delivery rules (docs/sieve.md). */
export type SieveSettings = StoaConfig['sieve'];
/** The ManageSieve front end (RFC 5804). */
export type ManageSieveSettings = StoaConfig['managesieve'];
/** CalDAV, CardDAV and the WebDAV file area (docs/dav.md). */
export type DavSettings = StoaConfig['dav'];
/** Migration jobs run by the server (docs/migration.md): jobs at once, spool directory, how long finished jobs are kept. */
export type MigrationSettings = StoaConfig['migration'];

// Client configuration documents built from the configured hostname and
// listener ports: Thunderbird autoconfig (config-v1.1.xml), Outlook POX
// Autodiscover, and an Apple configuration profile. Preferred order follows
// RFC 8314 §3: implicit TLS first, then STARTTLS.
import { randomUUID } from 'node:crypto';
import type { StoaConfig } from '../../config/types.ts';

export interface MailEndpoint {
  protocol: 'imap' | 'pop3' | 'smtp';
  port: number;
  /** 'SSL' = implicit TLS, 'STARTTLS' = upgrade on the plain port. */
  socket: 'SSL' | 'STARTTLS';
}

/** Enabled endpoints, best first per protocol. */
export function mailEndpoints(config: StoaConfig): MailEndpoint[] {
  const l = config.listeners;
  const out: MailEndpoint[] = [];
  const add = (protocol: MailEndpoint['protocol'], implicit: { enabled: boolean; port: number }, starttls: { enabled: boolean; port: number }): void => {
    if (implicit.enabled) out.push({ protocol, port: implicit.port, socket: 'SSL' });
    if (starttls.enabled) out.push({ protocol, port: starttls.port, socket: 'STARTTLS' });
  };
  add('imap', l.imaps, l.imap);
  add('pop3', l.pop3s, l.pop3);
  add('smtp', l.smtps, l.submission);
  return out;
}

/** A loose address check: enough to refuse markup and garbage; everything is escaped anyway. */
const EMAIL = /^[^\s@<>&"'\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

export function parseEmail(value: unknown): { address: string; domain: string } | null {
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) return null;
  const address = value.trim();
  return { address, domain: address.slice(address.lastIndexOf('@') + 1).toLowerCase() };
}

export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat */
export function thunderbirdConfig(config: StoaConfig, domain: string): string {
  const host = xmlEscape(config.hostname);
  const server = (e: MailEndpoint): string => {
    const tag = e.protocol === 'smtp' ? 'outgoingServer' : 'incomingServer';
    return [
      `    <${tag} type="${e.protocol}">`,
      `      <hostname>${host}</hostname>`,
      `      <port>${e.port}</port>`,
      `      <socketType>${e.socket}</socketType>`,
      '      <authentication>password-cleartext</authentication>',
      '      <username>%EMAILADDRESS%</username>',
      `    </${tag}>`,
    ].join('\n');
  };
  const d = xmlEscape(domain);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${d}">`,
    `    <domain>${d}</domain>`,
    `    <displayName>${d} (Stoa)</displayName>`,
    `    <displayShortName>${d}</displayShortName>`,
    ...mailEndpoints(config).map(server),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}

/** A mailbox the user also opens ([MS-OXDSCLI] 2.2.4.1.1.2.1 AlternativeMailbox, Type "Delegate": Exchange's automapping). */
export interface AlternativeMailbox { displayName: string; address: string }

/** [MS-OXDSCLI] POX response: one Protocol element per endpoint, then the mailboxes shared with the user. */
export function autodiscoverResponse(config: StoaConfig, email: string, alternatives: readonly AlternativeMailbox[] = []): string {
  const protocol = (e: MailEndpoint): string => [
    '      <Protocol>',
    `        <Type>${e.protocol === 'pop3' ? 'POP3' : e.protocol === 'imap' ? 'IMAP' : 'SMTP'}</Type>`,
    `        <Server>${xmlEscape(config.hostname)}</Server>`,
    `        <Port>${e.port}</Port>`,
    `        <LoginName>${xmlEscape(email)}</LoginName>`,
    '        <DomainRequired>off</DomainRequired>',
    '        <SPA>off</SPA>',
    `        <SSL>on</SSL>`,
    `        <Encryption>${e.socket === 'SSL' ? 'SSL' : 'TLS'}</Encryption>`,
    '        <AuthRequired>on</AuthRequired>',
    '      </Protocol>',
  ].join('\n');
  // Outlook takes the first Protocol of each Type: keep implicit TLS first.
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">',
    '  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...mailEndpoints(config).map(protocol),
    ...alternatives.map((a) => [
      '      <AlternativeMailbox>',
      '        <Type>Delegate</Type>',
      `        <DisplayName>${xmlEscape(a.displayName)}</DisplayName>`,
      `        <SmtpAddress>${xmlEscape(a.address)}</SmtpAddress>`,
      `        <OwnerSmtpAddress>${xmlEscape(a.address)}</OwnerSmtpAddress>`,
      '      </AlternativeMailbox>',
    ].join('\n')),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

export function autodiscoverError(code: number, message: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">',
    '  <Response>',
    `    <Error><ErrorCode>${code}</ErrorCode><Message>${xmlEscape(message)}</Message></Error>`,
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** Largest Autodiscover request read; a real one is a few hundred bytes. */
export const AUTODISCOVER_BODY_LIMIT = 16 * 1024;

/**
 * The request's EMailAddress, read without an XML parser: a DOCTYPE (and so
 * any entity definition, "billion laughs" or external entity) is refused
 * outright, and nothing is ever expanded.
 */
export function readAutodiscoverRequest(body: string): { ok: true; email: string; domain: string; schema: string | null } | { ok: false; reason: string } {
  if (body.length > AUTODISCOVER_BODY_LIMIT) return { ok: false, reason: 'request too large' };
  if (/<!DOCTYPE|<!ENTITY|<!\[CDATA\[/i.test(body)) return { ok: false, reason: 'DTDs, entities and CDATA are not accepted' };
  if (!/<Autodiscover[\s>]/.test(body)) return { ok: false, reason: 'not an Autodiscover request' };
  const match = /<EMailAddress>\s*([^<]{1,320}?)\s*<\/EMailAddress>/.exec(body);
  const email = match ? parseEmail(match[1]) : null;
  const schema = /<AcceptableResponseSchema>\s*([^<]{1,300}?)\s*<\/AcceptableResponseSchema>/.exec(body)?.[1] ?? null;
  return email ? { ok: true, email: email.address, domain: email.domain, schema } : { ok: false, reason: 'no valid EMailAddress' };
}

/** MS-ASCMD 2.2.3.1: ActiveSync clients ask for this response schema. */
export const MOBILESYNC_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';
/** [MS-OXDSCLI] 2.2.4.1.1.1: the Outlook (POX) response schema, the one Stoa answers. */
export const OUTLOOK_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

const plistString = (s: string): string => `<string>${xmlEscape(s)}</string>`;

/** An unsigned configuration profile with one mail account payload (Apple "Configuration Profile Reference", com.apple.mail.managed). */
export function appleProfile(config: StoaConfig, email: string, domain: string): string {
  const endpoints = mailEndpoints(config);
  const incoming = endpoints.find((e) => e.protocol === 'imap') ?? endpoints.find((e) => e.protocol === 'pop3');
  const outgoing = endpoints.find((e) => e.protocol === 'smtp');
  const reverse = config.hostname.split('.').reverse().join('.');
  const entries: [string, string][] = [
    ['EmailAccountDescription', plistString(`${email} (${domain})`)],
    ['EmailAccountName', plistString(email)],
    ['EmailAccountType', plistString(incoming?.protocol === 'pop3' ? 'EmailTypePOP' : 'EmailTypeIMAP')],
    ['EmailAddress', plistString(email)],
    ['IncomingMailServerAuthentication', plistString('EmailAuthPassword')],
    ['IncomingMailServerHostName', plistString(config.hostname)],
    ['IncomingMailServerPortNumber', `<integer>${incoming?.port ?? 993}</integer>`],
    ['IncomingMailServerUseSSL', incoming?.socket === 'STARTTLS' ? '<false/>' : '<true/>'],
    ['IncomingMailServerUsername', plistString(email)],
    ['OutgoingMailServerAuthentication', plistString('EmailAuthPassword')],
    ['OutgoingMailServerHostName', plistString(config.hostname)],
    ['OutgoingMailServerPortNumber', `<integer>${outgoing?.port ?? 465}</integer>`],
    ['OutgoingMailServerUseSSL', outgoing?.socket === 'STARTTLS' ? '<false/>' : '<true/>'],
    ['OutgoingMailServerUsername', plistString(email)],
    ['OutgoingPasswordSameAsIncomingPassword', '<true/>'],
    ['PayloadDisplayName', plistString(`Mail: ${email}`)],
    ['PayloadIdentifier', plistString(`${reverse}.stoa.mail.${randomUUID()}`)],
    ['PayloadType', plistString('com.apple.mail.managed')],
    ['PayloadUUID', plistString(randomUUID().toUpperCase())],
    ['PayloadVersion', '<integer>1</integer>'],
  ];
  const dict = (pairs: [string, string][], indent: string): string =>
    pairs.map(([k, v]) => `${indent}<key>${k}</key>\n${indent}${v}`).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>PayloadContent</key>',
    '  <array>',
    '    <dict>',
    dict(entries, '      '),
    '    </dict>',
    '  </array>',
    dict([
      ['PayloadDisplayName', plistString(`${domain} mail (Stoa)`)],
      ['PayloadIdentifier', plistString(`${reverse}.stoa.profile.${randomUUID()}`)],
      ['PayloadRemovalDisallowed', '<false/>'],
      ['PayloadType', plistString('Configuration')],
      ['PayloadUUID', plistString(randomUUID().toUpperCase())],
      ['PayloadVersion', '<integer>1</integer>'],
    ], '  '),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

// The start-up banner: where Stoa listens and, on the first start only, how
// to log in. Generated passwords appear here once and nowhere else (they are
// stored only as argon2id hashes and never logged).
import type { BootstrapResult } from '../directory/bootstrap.ts';
import type { StoaConfig } from '../config/types.ts';

export interface BannerInput {
  version: string;
  startedInMs: number;
  config: StoaConfig;
  configFile: string | null;
  /** Actual address of the HTTP listener (the port may have been 0), or null when disabled. */
  http: { host: string; port: number } | null;
  /** Actual IMAP addresses (absent or null when off). */
  imap?: { host: string; port: number } | null;
  imaps?: { host: string; port: number } | null;
  /** Actual POP3 addresses (absent or null when off). */
  pop3?: { host: string; port: number } | null;
  pop3s?: { host: string; port: number } | null;
  /** Actual ManageSieve address (absent or null when off). */
  managesieve?: { host: string; port: number } | null;
  /** Actual SMTP addresses (absent or null when off). */
  smtp?: Partial<Record<'smtp' | 'submission' | 'smtps', { host: string; port: number } | null>>;
  firstStart: BootstrapResult;
  /** Things the operator should fix (a short hostname, a data directory others can read). */
  warnings?: StartWarning[];
}

export interface StartWarning { message: string; fix: string }

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The URL a person on this machine can open: wildcard binds are reachable on localhost. */
export function baseUrl(http: { host: string; port: number }): string {
  const host = WILDCARDS.has(http.host) ? 'localhost' : http.host.includes(':') ? `[${http.host}]` : http.host;
  return `http://${host}:${http.port}/`;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function renderBanner(b: BannerInput): string {
  const lines: string[] = [`Stoa ${b.version} is running (ready in ${(b.startedInMs / 1000).toFixed(1)} s)`, ''];
  const url = b.http ? baseUrl(b.http) : null;
  if (b.http && url) {
    // "/" redirects to the console; the console's own address is shown so it can be bookmarked.
    lines.push(`  Web and API   ${url}   (admin console: ${url}admin/)`);
    if (WILDCARDS.has(b.http.host)) lines.push(`                (listening on every interface, port ${b.http.port}; also http://${b.config.hostname}:${b.http.port}/)`);
    lines.push(`  API base      ${url}api/v1/   (OpenAPI: ${url}api/v1/openapi.json)`);
    lines.push(`  Health        ${url}healthz   readiness: ${url}readyz`);
  } else {
    lines.push('  HTTP          disabled (listeners.http.enabled is false)');
  }
  if (b.imap || b.imaps) {
    const where = [b.imap ? `port ${b.imap.port} (STARTTLS)` : null, b.imaps ? `port ${b.imaps.port} (TLS)` : null].filter(Boolean).join(', ');
    lines.push(`  IMAP          ${where}`);
  }
  if (b.pop3 || b.pop3s) {
    const where = [b.pop3 ? `port ${b.pop3.port} (STLS)` : null, b.pop3s ? `port ${b.pop3s.port} (TLS)` : null].filter(Boolean).join(', ');
    lines.push(`  POP3          ${where}`);
  }
  if (b.managesieve) lines.push(`  ManageSieve   port ${b.managesieve.port} (STARTTLS)`);
  if (b.smtp?.smtp) lines.push(`  SMTP (MX)     port ${b.smtp.smtp.port}`);
  if (b.smtp?.submission || b.smtp?.smtps) {
    const where = [b.smtp.submission ? `port ${b.smtp.submission.port} (STARTTLS)` : null, b.smtp.smtps ? `port ${b.smtp.smtps.port} (TLS)` : null].filter(Boolean).join(', ');
    lines.push(`  Submission    ${where}`);
  }
  lines.push(`  Data          ${b.config.dataDir} (${b.config.store.driver} store)`);
  lines.push(`  Config        ${b.configFile ?? 'no file: defaults and environment variables'}`);
  for (const w of b.warnings ?? []) lines.push('', `Warning: ${w.message}`, `  fix: ${w.fix}`);

  const { admin, demo } = b.firstStart;
  if (b.firstStart.created && admin) {
    lines.push('', 'First start: created the server administrator');
    lines.push(`  login         ${admin.login}`);
    lines.push(admin.generatedPassword
      ? `  password      ${admin.generatedPassword}   (shown only this once: store it now)`
      : '  password      the one in STOA_ADMIN_PASSWORD (not shown)');
    if (demo) {
      lines.push('', `Demo domain ${demo.domain}:`);
      for (const user of demo.users) {
        lines.push(`  ${user.login.padEnd(32)} password ${user.generatedPassword ?? 'from STOA_DEMO_PASSWORD (not shown)'}`);
      }
    }
    if (url) {
      const body = JSON.stringify({ username: admin.login, password: admin.generatedPassword ?? '…' });
      lines.push('', 'Log in (the session cookie lands in stoa-cookies.txt):');
      lines.push(`  curl -c stoa-cookies.txt -H 'content-type: application/json' -d ${shellQuote(body)} ${url}api/v1/session`);
      lines.push(`  curl -b stoa-cookies.txt ${url}api/v1/domains`);
    }
  }
  lines.push('', 'Stop with Ctrl-C (SIGINT) or SIGTERM.');
  return `${lines.join('\n')}\n`;
}

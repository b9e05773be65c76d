// Environment variables: secrets (which do not belong in a file that ends up
// in backups and tickets) and the overrides containers and tests need. The
// table is the single source for load.ts and docs/configuration.md.

export interface EnvVar {
  name: string;
  /** Dotted config key it sets; null for STOA_CONFIG, which picks the file. */
  path: string | null;
  /** Turns the text into the value to validate; leaves bad input as text so the validator can quote it. */
  parse: (raw: string) => unknown;
  description: string;
}

const asText = (raw: string): unknown => raw;
const asInteger = (raw: string): unknown => (/^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw);
const asFlag = (raw: string): unknown => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return raw;
};
const asList = (raw: string): unknown => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

export const ENV_VARS: readonly EnvVar[] = [
  { name: 'STOA_CONFIG', path: null, parse: asText, description: 'Path of the YAML configuration file (same as `--config`).' },
  { name: 'STOA_DATA_DIR', path: 'dataDir', parse: asText, description: 'Data directory.' },
  { name: 'STOA_HOSTNAME', path: 'hostname', parse: asText, description: 'Fully-qualified name of this server (SMTP greeting and HELO, Received, certificates, client settings).' },
  { name: 'STOA_HTTP_PORT', path: 'listeners.http.port', parse: asInteger, description: 'HTTP port; `0` picks a free one.' },
  { name: 'STOA_HTTP_HOST', path: 'listeners.http.host', parse: asText, description: 'HTTP bind address.' },
  { name: 'STOA_SMTP_PORT', path: 'listeners.smtp.port', parse: asInteger, description: 'Inbound SMTP (MX) port; `0` picks a free one.' },
  { name: 'STOA_SUBMISSION_PORT', path: 'listeners.submission.port', parse: asInteger, description: 'Submission (STARTTLS) port; `0` picks a free one.' },
  { name: 'STOA_SMTPS_PORT', path: 'listeners.smtps.port', parse: asInteger, description: 'Submission over implicit TLS port; `0` picks a free one.' },
  { name: 'STOA_IMAP_PORT', path: 'listeners.imap.port', parse: asInteger, description: 'IMAP (STARTTLS) port; `0` picks a free one.' },
  { name: 'STOA_IMAPS_PORT', path: 'listeners.imaps.port', parse: asInteger, description: 'IMAP over implicit TLS port; `0` picks a free one.' },
  { name: 'STOA_POP3_PORT', path: 'listeners.pop3.port', parse: asInteger, description: 'POP3 (STLS) port; `0` picks a free one.' },
  { name: 'STOA_POP3S_PORT', path: 'listeners.pop3s.port', parse: asInteger, description: 'POP3 over implicit TLS port; `0` picks a free one.' },
  { name: 'STOA_MANAGESIEVE_PORT', path: 'listeners.managesieve.port', parse: asInteger, description: 'ManageSieve (STARTTLS) port; `0` picks a free one.' },
  { name: 'STOA_STORE_DRIVER', path: 'store.driver', parse: asText, description: '`sqlite` or `mongodb`.' },
  { name: 'STOA_MONGODB_URL', path: 'store.mongodb.url', parse: asText, description: 'MongoDB connection string (may hold credentials).' },
  { name: 'STOA_MONGODB_DATABASE', path: 'store.mongodb.database', parse: asText, description: 'MongoDB database name.' },
  { name: 'STOA_ADMIN_PASSWORD', path: 'firstStart.adminPassword', parse: asText, description: 'Password of the first server admin, used once at first start instead of a generated one.' },
  { name: 'STOA_DEMO_PASSWORD', path: 'firstStart.demo.password', parse: asText, description: 'Password of the demo users created at first start.' },
  { name: 'STOA_DEMO', path: 'firstStart.demo.enabled', parse: asFlag, description: '`1` or `0`: create the demo domain at first start.' },
  { name: 'STOA_LOG_LEVEL', path: 'log.level', parse: asText, description: 'Log level.' },
  { name: 'STOA_METRICS_TOKEN', path: 'api.metrics.token', parse: asText, description: 'Bearer token for `/metrics` (a secret: keep it out of the file).' },
  { name: 'STOA_TLS_CERT_FILE', path: 'tls.certFile', parse: asText, description: 'PEM certificate chain (with `STOA_TLS_KEY_FILE`).' },
  { name: 'STOA_TLS_KEY_FILE', path: 'tls.keyFile', parse: asText, description: 'PEM private key of the certificate.' },
  { name: 'STOA_DNS_SERVERS', path: 'dns.servers', parse: asList, description: 'Comma-separated resolver addresses (`127.0.0.1:5353,::1`).' },
  { name: 'STOA_SMARTHOST', path: 'queue.smarthost.host', parse: asText, description: 'Relay all outbound mail through this host.' },
  { name: 'STOA_SMARTHOST_PORT', path: 'queue.smarthost.port', parse: asInteger, description: 'Port of the smarthost.' },
  { name: 'STOA_SMARTHOST_USER', path: 'queue.smarthost.auth.user', parse: asText, description: 'AUTH user name at the smarthost.' },
  { name: 'STOA_SMARTHOST_PASSWORD', path: 'queue.smarthost.auth.password', parse: asText, description: 'AUTH password at the smarthost (a secret: keep it out of the file).' },
];

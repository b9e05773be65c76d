// stoa doctor: checks the configuration, the store, the listening ports and
// the DNS of every domain, and says exactly what to fix. Exit code 0 when
// nothing is an error (warnings allowed), 1 otherwise.
import { isStoaError } from '../../errors/catalogue.ts';
import { describeExposure, scanPermissions } from '../../operations/data-dir-permissions.ts';
import type { Domain } from '../../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../../config/types.ts';
import { standaloneGroup, type CommandGroup } from '../command.ts';
import type { CliContext } from '../context.ts';
import { checkDomainDns, createResolver } from './dns-check.ts';
import { renderFindings, type Finding } from './finding.ts';
import { checkListeners } from './port-check.ts';
import { checkStore } from './store-check.ts';

/** Entries of the data directory doctor looks at for loose permissions. */
const PERMISSION_SCAN_LIMIT = 1_000_000;

function failure(section: string, err: unknown): Finding {
  const message = isStoaError(err) ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
  return { section, level: 'error', message };
}

/**
 * The store could not be opened or read. Its errors' titles speak to API
 * clients ("nothing was changed"); doctor changes nothing anyway, so it says
 * what failed and where to look.
 */
function storeFailure(err: unknown, config: StoaConfig): Finding {
  // Never the MongoDB URL itself: it may hold a password.
  const where = config.store.driver === 'sqlite' ? config.store.sqlite.path : `MongoDB database ${config.store.mongodb.database}`;
  if (isStoaError(err, 'STOA_STORE_UNAVAILABLE')) {
    return {
      section: 'store', level: 'error', message: `the store at ${where} cannot be reached: ${err.detail ?? 'no answer'}`,
      fix: config.store.driver === 'sqlite'
        ? `check that ${config.store.sqlite.path} exists and is readable by this user, and that the disk is not full`
        : 'check that MongoDB is running and reachable at store.mongodb.url (STOA_MONGODB_URL), and that its credentials are right',
    };
  }
  if (isStoaError(err, 'STOA_DATA_DIR')) {
    const damaged = /cannot open database/.test(err.detail ?? '');
    return {
      section: 'store', level: 'error', message: err.detail ?? err.message,
      fix: damaged
        ? `${config.store.sqlite.path} is damaged or not a Stoa database: stop the server, move it aside and restore the last backup (stoa restore DIR)`
        : 'point --config, STOA_CONFIG or STOA_DATA_DIR at the data directory the server uses',
    };
  }
  return failure('store', err);
}

async function checkPermissions(config: StoaConfig): Promise<Finding> {
  const scan = await scanPermissions(config.dataDir, PERMISSION_SCAN_LIMIT);
  const exposure = describeExposure(config.dataDir, scan);
  if (exposure) return { section: 'permissions', level: 'warn', ...exposure };
  const more = scan.truncated ? ` (the first ${scan.checked} entries)` : '';
  return { section: 'permissions', level: 'ok', message: `${config.dataDir} and everything in it${more} are private to this user` };
}

async function allDomains(ctx: CliContext): Promise<Domain[]> {
  const { directory } = await ctx.open();
  const domains: Domain[] = [];
  for (let offset = 0; ; ) {
    const page = await directory.domains.list(ctx.actor, { offset, limit: 500, sort: 'name', order: 'asc' });
    domains.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return domains;
  }
}

async function diagnose(ctx: CliContext, domainFilter: string[]): Promise<Finding[]> {
  let loaded;
  try {
    loaded = ctx.config();
  } catch (err) {
    const lines = isStoaError(err) && err.errors ? err.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`) : [failure('config', err).message];
    return lines.map((message) => ({ section: 'config', level: 'error' as const, message }));
  }
  const { config, file } = loaded;
  const findings: Finding[] = [{ section: 'config', level: 'ok', message: file ? `${file} is valid` : 'no configuration file; defaults and environment variables are valid' }];
  // MX records and SMTP greetings need a fully-qualified name; the machine's short name is only a default.
  if (!config.hostname.includes('.')) {
    findings.push({ section: 'config', level: 'warn', message: `hostname "${config.hostname}" is not a fully-qualified domain name`, fix: 'set hostname (or STOA_HOSTNAME) to the name MX records point at, e.g. hostname: mail.example.com' });
  }

  let storeOk = false;
  try {
    const { store } = await ctx.open();
    findings.push(...await checkStore(store, config));
    storeOk = true;
  } catch (err) {
    findings.push(storeFailure(err, config));
  }
  findings.push(await checkPermissions(config));

  findings.push(...await checkListeners(config));

  if (!storeOk) {
    findings.push({ section: 'dns', level: 'warn', message: 'domains not checked: the store could not be read' });
    return findings;
  }
  let domains = await allDomains(ctx);
  if (domainFilter.length > 0) {
    const wanted = new Set(domainFilter.map((d) => d.toLowerCase()));
    domains = domains.filter((d) => wanted.has(d.name) || wanted.has(d.unicodeName.toLowerCase()));
  }
  if (domains.length === 0) {
    findings.push({ section: 'dns', level: 'warn', message: 'no domains to check', fix: 'add one with `stoa domain add example.com`' });
    return findings;
  }
  let resolver;
  try {
    resolver = createResolver(config);
  } catch (err) {
    findings.push({ section: 'dns', level: 'error', message: `dns.servers is not usable: ${(err as Error).message}`, fix: 'use addresses such as 127.0.0.1, 127.0.0.1:5353 or [::1]:53' });
    return findings;
  }
  const byId = new Map(domains.map((d) => [d.id, d]));
  const { dkim } = (await ctx.open()).services;
  for (const d of domains) {
    if (!d.enabled) {
      findings.push({ section: `dns ${d.name}`, level: 'ok', message: 'domain is disabled; not checked' });
      continue;
    }
    const dns = await checkDomainDns(resolver, d.name, config, await dkim.records(d));
    if (d.aliasOf) dns.unshift({ section: `dns ${d.name}`, level: 'ok', message: `alias of ${byId.get(d.aliasOf)?.name ?? d.aliasOf}: it needs its own records too` });
    findings.push(...dns);
  }
  return findings;
}

export const doctorCommand: CommandGroup = standaloneGroup('check the configuration, store, ports and DNS, and say what to fix', {
  name: 'doctor', summary: 'diagnose this installation', usage: '[--domain NAME…]', positionals: 0,
  options: { domain: { type: 'string', multiple: true } },
  details: ['--domain NAME           check the DNS of these domains only', 'Exit code 0 when there are no errors (warnings allowed), 1 otherwise.'],
  async run(ctx, { values }) {
    const findings = await diagnose(ctx, Array.isArray(values.domain) ? values.domain.filter((d): d is string => typeof d === 'string') : []);
    const errors = findings.filter((f) => f.level === 'error').length;
    const warnings = findings.filter((f) => f.level === 'warn').length;
    ctx.emit({ ok: errors === 0, errors, warnings, findings }, () => renderFindings(findings));
    return errors === 0 ? 0 : 1;
  },
});


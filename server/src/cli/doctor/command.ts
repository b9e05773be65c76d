// stoa doctor: checks the configuration, the store, the listening ports and
// the DNS of every domain, and says exactly what to fix. Exit code 0 when
// nothing is an error (warnings allowed), 1 otherwise.
import { isStoaError } from '../../errors/catalogue.ts';
import type { Domain } from '../../../../shared/src/schemas/directory.ts';
import { standaloneGroup, type CommandGroup } from '../command.ts';
import type { CliContext } from '../context.ts';
import { checkDomainDns, createResolver } from './dns-check.ts';
import { renderFindings, type Finding } from './finding.ts';
import { checkListeners } from './port-check.ts';
import { checkStore } from './store-check.ts';

function failure(section: string, err: unknown): Finding {
  const message = isStoaError(err) ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
  return { section, level: 'error', message };
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
    findings.push({ section: 'config', level: 'warn', message: `hostname "${config.hostname}" is not a fully-qualified domain name`, fix: 'set hostname to the name MX records point at, e.g. hostname: mail.example.com' });
  }

  let storeOk = false;
  try {
    const { store } = await ctx.open();
    findings.push(...await checkStore(store, config));
    storeOk = true;
  } catch (err) {
    findings.push(failure('store', err));
  }

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


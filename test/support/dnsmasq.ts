// A real DNS server for tests: dnsmasq on a free loopback port, answering
// only from its command line (no upstream, no /etc/hosts). Never public DNS.
import { spawn, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { freePort } from '../cli/run-stoa.ts';
import { requireFile } from './test-tools.ts';

export interface Dnsmasq { port: number; server: string; stop(): void }

/**
 * The name looked up to know dnsmasq is answering. `absent`: the name does not
 * exist, so NXDOMAIN or an empty answer counts as an answer too.
 */
export interface DnsProbe { name: string; type: 'A' | 'MX' | 'TXT'; absent?: boolean }

function dnsmasqPath(): string {
  // A DNS test that silently passes without DNS would prove nothing.
  return requireFile('dnsmasq', ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq', '/sbin/dnsmasq']);
}

async function answers(resolver: Resolver, probe: DnsProbe): Promise<void> {
  try {
    await resolver.resolve(probe.name, probe.type);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(probe.absent && (code === 'ENOTFOUND' || code === 'ENODATA'))) throw err;
  }
}

/**
 * Starts dnsmasq with `records` (dnsmasq options such as --txt-record=…) and waits until `probe` resolves.
 * `port` is for callers that must hand the resolver address to a server before the records are known.
 */
export async function startDnsmasq(records: string[], probe: DnsProbe, port?: number): Promise<Dnsmasq> {
  port ??= await freePort();
  let log = '';
  // argv, not a shell: TXT values go without quotes.
  const child: ChildProcess = spawn(dnsmasqPath(), [
    '--no-daemon', '--no-resolv', '--no-hosts', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces',
    '--conf-file=/dev/null', '--user=root', ...records,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const resolver = new Resolver({ timeout: 300, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  for (let i = 0; ; i++) {
    try {
      await answers(resolver, probe);
      break;
    } catch (err) {
      if (i >= 50) {
        child.kill('SIGTERM');
        throw new Error(`dnsmasq did not answer within 5 s: ${(err as Error).message}\n${log}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, server: `127.0.0.1:${port}`, stop: () => { child.kill('SIGTERM'); } };
}

/** dnsmasq --txt-record with the value split into 255-octet strings (RFC 1035 §3.3.14). */
export function txtRecord(name: string, value: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
  return `--txt-record=${name},${chunks.join(',')}`;
}

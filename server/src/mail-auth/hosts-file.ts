// Reverse names known without asking DNS: loopback is "localhost", and the
// addresses the hosts file names (hosts(5): "address name aliases…", "#"
// starts a comment) are answered from it. A local client then never waits
// for a resolver that may be slow or unreachable (issue 16 item 16), and the
// answer is the one the machine itself uses.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { normaliseIp } from '../model/ip-network.ts';

/** The hosts file as a reverse table: address → names, first name first. Unreadable or absent: empty. */
export function parseHostsFile(text: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [address, ...names] = line.split(/\s+/);
    if (!isIP(address) || names.length === 0) continue;
    const key = normaliseIp(address).toLowerCase();
    table.set(key, [...(table.get(key) ?? []), ...names.map((n) => n.toLowerCase())]);
  }
  return table;
}

export function readHostsFile(path: string | null): Map<string, string[]> {
  if (path === null) return new Map();
  try {
    return parseHostsFile(readFileSync(path, 'utf8'));
  } catch {
    return new Map();
  }
}

/** The names of `ip` without DNS, or null when DNS must be asked. */
export function localReverse(table: ReadonlyMap<string, string[]>, ip: string): string[] | null {
  const key = normaliseIp(ip).toLowerCase();
  const listed = table.get(key);
  if (listed) return listed;
  // RFC 6761 §6.3: the loopback address is "localhost". Only these two: the
  // rest of 127.0.0.0/8 is asked like any address (a local resolver answers it, RFC 6303 §4.2).
  if (key === '127.0.0.1' || key === '::1') return ['localhost'];
  return null;
}

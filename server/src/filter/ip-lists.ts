// Client IP allow and deny lists (filter.ipAllow / filter.ipDeny): CIDRs or
// single addresses, IPv4 and IPv6, matched with node:net BlockList. An
// IPv4-mapped IPv6 client (::ffff:192.0.2.1, from a dual-stack socket) is
// matched as the IPv4 address it is.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { StoaError } from '../errors/catalogue.ts';
import { accept, reject, type FilterDecision } from './decision.ts';

export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/** Builds a BlockList from CIDR strings; `key` names the config key in errors. */
export function parseCidrList(entries: readonly string[], key: string): BlockList {
  const list = new BlockList();
  entries.forEach((entry, i) => {
    const [address, prefixText, extra] = entry.trim().split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      throw new StoaError('STOA_CONFIG_INVALID', `${key}[${i}]: "${entry}" is not an IPv4 or IPv6 address or CIDR (192.0.2.0/24, 2001:db8::/32)`);
    }
    list.addSubnet(address, prefix, family);
  });
  return list;
}

function contains(list: BlockList, ip: string): boolean {
  const addr = normaliseIp(ip);
  if (isIPv4(addr)) return list.check(addr, 'ipv4');
  if (isIPv6(addr)) return list.check(addr, 'ipv6');
  return false;
}

export interface IpLists {
  /** In filter.ipAllow: skips blocklists and greylisting. */
  allowed(ip: string): boolean;
  /** Connection-time check: reject listed clients (allow wins over deny). */
  checkConnection(ip: string): FilterDecision;
}

export function createIpLists(allow: readonly string[], deny: readonly string[]): IpLists {
  const allowList = parseCidrList(allow, 'filter.ipAllow');
  const denyList = parseCidrList(deny, 'filter.ipDeny');
  return {
    allowed: (ip) => contains(allowList, ip),
    checkConnection(ip) {
      if (contains(allowList, ip)) return accept('ip-allow', `${ip} is in filter.ipAllow`);
      // RFC 5321 §3.1: 554 in the greeting for a client the server will not serve.
      if (contains(denyList, ip)) return reject('ip-deny', 554, '5.7.1', `Connections from ${ip} are not accepted`);
      return accept('ip-lists');
    },
  };
}

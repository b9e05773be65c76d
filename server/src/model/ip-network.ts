// Client addresses as the limits count them: an IPv4-mapped IPv6 address
// (::ffff:192.0.2.1, from a dual-stack socket) is the IPv4 address it is, and
// an IPv6 client is counted by its /64, because one subscriber gets a whole
// /64 (RFC 6177 §2) and can pick a new address in it for every connection or
// login. Networks for connection caps are IPv4 /24 and IPv6 /64, as
// greylisting and Postfix's anvil count them. Pure functions, shared by the
// front ends (connection limits) and the directory (login throttling).
import { isIP, isIPv4, isIPv6 } from 'node:net';

export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/** The eight 16-bit groups of an IPv6 address, expanded ("2001:db8::1" → 2001,db8,0,0,0,0,0,1). */
function ipv6Groups(addr: string): number[] | null {
  if (!isIPv6(addr)) return null;
  // An embedded IPv4 tail ("::ffff:1.2.3.4" already handled; "64:ff9b::1.2.3.4") becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  let text = addr.replace(/%.*$/, '');
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, text.length - v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = text.includes('::') ? part(tail) : [];
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

/** True for 127.0.0.0/8, ::1 and their mapped forms. */
export function isLoopback(ip: string): boolean {
  const addr = normaliseIp(ip);
  if (isIPv4(addr)) return addr.startsWith('127.');
  const groups = ipv6Groups(addr);
  return groups !== null && groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
}

/**
 * The network `ip` belongs to, as a key: "192.0.2.0/24" for IPv4 with
 * v4Bits 24, "2001:db8:0:1::/64" for IPv6 with v6Bits 64. Anything that is
 * not an IP address is its own key.
 */
export function networkOf(ip: string, v4Bits: number, v6Bits: number): string {
  const addr = normaliseIp(ip);
  if (isIPv4(addr)) {
    if (v4Bits >= 32) return addr;
    const n = addr.split('.').map(Number).reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - v4Bits);
    const base = Math.floor(n / size) * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${v4Bits}`;
  }
  const groups = ipv6Groups(addr);
  if (!groups) return addr;
  if (v6Bits >= 128) return groups.map((g) => g.toString(16)).join(':');
  const kept = groups.map((g, i) => {
    const bits = Math.max(0, Math.min(16, v6Bits - i * 16));
    return bits === 16 ? g : bits === 0 ? 0 : g & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${kept.slice(0, Math.ceil(v6Bits / 16)).map((g) => g.toString(16)).join(':')}::/${v6Bits}`;
}

/** The unit one client is counted by: the IPv4 address, or the IPv6 /64. */
export function clientKey(ip: string): string {
  const addr = normaliseIp(ip);
  return isIP(addr) === 6 ? networkOf(addr, 32, 64) : addr;
}

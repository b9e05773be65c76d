// The DNS side of a DKIM key (RFC 6376 §3.6): where it is published, the TXT
// value, and the public key parsed back out of a published record.
import type { DkimAlgorithm, DkimKey } from '../store/filter-port.ts';

export interface DkimDnsRecord {
  selector: string;
  algorithm: DkimAlgorithm;
  /** Owner name: <selector>._domainkey.<domain> (RFC 6376 §3.6.2.1). */
  name: string;
  /** TXT value to publish; DNS servers split it into 255-octet strings (RFC 7208 §3.3 style). */
  value: string;
  /** The p= tag alone, to compare with what DNS serves. */
  publicKey: string;
  active: boolean;
  createdAt: string;
}

export function dkimRecordName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

export function dkimRecord(domain: string, key: DkimKey): DkimDnsRecord {
  // RFC 6376 §3.6.1 k= (rsa is the default, stated anyway); RFC 8463 §4.2 k=ed25519.
  const k = key.algorithm === 'ed25519-sha256' ? 'ed25519' : 'rsa';
  return {
    selector: key.selector,
    algorithm: key.algorithm,
    name: dkimRecordName(key.selector, domain),
    value: `v=DKIM1; k=${k}; p=${key.publicKey}`,
    publicKey: key.publicKey,
    active: key.active,
    createdAt: key.createdAt,
  };
}

/** The p= tag of a key record (whitespace inside it is allowed, RFC 6376 §3.6.1), or null when absent. */
export function publishedPublicKey(txt: string): string | null {
  for (const tag of txt.split(';')) {
    const eq = tag.indexOf('=');
    if (eq < 0) continue;
    if (tag.slice(0, eq).trim().toLowerCase() === 'p') return tag.slice(eq + 1).replace(/\s+/g, '');
  }
  return null;
}

/** Splits a long TXT value into strings of at most 255 octets, for zone files and dnsmasq. */
export function txtChunks(value: string, size = 255): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += size) chunks.push(value.slice(i, i + size));
  return chunks;
}

// A self-signed X.509 v3 server certificate (RFC 5280), built without an
// openssl binary: ECDSA P-256 key from node:crypto, the TBSCertificate
// encoded with der.ts and signed with ecdsa-with-SHA256 (RFC 5758 §3.2).
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { bitString, boolean, explicit, generalName, integer, octetString, oid, sequence, set, time, utf8String } from './der.ts';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface SelfSignedOptions {
  /** Subject CN and first subjectAltName. */
  commonName: string;
  /** Further DNS names or IP addresses for subjectAltName. */
  altNames?: readonly string[];
  notBefore?: Date;
  validDays?: number;
}

export interface SelfSigned {
  keyPem: string;
  certPem: string;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

function name(commonName: string): Buffer {
  // RFC 5280 §4.1.2.4: UTF8String for new certificates.
  return sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

export function buildCertificate(publicKey: KeyObject, privateKey: KeyObject, opts: SelfSignedOptions): Buffer {
  const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000); // an hour of clock skew
  const notAfter = new Date(notBefore.getTime() + (opts.validDays ?? 825) * 86_400_000);
  // RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear.
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const names = [...new Set([opts.commonName, ...(opts.altNames ?? [])])];
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits; here SHA-256 truncated (method allowed by RFC 7093 §2).
  const keyId = createHash('sha256').update(spki.subarray(spki.length - 65)).digest().subarray(0, 20);

  const extensions = sequence(
    // RFC 6125 §6.4.4: clients match the SAN, not the CN.
    extension(OID.subjectAltName, false, sequence(...names.map(generalName))),
    extension(OID.basicConstraints, true, sequence()),
    // digitalSignature (bit 0) is what an ECDHE_ECDSA key exchange uses.
    extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
  );
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name(opts.commonName),
    sequence(time(notBefore), time(notAfter)),
    name(opts.commonName),
    spki,
    explicit(3, extensions),
  );
  // ECDSA signatures in X.509 are the DER Ecdsa-Sig-Value (RFC 3279 §2.2.3).
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  return sequence(tbs, algorithm, bitString(signature));
}

/** A fresh P-256 key and a certificate for it. */
export function generateSelfSigned(opts: SelfSignedOptions): SelfSigned {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = buildCertificate(publicKey, privateKey, opts);
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: pem('CERTIFICATE', der),
  };
}

// Outbound DKIM signing (RFC 6376) with the From domain's active keys,
// relaxed/relaxed canonicalization (§3.4.2, §3.4.4), through mailauth.
import { domainToASCII } from 'node:url';
import type { dkimSign as DkimSignFn } from 'mailauth/lib/dkim/sign.js';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/port.ts';

/**
 * RFC 6376 §5.4.1: the fields that carry the message's meaning to a reader.
 * mailauth signs those of them present in the message (From always).
 */
export const SIGNED_HEADERS = [
  'from', 'sender', 'reply-to', 'subject', 'date', 'message-id', 'to', 'cc',
  'mime-version', 'content-type', 'content-transfer-encoding', 'content-language',
  'in-reply-to', 'references', 'list-id', 'list-help', 'list-unsubscribe', 'list-unsubscribe-post',
  'list-subscribe', 'list-post', 'list-owner', 'list-archive',
] as const;

export interface DkimSigner {
  /** The message with DKIM-Signature fields prepended; unchanged when the domain has no active key. */
  signMessage(raw: Buffer, fromDomain: string): Promise<Buffer>;
}

// mailauth (and what it pulls in: an HTTP client, X.509 parsers, a schema
// library) is loaded at the first signature, not when the services are
// built: the CLI builds them for every command and signs nothing.
let signer: Promise<typeof DkimSignFn> | null = null;
const loadDkimSign = (): Promise<typeof DkimSignFn> => (signer ??= import('mailauth/lib/dkim/sign.js').then((m) => m.dkimSign));

export function createDkimSigner(store: Store, logger: Logger): DkimSigner {
  return {
    async signMessage(raw, fromDomain) {
      const ascii = domainToASCII(fromDomain.toLowerCase().replace(/\.$/, ''));
      const domain = ascii ? await store.domains.getByName(ascii) : null;
      const keys = domain ? await store.dkimKeys.active(domain.id) : [];
      if (!domain || keys.length === 0) {
        logger.debug({ fromDomain }, 'not DKIM-signing: no active key for the domain');
        return raw;
      }
      const options = {
        canonicalization: 'relaxed/relaxed',
        headerList: [...SIGNED_HEADERS],
        signatureData: keys.map((k) => ({ signingDomain: domain.name, selector: k.selector, privateKey: k.privateKeyPem, algorithm: k.algorithm })),
      };
      // mailauth's typings demand a top-level key too, which its signer
      // ignores when signatureData is given (lib/dkim/dkim-signer.js).
      const result = await (await loadDkimSign())(raw, options as unknown as Parameters<typeof DkimSignFn>[1]);
      for (const e of result.errors) logger.warn({ fromDomain, err: e.err, selector: e.selector }, 'DKIM signing failed');
      if (!result.signatures) return raw;
      return Buffer.concat([Buffer.from(result.signatures, 'utf8'), raw]);
    },
  };
}

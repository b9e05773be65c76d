// Forwarding targets of an account, normalised like every other address.
import { StoaError } from '../errors/catalogue.ts';
import { parseAddress } from './names.ts';

/** Normalised, de-duplicated targets; forwarding to oneself is a mail loop and is refused. */
export function normaliseForwardTo(targets: readonly string[], ownAddress: string): string[] {
  const out = new Set<string>();
  for (const target of targets) {
    const address = parseAddress(target).address;
    if (address === ownAddress) throw new StoaError('STOA_VALIDATION', 'an account cannot forward to its own address', { errors: [{ path: '/forwardTo', message: 'own address' }] });
    out.add(address);
  }
  return [...out];
}

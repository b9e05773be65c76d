// Greylisting (RFC 6647): the first message of an unknown {client network,
// sender, recipient} triplet is deferred with 451 4.7.1; a retry after the
// delay passes, and so does every later message of the triplet. The client
// is keyed by its /24 (IPv4) or /64 (IPv6): large senders retry from another
// address of the same pool (RFC 6647 §2.2). Networks that passed several
// triplets are whitelisted automatically (§4.4), so regular correspondents
// meet the delay once. State lives in the store, so every node agrees.
import { isIPv4 } from 'node:net';
import type { FilterConfig } from '../config/types.ts';
import type { GreylistStore } from '../store/filter-port.ts';
import { accept, defer, type FilterDecision } from './decision.ts';
import { normaliseIp } from './ip-lists.ts';
import { reversedName } from './dnsbl.ts';

export function clientNetwork(ip: string): string {
  const addr = normaliseIp(ip);
  if (isIPv4(addr)) return `${addr.split('.').slice(0, 3).join('.')}.0/24`;
  // The first 16 nibbles of the expanded address are the /64 prefix.
  const nibbles = (reversedName(addr) ?? '').split('.').reverse().join('');
  if (nibbles.length !== 32) return addr;
  const groups = nibbles.slice(0, 16).match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  return `${groups.join(':')}::/64`;
}

export interface GreylistInput { ip: string; mailFrom: string; recipient: string }

export interface Greylist {
  check(input: GreylistInput, now?: number): Promise<FilterDecision>;
  /** Forgets expired state; run periodically. */
  prune(now?: number): Promise<number>;
}

export function createGreylist(config: FilterConfig['greylist'], store: GreylistStore): Greylist {
  const delayMs = config.delaySeconds * 1000;
  const windowMs = config.retryWindowHours * 3_600_000;
  const whitelistMs = config.whitelistDays * 86_400_000;

  return {
    async check(input, now = Date.now()) {
      if (!config.enabled) return accept('greylist', 'greylisting disabled');
      const network = clientNetwork(input.ip);
      if (config.autoWhitelistAfter > 0 && await store.passedFromNetwork(network, now - whitelistMs) >= config.autoWhitelistAfter) {
        return accept('greylist', `${network} is auto-whitelisted`);
      }
      const key = `${network}|${input.mailFrom.toLowerCase()}|${input.recipient.toLowerCase()}`;
      const entry = await store.seen(key, network, now);
      if (entry.passedAt !== null) return accept('greylist', 'known triplet');
      // An attempt older than the retry window counts as a new first attempt.
      if (now - entry.firstSeenAt > windowMs) {
        // Pruning drops this stale attempt (and the others), so seen() starts it afresh.
        await store.prune(now - windowMs, now - whitelistMs);
        const fresh = await store.seen(key, network, now);
        return defer('greylist', 451, '4.7.1', `Greylisted, please try again in ${Math.ceil((fresh.firstSeenAt + delayMs - now) / 1000)} seconds`);
      }
      if (now - entry.firstSeenAt >= delayMs) {
        await store.pass(key, now);
        return accept('greylist', `retried after ${Math.round((now - entry.firstSeenAt) / 1000)} s`);
      }
      // RFC 6647 §2.1: a temporary failure, which every conforming MTA retries.
      return defer('greylist', 451, '4.7.1', `Greylisted, please try again in ${Math.ceil((entry.firstSeenAt + delayMs - now) / 1000)} seconds`);
    },
    prune: (now = Date.now()) => store.prune(now - windowMs, now - whitelistMs),
  };
}


// The MX client's reverse name, looked up beside the session instead of in
// front of it (issue 16 item 16): the 220 goes out at once, the lookup runs
// through the process's cached, deadline-bounded resolver, and the name is
// used where it matters: the filter's reverse-DNS check at the first MAIL
// FROM (which waits for it a bounded time) and the Received field at the end
// of DATA (whatever is known by then).
import type { DnsLookups } from '../../mail-auth/dns-resolver.ts';

/** How long MAIL FROM waits for a lookup still running: smtp-server held the banner this long before. */
export const REVERSE_WAIT_MS = 1500;

/** RFC 1123 §2.1 host names; a PTR is controlled by whoever owns the address, so anything else is dropped. */
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export interface ReverseName {
  /** The name once known; null before, or when there is none. */
  name: string | null;
  /** Settles (never rejects) when the lookup is over. */
  done: Promise<void>;
}

export function lookUpReverseName(dns: Pick<DnsLookups, 'reverse'>, ip: string): ReverseName {
  const result: ReverseName = { name: null, done: Promise.resolve() };
  result.done = dns.reverse(ip).then(
    (names) => {
      const first = (names[0] ?? '').replace(/\.$/, '').toLowerCase();
      result.name = HOSTNAME.test(first) ? first : null;
    },
    // No name (NXDOMAIN, timeout, no resolver): the client is named by its address, as before.
    () => undefined,
  );
  return result;
}

/** Waits for the lookup at most `ms`; the name it found, or null. */
export async function reverseNameWithin(reverse: ReverseName | null, ms: number = REVERSE_WAIT_MS): Promise<string | null> {
  if (!reverse) return null;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([reverse.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); timer.unref(); })]);
  clearTimeout(timer);
  return reverse.name;
}

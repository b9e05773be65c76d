// What a host name or address says about the machine behind it: a pool of
// dynamic (residential, dial-up, cable) addresses, a private address, a big
// mail provider. Used for the connecting client (rdns check) and for the
// hops of the Received: trace (trace check) alike.
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Generic naming of address pools: the address itself in the name
 * (c-24-3-96-11.example.net, 11.96.3.24.example.net, 0x18036011.example.net),
 * or a pool word next to a number (ppp12, dsl-…, cm-…-104-67, dyn123,
 * pool-…), as ISPs name them (draft-msullivan-dnsop-generic-naming-schemes,
 * and the patterns SpamAssassin's RDNS_DYNAMIC family collects).
 */
const ADDRESS_IN_NAME = /(?:^|[.-])[a-z]{0,12}[.-]?\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3}(?:[.-]|$)|(?:^|[.-])(?:0x|[a-z])?[0-9a-f]{8}\./i;
const POOL_WORD = /(?:^|[.-])(?:dyn|dynamic|dhcp|pool|dsl|adsl|xdsl|vdsl|cable|catv|docsis|cpe|cm|ppp|pppoe|dial|dialup|dialin|modem|isdn|client|cust|customer|res|resnet|broadband|wireless)[a-z]?(?=[.\d-])/i;
/** Names that say the address is fixed or a mail server: pools with these words are not dynamic. */
const NOT_DYNAMIC = /(?:^|[.-])(?:static|fixed|fixip|mail|mx\d*|smtp\d*|relay|out(?:bound)?|mta\d*)(?:[.\d-]|$)/i;

/** Whether a reverse name (or a HELO name) looks like a dynamic address pool. */
export function isDynamicName(name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  const base = baseDomain(host);
  if (host.length <= base.length) return false;
  // Only the labels left of the registrable domain name the machine.
  const local = host.slice(0, host.length - base.length);
  return !NOT_DYNAMIC.test(local) && (ADDRESS_IN_NAME.test(local) || (POOL_WORD.test(local) && /\d/.test(local)));
}

/**
 * Addresses that never reach a server across the internet: RFC 1918, loopback,
 * link-local, shared (RFC 6598), documentation ranges are public on purpose
 * (tests use them). IPv6 unique-local (RFC 4193), link-local and loopback.
 */
export function isPrivateAddress(ip: string): boolean {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/i.exec(ip);
  if (v4 && isIPv4(ip.replace(/^::ffff:/i, ''))) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
      || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIPv6(ip)) return /^(?:::1$|f[cd]|fe[89ab])/i.test(ip);
  return false;
}

/** The registrable part of a domain, roughly: the last two labels (three under a two-letter country second level). */
export function baseDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const two = labels.slice(-2);
  return (two[0].length <= 3 && two[1].length === 2 ? labels.slice(-3) : two).join('.');
}

/**
 * Free-mail providers whose names spamware likes to borrow (in HELO,
 * Message-ID, Received), and the domains their own servers are named under.
 */
const PROVIDERS: ReadonlyArray<[RegExp, RegExp]> = [
  [/(?:^|\.)yahoo\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/, /(?:^|\.)(?:yahoo\.(?:com|net|co\.jp)|yahoodns\.net|yahoo-inc\.com)$/],
  [/(?:^|\.)(?:hotmail|outlook|live|msn)\.(?:[a-z]{2,3}|co\.[a-z]{2})$/, /(?:^|\.)(?:hotmail\.com|outlook\.com|live\.com|msn\.com|microsoft\.com)$/],
  [/(?:^|\.)(?:gmail|googlemail|google)\.com$/, /(?:^|\.)(?:google\.com|googlemail\.com|gmail\.com)$/],
  [/(?:^|\.)aol\.(?:com|[a-z]{2})$/, /(?:^|\.)(?:aol\.com|aol\.net|yahoo\.com|yahoodns\.net)$/],
];

/**
 * Whether `helo` claims a big provider whose servers `rdns` is not one of:
 * "HELO yahoo.com" from a dial-up line (SpamAssassin's FORGED_*_RCVD idea).
 */
export function claimsOtherProvider(helo: string, rdns: string): boolean {
  const h = helo.toLowerCase().replace(/\.$/, '');
  const r = rdns.toLowerCase().replace(/\.$/, '');
  for (const [claims, servers] of PROVIDERS) if (claims.test(h)) return !servers.test(r) && !claims.test(r);
  return false;
}

/**
 * Free-mail providers anyone can sign up with (the big ones of SpamAssassin's
 * 20_freemail_domains.cf, and Mail.ru's, Proton's and Tuta's newer domains):
 * an address there says nothing of the company a message claims to come from.
 */
const FREEMAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'ymail.com', 'rocketmail.com', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
  'aol.com', 'aim.com', 'icloud.com', 'me.com', 'mac.com', 'mail.com', 'email.com', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de',
  'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'rambler.ru', 'protonmail.com', 'proton.me',
  'zoho.com', 'tutanota.com', 'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com',
  'aliyun.com', 'naver.com', 'hanmail.net', 'daum.net', 'rediffmail.com', 'libero.it', 'laposte.net', 'orange.fr',
  'free.fr', 'seznam.cz', 'o2.pl', 'wp.pl', 'interia.pl', 'onet.pl', 'lycos.com', 'excite.com', 'netscape.net',
]);
/** National variants of the biggest (yahoo.co.uk, hotmail.fr, outlook.de, live.com.au …). */
const FREEMAIL_NATIONAL = /^(?:yahoo|hotmail|outlook|live|aol)\.(?:[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$/;

export function isFreemail(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return FREEMAIL_DOMAINS.has(d) || FREEMAIL_NATIONAL.test(d);
}

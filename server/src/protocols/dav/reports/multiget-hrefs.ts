// Multiget hrefs (RFC 4791 §7.9, RFC 6352 §8.7): members of the target
// collection by name (keeping the href as the client wrote it), the rest
// answered 404.
export function groupHrefs(hrefs: readonly string[], collectionHref: string): { names: Map<string, string>; foreign: string[] } {
  const names = new Map<string, string>();
  const foreign: string[] = [];
  for (const href of hrefs) {
    let path: string;
    try {
      path = decodeURIComponent(new URL(href, 'http://placeholder').pathname);
    } catch {
      foreign.push(href);
      continue;
    }
    const base = decodeURIComponent(collectionHref);
    const name = path.startsWith(base) ? path.slice(base.length) : null;
    if (name && !name.includes('/')) names.set(name, href);
    else foreign.push(href);
  }
  return { names, foreign };
}

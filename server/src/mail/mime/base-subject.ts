// RFC 5256 §2.1 base subject, the key of SORT SUBJECT and THREAD
// ORDEREDSUBJECT. Written as explicit loops, not regular expressions, so a
// hostile subject ("Re: Re: Re: …" × 100 000) stays linear.

/** subj-blob = "[" *BLOBCHAR "]" *WSP; returns the index after it, or -1. */
function blobEnd(s: string, i: number): number {
  if (s[i] !== '[') return -1;
  let j = i + 1;
  while (j < s.length && s[j] !== ']' && s[j] !== '[') j++;
  if (s[j] !== ']') return -1;
  j++;
  while (s[j] === ' ') j++;
  return j;
}

/**
 * subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":" at `i`; returns
 * the index after it, or -1.
 */
function refwdEnd(s: string, i: number): number {
  let j = i;
  const lower = s.slice(j, j + 3).toLowerCase();
  if (lower === 'fwd') j += 3;
  else if (lower.startsWith('re') || lower.startsWith('fw')) j += 2;
  else return -1;
  while (s[j] === ' ') j++;
  const k = blobEnd(s, j);
  if (k >= 0) j = k;
  return s[j] === ':' ? j + 1 : -1;
}

export function baseSubject(subject: string): string {
  // Step 1: the subject is already decoded; collapse whitespace to one space.
  let s = subject.replace(/\s+/g, ' ');
  for (;;) {
    // Step 2: remove trailing "(fwd)" and whitespace (subj-trailer).
    let end = s.length;
    for (;;) {
      while (end > 0 && s[end - 1] === ' ') end--;
      if (end >= 5 && s.slice(end - 5, end).toLowerCase() === '(fwd)') end -= 5;
      else break;
    }
    s = s.slice(0, end);
    // Steps 3–5: strip leaders, then a leading blob if text remains, until stable.
    // A run of blobs is scanned once: either a subj-refwd follows it (the
    // whole run is part of a subj-leader) or the blobs go one by one under
    // step 4 as long as text remains after them.
    let pos = 0;
    for (;;) {
      if (s[pos] === ' ') {
        pos++;
        continue;
      }
      let j = pos;
      let lastBlob = -1;
      for (let k = blobEnd(s, j); k >= 0; k = blobEnd(s, j)) {
        lastBlob = j;
        j = k;
      }
      const r = refwdEnd(s, j);
      if (r >= 0) pos = r;
      else if (lastBlob < 0) break;
      else if (j < s.length) pos = j;
      else if (lastBlob > pos) pos = lastBlob;
      else break;
    }
    s = s.slice(pos);
    // Step 6: "[fwd: …]" wrapper (subj-fwd-hdr / subj-fwd-trl).
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) {
      s = s.slice(5, -1);
      continue;
    }
    return s.trim();
  }
}

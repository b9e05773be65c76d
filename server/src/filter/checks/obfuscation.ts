// Words of spam's vocabulary written so that word filters miss them:
// "v1agra", "ca$h", "dizcounnt", "purrchaze", "medz", "offfers", "Pri ce",
// "L i m i t e d", "C-L-I-C-K" — SpamAssassin's *_OBFU drug rules and its
// spaced-letter rules, as one general family. Ordinary mail has no reason to
// write these words like that; the rule needs two different disguised words,
// so one hyphenation at a line end ("pur- chase") is not enough.
//
// Each word is reduced to a skeleton — look-alike digits and signs read as
// letters (0→o, 1→i, 3→e, 4/@→a, 5/$→s, 7→t, !/|→i), z read as s, doubled
// letters as one — and compared with the skeletons of the vocabulary. A word
// counts as disguised when its skeleton matches but the word itself is not
// the plain word (or its plural), and it is not shorter than the plain word
// (so a name like "Ofer" is not a disguised "offer").

/** The vocabulary: pharmacy, money, shopping and call-to-action words spam disguises. */
const VOCABULARY = [
  'viagra', 'cialis', 'levitra', 'xanax', 'valium', 'vicodin', 'phentermine', 'pharmacy', 'prescription', 'medication', 'meds',
  'pills', 'drugs', 'discount', 'purchase', 'price', 'cheap', 'offer', 'free', 'order', 'limited', 'click', 'software', 'casino',
  'mortgage', 'loan', 'credit', 'refinance', 'rolex', 'replica', 'weight', 'penis', 'enlargement', 'sex', 'porn', 'money', 'cash',
  'dollars', 'million', 'lottery', 'winner', 'bonus', 'guaranteed', 'unsubscribe', 'remove', 'save',
];

const LOOK_ALIKE: Record<string, string> = { 0: 'o', 1: 'i', 3: 'e', 4: 'a', 5: 's', 7: 't', '@': 'a', $: 's', '!': 'i', '|': 'i', z: 's' };

export function skeleton(word: string): string {
  let out = '';
  for (const ch of word.toLowerCase()) {
    const c = LOOK_ALIKE[ch] ?? ch;
    if (c !== out[out.length - 1]) out += c;
  }
  return out;
}

const BY_SKELETON = new Map<string, string>();
for (const w of VOCABULARY) {
  BY_SKELETON.set(skeleton(w), w);
  BY_SKELETON.set(skeleton(`${w}s`), w);
}
const PLAIN = new Set(VOCABULARY.flatMap((w) => [w, `${w}s`, `${w}es`]));

/** Tokens: letters with look-alike digits and signs (the text is lower case: phraseText). */
const TOKEN = /[a-z0-9@$!|]+/g;
/**
 * Only tokens with a look-alike digit or sign, a z, or a doubled letter can
 * hide a word: a token of other letters is its own skeleton, and matches a
 * vocabulary word only by being it.
 */
const MAY_HIDE = /[0-9@$!|z]|([a-y])\1/;
const LETTER = /[a-z]/;
/** Letters spaced out with one and the same separator: "L i m i t e d", "C-L-I-C-K", "v.i.a.g.r.a". */
const SPACED = /\b[a-z]([ .\-_*])(?:[a-z]\1){2,}[a-z]\b/g;
/** The beginnings of vocabulary words: only these can be the first half of a split word ("Pri ce", "pur- chase"). */
const PREFIXES = new Set(VOCABULARY.flatMap((w) => Array.from({ length: w.length - 3 }, (_, i) => w.slice(0, i + 2))));
const MAX_FOUND = 5;

function disguised(token: string): string | null {
  // "!" and "|" count as an i only inside a word: "free!" is no disguise.
  const lower = /^[!|]|[!|]$/.test(token) ? token.replace(/^[!|]+|[!|]+$/g, '') : token;
  if (PLAIN.has(lower)) return null;
  const plain = BY_SKELETON.get(skeleton(lower));
  if (plain === undefined || lower.length < plain.length) return null;
  return plain;
}

/** The disguised words found in `text` (lower case, phraseText) as written → the word, at most five; the rule fires from two. */
export function disguisedWords(text: string): string[] {
  const found = new Map<string, string>();
  const add = (written: string, plain: string): void => {
    if (found.size < MAX_FOUND && !found.has(written)) found.set(written, `${written} → ${plain}`);
  };
  // One pass over the tokens: disguised single words, and words split in two by a space or "- ".
  let prev = '';
  let prevEnd = -1;
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    if (token.length >= 3 && token.length <= 24 && MAY_HIDE.test(token) && LETTER.test(token)) {
      const plain = disguised(token);
      if (plain !== null) add(token, plain);
    }
    const gap = m.index - prevEnd;
    if (prevEnd >= 0 && (gap === 1 || gap === 2) && token.length >= 2 && token.length <= 10 && PREFIXES.has(prev)) {
      const between = text.slice(prevEnd, m.index);
      const joined = prev + token;
      if ((between === ' ' || between === '- ') && PLAIN.has(joined) && !PLAIN.has(token)) add(`${text.slice(m.index - gap - prev.length, m.index)}${token}`, joined);
    }
    if (found.size >= MAX_FOUND) break;
    prev = token.length <= 10 ? token : '';
    prevEnd = m.index + token.length;
  }
  for (const m of text.matchAll(SPACED)) {
    const joined = m[0].replace(/[^a-z]/g, '');
    const plain = BY_SKELETON.get(skeleton(joined));
    if (plain !== undefined && joined.length >= plain.length) add(m[0], plain);
  }
  return [...found.values()];
}

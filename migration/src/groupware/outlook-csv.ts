// Outlook's "Export to a file → Comma Separated Values" contacts, in the
// English, German and French column names Outlook writes, turned into
// vCard 4.0 (RFC 6350). Each row gets a UID derived from its content, so a
// re-run recognises the rows it imported.
import { ContentLines, escapeText } from './content-lines.ts';
import { derivedUid } from './objects.ts';

/** Our field → the column names Outlook uses for it (lower case). */
const COLUMNS = {
  title: ['title', 'anrede', 'titre'],
  first: ['first name', 'vorname', 'prénom'],
  middle: ['middle name', 'weitere vornamen', 'deuxième prénom'],
  last: ['last name', 'nachname', 'nom'],
  suffix: ['suffix', 'suffixe'],
  company: ['company', 'firma', 'société'],
  department: ['department', 'abteilung', 'service'],
  jobTitle: ['job title', 'position', 'fonction'],
  email1: ['e-mail address', 'e-mail-adresse', 'adresse de messagerie'],
  email2: ['e-mail 2 address', 'e-mail 2: adresse', 'adresse de messagerie 2'],
  email3: ['e-mail 3 address', 'e-mail 3: adresse', 'adresse de messagerie 3'],
  workPhone: ['business phone', 'telefon geschäftlich', 'téléphone bureau'],
  workPhone2: ['business phone 2', 'telefon geschäftlich 2', 'téléphone 2 bureau'],
  homePhone: ['home phone', 'telefon privat', 'téléphone domicile'],
  mobile: ['mobile phone', 'mobiltelefon', 'tél. mobile', 'téléphone mobile'],
  workFax: ['business fax', 'fax geschäftlich', 'télécopie bureau'],
  otherPhone: ['other phone', 'weiteres telefon', 'autre téléphone'],
  workStreet: ['business street', 'straße geschäftlich', 'rue (bureau)'],
  workCity: ['business city', 'ort geschäftlich', 'ville (bureau)'],
  workRegion: ['business state', 'region geschäftlich', 'état/prov (bureau)'],
  workCode: ['business postal code', 'postleitzahl geschäftlich', 'code postal (bureau)'],
  workCountry: ['business country/region', 'land/region geschäftlich', 'pays/région (bureau)'],
  homeStreet: ['home street', 'straße privat', 'rue (domicile)'],
  homeCity: ['home city', 'ort privat', 'ville (domicile)'],
  homeRegion: ['home state', 'bundesland/kanton privat', 'état/prov (domicile)'],
  homeCode: ['home postal code', 'postleitzahl privat', 'code postal (domicile)'],
  homeCountry: ['home country/region', 'land/region privat', 'pays/région (domicile)'],
  birthday: ['birthday', 'geburtstag', 'anniversaire'],
  anniversary: ['anniversary', 'jahrestag', 'anniversaire de mariage'],
  webPage: ['web page', 'webseite', 'page web'],
  notes: ['notes', 'notizen'],
  categories: ['categories', 'kategorien', 'catégories'],
} as const;

type Field = keyof typeof COLUMNS;

/** True when the header looks like an Outlook contacts export (a name column and an e-mail or phone column). */
export function isOutlookHeader(header: readonly string[]): boolean {
  const h = new Set(header.map((x) => x.trim().toLowerCase()));
  const has = (f: Field) => COLUMNS[f].some((c) => h.has(c));
  return (has('first') || has('last') || has('company')) && (has('email1') || has('mobile') || has('workPhone') || has('homePhone'));
}

/** Outlook writes dates in the export's locale; "0/0/00" means none. → YYYYMMDD (RFC 6350 §4.3.1) or null. */
export function outlookDate(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(t))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(t))) [m, d, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{2,4})$/.exec(t))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  if (y < 100) y += y < 30 ? 2000 : 1900;
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000) return null;
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

/** One row of the export as a vCard 4.0, or null when the row names nobody. */
export function outlookRowToVCard(record: ReadonlyMap<string, string>): { uid: string; vcf: string } | null {
  const get = (f: Field): string => {
    for (const c of COLUMNS[f]) {
      const v = record.get(c);
      if (v !== undefined && v !== '') return v;
    }
    return '';
  };
  const fn = [get('first'), get('middle'), get('last')].filter(Boolean).join(' ') || get('company') || get('email1');
  if (fn === '') return null;
  const uid = derivedUid([...record.entries()].map(([k, v]) => `${k}=${v}`).join('\n'));
  const card = new ContentLines().begin('VCARD').raw('VERSION', '4.0').raw('UID', uid).text('FN', fn);
  card.raw('N', [get('last'), get('first'), get('middle'), get('title'), get('suffix')].map(escapeText).join(';'));
  if (get('company') || get('department')) card.raw('ORG', [get('company'), get('department')].map(escapeText).join(';'));
  card.text('TITLE', get('jobTitle'));
  const emails = [get('email1'), get('email2'), get('email3')].filter(Boolean);
  emails.forEach((e, i) => card.text('EMAIL', e, i === 0 ? { PREF: '1' } : {}));
  const tel = (f: Field, type: string) => card.text('TEL', get(f), { TYPE: type });
  tel('workPhone', 'work,voice');
  tel('workPhone2', 'work,voice');
  tel('mobile', 'cell');
  tel('homePhone', 'home,voice');
  tel('workFax', 'work,fax');
  tel('otherPhone', 'voice');
  const adr = (type: string, parts: Field[]) => {
    const values = parts.map(get);
    // RFC 6350 §6.3.1: PO box; extended; street; locality; region; code; country.
    if (values.some(Boolean)) card.raw('ADR', ['', '', ...values].map(escapeText).join(';'), { TYPE: type });
  };
  adr('work', ['workStreet', 'workCity', 'workRegion', 'workCode', 'workCountry']);
  adr('home', ['homeStreet', 'homeCity', 'homeRegion', 'homeCode', 'homeCountry']);
  const bday = outlookDate(get('birthday'));
  if (bday) card.raw('BDAY', bday);
  const anniversary = outlookDate(get('anniversary'));
  if (anniversary) card.raw('ANNIVERSARY', anniversary);
  card.text('URL', get('webPage'));
  card.text('NOTE', get('notes'));
  const categories = get('categories').split(';').map((c) => c.trim()).filter(Boolean);
  if (categories.length > 0) card.raw('CATEGORIES', categories.map(escapeText).join(','));
  card.end('VCARD');
  return { uid, vcf: card.toString() };
}

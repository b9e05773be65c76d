// How vCard bodies become stored address objects (RFC 6352 §6.3.2.1):
// one card, with a UID, valid as vCard 4.0; stored as sent (3.0 or 4.0)
// with CRLF line endings, converted on request.
import type { ObjectCodec } from '../collections/api.ts';
import { TIME_MAX } from '../model/dav.ts';
import { parseVCard, type VCardLimits } from './vcard.ts';

export function createContactsCodec(limits: VCardLimits): ObjectCodec {
  return {
    validate(text) {
      const data = text.replace(/\r?\n/g, '\r\n');
      const card = parseVCard(data, limits);
      // Address objects have no time span: they never match a time range.
      return { uid: card.uid, component: 'VCARD', startMs: TIME_MAX, endMs: TIME_MAX, recurring: false, data: data.endsWith('\r\n') ? data : `${data}\r\n`, scheduleTag: null };
    },
    defaults: [{ uri: 'contacts', role: 'addressbook', displayName: 'Contacts', description: '' }],
  };
}

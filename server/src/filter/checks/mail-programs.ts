// The mail program a message says wrote it (X-Mailer, User-Agent), when it
// is one people run on their own computer or phone. Such a program hands
// its mail to its provider's submission server (RFC 6409: port 587, with a
// login) or to the company's server inside its network, and writes its text
// in UTF-8 or a legacy charset. Spamware copies these names to look like a
// person's mail; what the message does besides the name gives it away
// (SpamAssassin's FORGED_MUA_* and DOS_OE_TO_MX, rspamd's DIRECT_TO_MX).
//
// Webmail, list managers, scripts and bulk senders are not here: they are
// servers or libraries that may send straight to an MX and may use any
// charset their programmer chose.
import type { MessageView } from '../message-view.ts';

/**
 * Names as the programs write them at the start of the field: Outlook
 * ("Microsoft Outlook 16.0", "Microsoft Office Outlook 12.0", Outlook
 * Express, Windows (Live) Mail, Outlook for Mac), Netscape and the Mozilla
 * family ("Mozilla 4.04 [en] (Win95; U)", "Mozilla/5.0 (…) Thunderbird/…"),
 * Apple's, and the other desktop and phone programs in wide use. A browser's
 * own User-Agent ("Mozilla/5.0 (…) Chrome/…") is not one of them.
 */
const DESKTOP = new RegExp([
  String.raw`^Microsoft (?:Office )?Outlook\b(?! Web)`,
  String.raw`^Microsoft Windows (?:Live )?Mail\b`,
  String.raw`^Windows Live Mail\b`,
  String.raw`^Microsoft-MacOutlook\b`,
  String.raw`^Mozilla \d`,
  String.raw`^Mozilla/5\.0 \([^)]*\).*\b(?:Thunderbird|SeaMonkey|Icedove|Betterbird|Postbox)/`,
  String.raw`^(?:Mozilla )?Thunderbird\b`,
  String.raw`^(?:Apple|iPhone|iPad) Mail\b`,
  String.raw`^(?:QUALCOMM )?(?:Windows )?Eudora\b`,
  String.raw`^The Bat!`,
  String.raw`^Foxmail\b`,
  String.raw`^Becky!`,
  String.raw`^Evolution\b`,
  String.raw`^KMail\b`,
  String.raw`^Claws Mail\b`,
  String.raw`^Sylpheed\b`,
  String.raw`^Pegasus Mail\b`,
  String.raw`^Opera Mail\b`,
  String.raw`^eM_?Client\b`,
  String.raw`^Mailbird\b`,
  String.raw`^(?:Neo)?Mutt\b`,
  String.raw`^K-9 Mail\b`,
].join('|'), 'i');

/** Longer values are no program name (and are not worth a regular expression's time). */
const MAX_NAME = 200;

/** The desktop or phone mail program the message names, or null. */
export function desktopMailer(m: MessageView): string | null {
  for (const field of ['x-mailer', 'user-agent']) {
    const value = m.header(field)?.trim() ?? '';
    if (value !== '' && value.length <= MAX_NAME && DESKTOP.test(value)) return value.slice(0, 60);
  }
  return null;
}

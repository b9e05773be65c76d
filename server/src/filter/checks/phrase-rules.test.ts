import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { disguisedWords } from './obfuscation.ts';
import { familyHits, personalDataForm, phraseText } from './phrase-rules.ts';

const families = (text: string): string[] => familyHits(phraseText(text)).map((f) => f.rule);

describe('phrase families', () => {
  const table: Array<[string, string, string | null, boolean]> = [
    ['a lottery win and its release procedure', 'Your email address has won US$1,000,000.00 in the online draw. Your winning numbers are 4-8-15. Contact the claims agent for the release of your winning fund.', 'CONTENT_ADVANCE_FEE', true],
    ['an inheritance for the next of kin', 'I am Barrister John, the lawyer of my late client. You will stand as next of kin to claim the sum of fifteen million dollars.', 'CONTENT_ADVANCE_FEE', true],
    ['a real prize notice has one such phrase at most', 'Congratulations, you were drawn in our staff raffle. Collect the lucky ticket prize at reception.', 'CONTENT_ADVANCE_FEE', false],
    ['a bank statement', 'Your monthly statement is ready. The transfer of the funds to your savings account was completed.', 'CONTENT_ADVANCE_FEE', false],
    ['the stranger who found your address', 'Hello Dear, I am a woman seeking a serious relationship and I got your email from a friend. I will send you my pictures.', 'CONTENT_ROMANCE', true],
    ['a colleague sending photos', 'Hi Anna, I will send you the pictures from the workshop tomorrow. Best, Tom', 'CONTENT_ROMANCE', false],
    ['pirated software with prices', 'Adobe Photoshop CS only for 40$, Office 2003 Pro for 50$ - cheap software, OEM versions!', 'CONTENT_SOFTWARE', true],
    ['a software licence renewal', 'Your Microsoft 365 subscription renews on 1 June. Manage your licences in the admin center.', 'CONTENT_SOFTWARE', false],
    ['generic drugs without a doctor', 'Quality drugs at discount prices, no prescription required.', 'CONTENT_PHARMA', true],
    ['a pharmacy appointment', 'Your prescription is ready for pick-up at the pharmacy on Main Street.', 'CONTENT_PHARMA', false],
    ['opt-out language, "want" as well as "wish"', "If you don't want to receive future emails, please unsubscribe.", 'CONTENT_ADVERT', true],
    ['a phrase broken across lines is still a phrase', 'This is a limited-\ntime offer, act\nnow', 'CONTENT_URGENCY', true],
  ];
  for (const [name, text, rule, fires] of table) it(name, () => assert.equal(families(text).includes(rule as string), fires));
});

describe('spam words disguised from word filters', () => {
  const table: Array<[string, string, number]> = [
    ['look-alike digits and signs', 'Get v1agra and c1alis, ca$h back', 3],
    ['z for s and doubled letters', 'a massive dizcounnt on your medz, purrchaze directly, great offfers!', 4],
    ['spaced and split words', 'L i m i t e d offer, C-L-I-C-K below, at a low Pri ce', 3],
    ['ordinary words are not disguised', 'We offer free shipping on every order; click here to save. Prices include VAT.', 0],
    ['names and words shorter than the plain word are not', 'Ofer and Fre met at the Pils bar.', 0],
    ['an "!" after a word is punctuation', 'Free! Cheap! Offer!', 0],
    ['one hyphenation at a line end is only one', 'before you pur- chase anything, read on', 1],
  ];
  for (const [name, text, count] of table) it(name, () => assert.equal(disguisedWords(phraseText(text)).length, count));
});

describe('forms asking for personal data', () => {
  it('fires on the advance-fee form', () => {
    const form = '1. Full Names...............\n2. Country/Address..........\n3. Telephone/Fax Number.....\n4. Marital Status...........\n5. Occupation...............\n6. Date of Birth............';
    assert.match(personalDataForm(form) ?? '', /marital/);
  });
  it('stays quiet on a delivery address form and on a signature', () => {
    assert.equal(personalDataForm('Name: ____\nAddress: ____\nCountry: ____\nPhone: ____\nEmail: ____'), null);
    assert.equal(personalDataForm('John Smith\nPhone: +1 555 0100\nFax: +1 555 0101\nAddress: 1 Main St'), null);
  });
});

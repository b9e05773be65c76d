import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alternativesDiffer, hidesText, linkMismatch, parseColour, titleDiffers } from './html-rules.ts';

const words = 'the quick brown fox jumps over the lazy dog again and again';

describe('HTML text a reader cannot see', () => {
  const table: Array<[string, string, boolean]> = [
    ['type of 2px', `<p>Offer</p><span style="font-size:2px">${words}</span>`, true],
    ['type of 1pt', `<font style="font-size: 1pt;">${words}</font>`, true],
    ['white on white', `<span style="color:#fff; background-color:#ffffff">${words}</span>`, true],
    ['near-white on the page\'s white', `<font color=FFFFEE>${words}</font>`, true],
    ['the colour of the cell it sits in', `<table><tr><td bgcolor="#336699"><font color="#336699">${words}</font></td></tr></table>`, true],
    ['black on the body\'s black background', `<body bgcolor=#000000><div style="color: rgb(0,0,0)">${words}</div></body>`, true],
    ['white on a dark button is visible', `<td style="background-color:#cc3300"><a style="color:#ffffff">${words}</a></td>`, false],
    ['white on a dark body is visible', `<body style="background:#222"><p style="color:white">${words}</p></body>`, false],
    ['white on a background image cannot be judged', `<td background="hero.jpg"><font color="#ffffff">${words}</font></td>`, false],
    ['a hidden preview line (display:none) is what newsletters do', `<div style="display:none;max-height:0">${words}</div>`, false],
    ['a style sheet is not text', `<style>.x{font-size:1px;color:#fff}</style><p>${words}</p>`, false],
    ['small print of 9px is readable', `<span style="font-size:9px">${words}</span>`, false],
    ['a few tiny characters (spacers) do not count', '<font style="font-size:1pt">. . .</font>', false],
    ['the colour ends with its element', `<span style="color:#fff">x</span><p>${words}</p>`, false],
    ['unclosed markup stays linear and finds nothing', `${'<div '.repeat(5000)}${words}`, false],
  ];
  for (const [name, html, hidden] of table) it(name, () => assert.equal(hidesText(html) !== null, hidden));
  it('reads colours as HTML and CSS write them', () => {
    assert.deepEqual(parseColour('#FFF'), [255, 255, 255]);
    assert.deepEqual(parseColour('8C8CEB'), [140, 140, 235]);
    assert.deepEqual(parseColour('rgb(231, 76, 60)'), [231, 76, 60]);
    assert.deepEqual(parseColour('White !important'), [255, 255, 255]);
    assert.equal(parseColour('var(--neutral)'), null);
  });
});

describe('text and HTML alternatives that say different things (RFC 2046 §5.1.4)', () => {
  const html = 'Stop your dog barking with the ultrasonic trainer device recommended by handlers. Order today and save half on the official store price. Works instantly on every breed.';
  it('a stub text part under an advertisement', () => assert.notEqual(alternativesDiffer('This email must be viewed in HTML mode.', html), null));
  it('an empty text part is not judged (report generators leave it empty)', () => assert.equal(alternativesDiffer('   \n ', html), null));
  it('the same content in both', () => assert.equal(alternativesDiffer(html.toUpperCase(), html), null));
  it('a short HTML part is not judged', () => assert.equal(alternativesDiffer('Hi', '<p>Thanks, see you tomorrow</p>'), null));
});

describe('an HTML title about something else than the Subject', () => {
  const table: Array<[string, string, string, boolean]> = [
    ['another campaign\'s title', '<title>Big Surprise Coming</title>', 'Stunning new drone with camera', true],
    ['the subject as title', '<title>Notice of update to our terms</title>', 'Notice of Update to our Terms', false],
    ['a title sharing a word', '<title>Netscape News, Ausgabe Juli</title>', 'Netscape News - Ausgabe Juli', false],
    ['an editor\'s placeholder', '<title>Untitled Document</title>', 'Weekly offers', false],
    ['a one-word title', '<title>DSN</title>', 'Undeliverable: report', false],
    ['no title', '<p>x</p>', 'Anything', false],
  ];
  for (const [name, html, subject, differs] of table) it(name, () => assert.equal(titleDiffers(html, subject) !== null, differs));
});

describe('links whose text shows another site', () => {
  it('fires on a shown address that is not the target', () => assert.equal(linkMismatch('<a href="https://evil.example/login">https://www.bank.example/</a>'), 'www.bank.example → evil.example'));
  it('stays quiet for the same site and for plain link text', () => {
    assert.equal(linkMismatch('<a href="https://www.bank.example/a">www.bank.example</a>'), null);
    assert.equal(linkMismatch('<a href="https://track.example/x">Read more</a>'), null);
  });
});

describe('hidden text: what newsletters and spam do differently', () => {
  it('a preview line hidden with display:none in white 1px type is not counted', () => {
    assert.equal(hidesText(`<div style="display: none; font-size: 1px; color: #fff; line-height: 1px; max-height: 0; opacity: 0; overflow: hidden;">${words}</div>`), null);
  });
  it('white text on a black page (<body bgcolor>) is visible', () => {
    assert.equal(hidesText(`<html><head><title>t</title></head><body bgcolor="#000000"><table><tr><td><font color="#FFFFFF">${words}</font></td></tr></table></body></html>`), null);
  });
  it('the page colour set with <body text=…> on the same background is hidden', () => {
    assert.notEqual(hidesText(`<body bgcolor="#ffffff" text="#fefefe"><p>${words}</p></body>`), null);
  });
});

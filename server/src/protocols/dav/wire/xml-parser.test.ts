// The DAV XML parser as a table: RFC 4918 examples, namespace handling, and
// malformed, truncated, oversized and hostile bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_XML_LIMITS, XmlError, parseXml, type XmlElement, type XmlErrorKind } from './xml-parser.ts';
import { d, serializeDocument, serializeFragment, fromParsed, x } from './xml-writer.ts';

function shape(el: XmlElement): unknown {
  return [`{${el.ns}}${el.name}`, ...(el.text.trim() ? [el.text] : []), ...el.children.map(shape)];
}

const ok: [string, string, unknown][] = [
  ['RFC 4918 §9.1.3 propfind prop', '<?xml version="1.0" encoding="utf-8" ?><D:propfind xmlns:D="DAV:"><D:prop xmlns:R="http://ns.example.com/boxschema/"><R:bigbox/><R:author/></D:prop></D:propfind>',
    ['{DAV:}propfind', ['{DAV:}prop', ['{http://ns.example.com/boxschema/}bigbox'], ['{http://ns.example.com/boxschema/}author']]]],
  ['default namespace', '<propfind xmlns="DAV:"><allprop/></propfind>', ['{DAV:}propfind', ['{DAV:}allprop']]],
  ['namespace undeclared for a child (RFC 4918 §9.2 propnullns)', '<D:prop xmlns:D="DAV:"><nonamespace xmlns="">x</nonamespace></D:prop>', ['{DAV:}prop', ['{}nonamespace', 'x']]],
  ['prefix redeclared deeper', '<a:x xmlns:a="one:"><a:y xmlns:a="two:"/><a:z/></a:x>', ['{one:}x', ['{two:}y'], ['{one:}z']]],
  ['entities and character references', '<t xmlns="u:">&lt;&amp;&gt;&quot;&apos;&#65;&#x42;</t>', ['{u:}t', '<&>"\'AB']],
  ['CDATA and comments', '<t xmlns="u:"><!-- c --><![CDATA[<raw>&]]></t>', ['{u:}t', '<raw>&']],
  ['BOM and whitespace around the root', '\uFEFF  <t xmlns="u:"/>  \n', ['{u:}t']],
  ['high Unicode in text', '<t xmlns="u:">\u{1F600}é</t>', ['{u:}t', '\u{1F600}é']],
];

const bad: [string, string | Buffer, XmlErrorKind][] = [
  ['empty', '', 'malformed'],
  ['text only', 'hello', 'malformed'],
  ['truncated', '<D:propfind xmlns:D="DAV:"><D:prop>', 'malformed'],
  ['truncated tag', '<D:propfind xmlns:D="DAV:"', 'malformed'],
  ['mismatched close', '<a xmlns="u:"><b></a></b>', 'malformed'],
  ['two roots', '<a xmlns="u:"/><b xmlns="u:"/>', 'malformed'],
  ['undeclared prefix', '<D:propfind/>', 'malformed'],
  ['duplicate attribute', '<a xmlns="u:" b="1" b="2"/>', 'malformed'],
  ['unknown entity', '<a xmlns="u:">&nbsp;</a>', 'forbidden-construct'],
  ['DOCTYPE (XXE)', '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>', 'forbidden-construct'],
  ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>', 'forbidden-construct'],
  ['NUL byte', '<a xmlns="u:">\u0000</a>', 'malformed'],
  ['character reference to NUL', '<a xmlns="u:">&#0;</a>', 'malformed'],
  ['invalid UTF-8', Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), 'malformed'],
  ['XML declaration late', '<a xmlns="u:"><?xml version="1.0"?></a>', 'malformed'],
  ['"--" in a comment', '<a xmlns="u:"><!-- a -- b --></a>', 'malformed'],
  ['unterminated CDATA', '<a xmlns="u:"><![CDATA[x</a>', 'malformed'],
  ['too deep', `${'<a xmlns="u:">'.repeat(40)}${'</a>'.repeat(40)}`, 'too-large'],
  ['too many elements', `<a xmlns="u:">${'<b/>'.repeat(DEFAULT_XML_LIMITS.maxElements + 1)}</a>`, 'too-large'],
  ['too large', `<a xmlns="u:">${'x'.repeat(DEFAULT_XML_LIMITS.maxBytes)}</a>`, 'too-large'],
];

describe('DAV XML parser', () => {
  for (const [name, input, expected] of ok) {
    it(`parses ${name}`, () => assert.deepEqual(shape(parseXml(input)), expected));
  }
  for (const [name, input, kind] of bad) {
    it(`refuses ${name} (${kind})`, () => {
      assert.throws(() => parseXml(input), (e: unknown) => e instanceof XmlError && e.kind === kind);
    });
  }

  it('keeps attributes by Clark name', () => {
    const el = parseXml('<c:comp-filter xmlns:c="urn:ietf:params:xml:ns:caldav" name="VEVENT" xmlns:z="z:" z:q="1"/>');
    assert.deepEqual(el.attrs, { name: 'VEVENT', '{z:}q': '1' });
  });

  it('serializes a multistatus with the usual prefixes and escapes text', () => {
    const xml = serializeDocument(d('multistatus', d('response', d('href', '/a&b<c>'), x('urn:other', 'p', 'v'))));
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<d:multistatus xmlns:d="DAV:"/);
    assert.match(xml, /<d:href>\/a&amp;b&lt;c&gt;<\/d:href>/);
    assert.match(xml, /<x0:p xmlns:x0="urn:other">v<\/x0:p>/);
    assert.deepEqual(shape(parseXml(xml)), ['{DAV:}multistatus', ['{DAV:}response', ['{DAV:}href', '/a&b<c>'], ['{urn:other}p', 'v']]]);
  });

  it('round-trips a dead property with its own namespaces', () => {
    const el = parseXml('<D:prop xmlns:D="DAV:"><X:color xmlns:X="http://example.com/ns">red <X:b>bold</X:b></X:color></D:prop>').children[0];
    const stored = serializeFragment(fromParsed(el));
    assert.deepEqual(shape(parseXml(stored)), ['{http://example.com/ns}color', 'red ', ['{http://example.com/ns}b', 'bold']]);
  });
});

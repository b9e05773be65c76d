import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimsOtherProvider, isDynamicName, isPrivateAddress } from './host-names.ts';
import { hopTime, parseReceived, type Hop } from './received-trace.ts';

describe('Received: fields read into hops (RFC 5321 §4.4)', () => {
  const table: Array<[string, string, Partial<Hop>]> = [
    ['Postfix with a reverse name', 'from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4ABC123DEF for <a@example.net>; Tue, 7 May 2024 10:00:00 +0000',
      { helo: 'mail.example.org', rdns: 'mail.example.org', ip: '192.0.2.10', by: 'mx.example.net', with: 'ESMTPS', id: '4ABC123DEF', authenticated: false }],
    ['Postfix without one ("unknown")', 'from bot.example (unknown [198.51.100.7]) by mx.example.net (Postfix) with SMTP id 77E6; Tue, 7 May 2024 10:00:00 +0000',
      { helo: 'bot.example', rdns: '', ip: '198.51.100.7' }],
    ['Postfix, a client that logged in (RFC 3848 ESMTPSA)', 'from [10.0.0.5] (dsl-203-0-113-9.isp.example [203.0.113.9]) (Authenticated sender: u) by smtp.example.net (Postfix) with ESMTPSA id 9F; Tue, 7 May 2024 10:00:00 +0000',
      { helo: '[10.0.0.5]', rdns: 'dsl-203-0-113-9.isp.example', ip: '203.0.113.9', authenticated: true }],
    ['Sendmail without a reverse name', 'from Good ([203.0.113.3]) by relay.example.net (8.11.1/8.11.1) with SMTP id f3F1; Sun, 15 Apr 2001 09:30:05 +0800',
      { helo: 'Good', rdns: '', ip: '203.0.113.3' }],
    ['Exim with a HELO other than the reverse name', 'from host.example.org ([192.0.2.4] helo=other.example.org) by mx.example.net with esmtps (Exim 4.96) id 1abc-000; Tue, 7 May 2024 10:00:00 +0000',
      { helo: 'other.example.org', rdns: 'host.example.org', ip: '192.0.2.4', with: 'ESMTPS' }],
    ['Exim without a reverse name', 'from [192.0.2.8] (helo=pc1) by mx.example.net with esmtpa (Exim 4.96) id 1x; Tue, 7 May 2024 10:00:00 +0000',
      { helo: 'pc1', rdns: '', ip: '192.0.2.8', authenticated: true }],
    ['Exim leaving out a HELO equal to the reverse name', 'from mail.example.org ([192.0.2.4]) by mx.example.net with esmtp (Exim 4.96) id 1x; Tue, 7 May 2024 10:00:00 +0000',
      { helo: 'mail.example.org', rdns: 'mail.example.org', ip: '192.0.2.4' }],
    ['qmail: "unknown" is no evidence (it may not look names up)', 'from unknown (HELO web1.example.com) (192.0.2.77) by mail0.example.net with SMTP; 4 Apr 2002 21:41:11 -0000',
      { helo: 'web1.example.com', rdns: null, ip: '192.0.2.77' }],
    ['Microsoft: "from name (ip)"', 'from AS8PR02MB6934.eurprd02.prod.outlook.com (2603:10a6:20b:2e5::10) by AM6PR02MB3477.eurprd02.prod.outlook.com with Microsoft SMTP Server id 15.20.4755.14; Sun, 5 Dec 2021 13:12:03 +0000',
      { helo: 'AS8PR02MB6934.eurprd02.prod.outlook.com', rdns: null, ip: '2603:10a6:20b:2e5::10' }],
    ['a forged hop with bare addresses', 'from 203.0.113.200 by 198.51.100.67; Thu, 02 Dec 2004 10:55:50 -0500',
      { helo: '203.0.113.200', ip: '203.0.113.200', by: '198.51.100.67' }],
    ['a hop without "from"', 'by mail.example.org with SMTP id 5538829; Fri, 13 Jul 2012 14:06:51 +0000', { helo: null, ip: null, by: 'mail.example.org' }],
    ['a comment names no server', '(qmail 857 invoked by uid 99); 4 Apr 2002 21:41:11 -0000', { by: null, helo: null }],
    ['webmail over HTTP counts as logged in', 'from 192.0.2.9 (SquirrelMail authenticated user jm) by example.org with HTTP; Thu, 6 Dec 2001 09:21:06 -0000', { authenticated: true }],
    ['garbage', '))) by ;;', { ip: null }],
  ];
  for (const [name, value, expected] of table) {
    it(name, () => {
      const hop = parseReceived(value);
      for (const [key, v] of Object.entries(expected)) assert.deepEqual(hop[key as keyof Hop], v, key);
    });
  }
  it('reads the time stamp after the last ";", a zone-less one as UTC', () => {
    assert.equal(hopTime(parseReceived('from a by b; Tue, 7 May 2024 10:00:00 +0200')), Date.UTC(2024, 4, 7, 8));
    assert.equal(hopTime(parseReceived('from a by b; Tue, 7 May 2024 10:00:00')), Date.UTC(2024, 4, 7, 10));
    assert.equal(hopTime(parseReceived('from a by b')), null);
  });
});

describe('what a host name says', () => {
  const dynamic: Array<[string, boolean]> = [
    ['c-24-3-96-11.client.comcast.example', true],
    ['cm-vtr0-104-67.cm.vtr.example', true],
    ['pppa33-resale-2r7452.dialinx.example', true],
    ['i253064.ppp.asahi-net.or.jp', true],
    ['pool-151-203-32-68.bos.east.verizon.example', true],
    ['0xd5aaf40b.dhcp.kabelnettet.dk', true],
    ['pd9e4f89f.dip.t-dialin.example', true],
    ['static-82-1-2-3.provider.example', false],
    ['mail-db8eur05olkn2018.outbound.protection.outlook.com', false],
    ['mx1.example.org', false],
    ['smtp12.example.org', false],
    ['webapp01.sj.example.org', false],
    ['example.org', false],
  ];
  for (const [name, expected] of dynamic) it(`${name} ${expected ? 'is' : 'is not'} a dynamic pool`, () => assert.equal(isDynamicName(name), expected));
  it('knows private and public addresses', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', 'fd00::1', 'fe80::1', '::1']) assert.ok(isPrivateAddress(ip), ip);
    for (const ip of ['192.0.2.1', '8.8.8.8', '172.32.0.1', '2001:db8::1']) assert.ok(!isPrivateAddress(ip), ip);
  });
  it('tells a HELO that borrows a big provider\'s name from the provider\'s own servers', () => {
    assert.ok(claimsOtherProvider('yahoo.com', 'ppp12.dialup.example.net'));
    assert.ok(claimsOtherProvider('mx14.hotmail.com', 'host.example.net'));
    assert.ok(!claimsOtherProvider('mail-wm1-f41.google.com', 'mail-wm1-f41.google.com'));
    assert.ok(!claimsOtherProvider('EUR05-DB8-obe.outbound.protection.outlook.com', 'mail-db8eur05olkn2018.outbound.protection.outlook.com'));
    assert.ok(!claimsOtherProvider('mail.example.org', 'ppp12.dialup.example.net'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receivedTrace } from '../received-trace.ts';
import { scoreTable } from '../rules.ts';
import { traceHits } from './trace-checks.ts';

const scores = scoreTable({});
const rules = (received: string[], messageId: string | null = '<a1@mail.example.org>', date: string | null = 'Tue, 7 May 2024 09:59:00 +0000') =>
  traceHits(scores, receivedTrace(received), messageId, date).map((h) => h.rule).sort();
const at = '; Tue, 7 May 2024 10:00:00 +0000';

describe('rules on the Received: trace', () => {
  const table: Array<[string, string[], string[]]> = [
    ['an ordinary server-to-server hop fires nothing',
      [`from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4ABC${at}`], []],
    ['a client without a reverse name at the last outside hop (RDNS_NONE)',
      [`from bot.example (unknown [198.51.100.7]) by mx.example.net (Postfix) with SMTP id 77E6${at}`], ['RCVD_NO_RDNS']],
    ['a dynamic pool address delivering straight to a server (RDNS_DYNAMIC)',
      [`from c-24-3-96-11.client.isp.example (c-24-3-96-11.client.isp.example [24.3.96.11]) by mx.example.net (Postfix) with SMTP id 1${at}`], ['RCVD_DYNAMIC']],
    ['a pool name given as HELO by a client without a reverse name',
      [`from cm-vtr0-104-67.cm.isp.example (unknown [200.83.104.67]) by mx.example.net (Postfix) with SMTP id 1${at}`], ['RCVD_DYNAMIC', 'RCVD_NO_RDNS']],
    ['a home user who logged in (ESMTPA) is no spam sign',
      [`from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 2${at}`,
        `from pc ([10.0.0.5]) (dsl-203-0-113-9.isp.example [203.0.113.9]) by mail.example.org (Postfix) with ESMTPSA id 1${at}`], []],
    ['hops inside a private network are no spam sign',
      [`from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 2${at}`,
        `from pc12 (unknown [192.168.1.12]) by mail.example.org (Postfix) with SMTP id 1${at}`], []],
    ['only the newest outside hop is judged by its reverse name',
      [`from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 2${at}`,
        `from x.example.org (unknown [198.51.100.9]) by mail.example.org (Postfix) with SMTP id 1${at}`], []],
    ['a bare IPv4 address as HELO (RCVD_NUMERIC_HELO)',
      [`from 203.0.113.5 (host5.example.org [203.0.113.5]) by mx.example.net (8.12.10/8.12.10) with SMTP id 1${at}`], ['RCVD_NUMERIC_HELO']],
    ['a single word as HELO from outside', [`from Good (good.example.org [203.0.113.3]) by mx.example.net (Postfix) with SMTP id 1${at}`], ['RCVD_HELO_NO_DOT']],
    ['an address literal is a proper HELO', [`from [203.0.113.5] (host5.example.org [203.0.113.5]) by mx.example.net (Postfix) with SMTP id 1${at}`], []],
    ['a HELO borrowing a big provider\'s name (FORGED_*_RCVD)',
      [`from yahoo.com (ppp-4-48-136-190.dialup.example [4.48.136.190]) by relay.example.net (8.9.3/8.9.3) with SMTP id 1${at}`], ['RCVD_DYNAMIC', 'RCVD_FORGED_HELO']],
    ['the provider\'s own server may use its name', [`from mail-wm1-f41.google.com (mail-wm1-f41.google.com [209.85.128.41]) by mx.example.net (Postfix) with ESMTPS id 1${at}`], []],
  ];
  for (const [name, received, expected] of table) it(name, () => assert.deepEqual(rules(received), expected));

  it('a Date: hours after the newest time stamp (DATE_IN_FUTURE_03_06 and up)', () => {
    const hop = [`from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4${at}`];
    assert.deepEqual(rules(hop, '<a@b.example>', 'Tue, 7 May 2024 14:00:00 +0000'), ['DATE_RECEIVED_FUTURE']);
    assert.deepEqual(rules(hop, '<a@b.example>', 'Tue, 7 May 2024 12:30:00 +0000'), [], 'clocks drift: up to 3 hours');
    assert.deepEqual(rules(hop, '<a@b.example>', 'Tue, 30 Apr 2024 10:00:00 +0000'), [], 'old mail resent by a list or a bug tracker is not judged');
    assert.deepEqual(rules([], '<a@b.example>', 'Tue, 7 May 2099 14:00:00 +0000'), [], 'no trace, no comparison');
  });
  it('a Message-ID that is a relay\'s queue id', () => {
    const hop = [`from bulk.example.org (bulk.example.org [192.0.2.44]) by relay.example.net (Postfix) with SMTP id 5D7334812C${at}`];
    assert.deepEqual(rules(hop, '<20020620060010.5D7334812C@relay.example.net>'), ['MID_ADDED_BY_RELAY']);
    assert.deepEqual(rules(hop, '<5D73@relay.example.net>'), [], 'too short to tell');
    assert.deepEqual(rules(hop, '<CAF=abc123@mail.gmail.com>'), []);
  });
});

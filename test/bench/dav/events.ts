// The benchmark's calendar: 10,000 events over 2025-2026, a fifth of them
// recurring (weekly and monthly without end, daily with a COUNT), generated
// from a fixed seed so Stoa and Radicale hold the same data.
export interface BenchEvent { name: string; uid: string; text: string }

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fmt = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function benchEvents(count = 10_000, recurringShare = 0.2): BenchEvent[] {
  const random = rng(42);
  const from = Date.UTC(2025, 0, 1);
  const span = Date.UTC(2027, 0, 1) - from;
  const out: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + Math.floor((random() * span) / 900_000) * 900_000;
    const end = start + (1 + Math.floor(random() * 4)) * 1_800_000;
    const recurring = i % Math.round(1 / recurringShare) === 0;
    const kind = random();
    const rule = !recurring ? null : kind < 0.5 ? 'RRULE:FREQ=WEEKLY' : kind < 0.75 ? `RRULE:FREQ=DAILY;COUNT=${5 + Math.floor(random() * 25)}` : 'RRULE:FREQ=MONTHLY';
    const uid = `bench-${i}@stoa.test`;
    const lines = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stoa bench//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20250101T000000Z',
      `DTSTART:${fmt(start)}`, `DTEND:${fmt(end)}`, `SUMMARY:Bench event ${i}`, `LOCATION:Room ${i % 50}`,
      'DESCRIPTION:A benchmark event with a little text so the object is of a realistic size for a calendar client.',
      ...(rule ? [rule] : []), 'END:VEVENT', 'END:VCALENDAR', '',
    ];
    out.push({ name: `bench-${i}.ics`, uid, text: lines.join('\r\n') });
  }
  return out;
}

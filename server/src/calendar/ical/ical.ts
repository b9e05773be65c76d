// ical.js, loaded when a calendar object is first parsed or built instead of
// when the server starts (../../model/lazy-module.ts: idle memory). Type positions
// keep `import type ICAL from 'ical.js'`; values come from ical().
import type ICAL from 'ical.js';
import { lazyModule } from '../../model/lazy-module.ts';

const icalModule = lazyModule<{ default: typeof ICAL }>('ical.js');

/** ical.js's namespace (ICAL.parse, ICAL.Component, ICAL.Time …). */
export function ical(): typeof ICAL {
  return icalModule().default;
}

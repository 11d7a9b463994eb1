import { SHARED } from '../../../lib/util/clone.js';

/**
 * Formats processing time with a Java `DateTimeFormatter` pattern, as Flink's `DateTimeBucketer` and
 * `DateTimeBucketAssigner` do: `yyyy`/`uuuu`, `yy`, `MM`, `M`, `dd`, `d`, `HH`, `H`, `hh`, `h`, `mm`, `m`, `ss`,
 * `s`, `SSS`, `a`, quoted literals (`'at'`, `''` for a quote) and any non-letter as itself. Other pattern letters
 * are rejected, like Java's `IllegalArgumentException: Unknown pattern letter`.
 * Results are cached per second (per millisecond with `S`), so formatting costs nothing per record.
 * @internal
 */
export class DateTimeFormat {
  /** Shared, not copied, by the per-subtask copies of a sink (an `Intl` object cannot be copied field by field). */
  readonly [SHARED] = true;
  private readonly parts: (string | { letter: string; count: number })[] = [];
  private readonly intl: Intl.DateTimeFormat;
  readonly zoneId: string;
  private readonly granularity: number;
  private cacheKey = Number.NaN;
  private cacheValue = '';

  constructor(
    readonly pattern: string,
    zoneId?: string,
  ) {
    this.parse(pattern);
    try {
      this.intl = new Intl.DateTimeFormat('en-US', {
        timeZone: zoneId,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (e) {
      throw new RangeError(`Unknown time-zone ID: ${zoneId} (use an IANA zone such as 'Asia/Shanghai' or 'UTC')`, { cause: e });
    }
    this.zoneId = this.intl.resolvedOptions().timeZone;
    this.granularity = this.parts.some((p) => typeof p !== 'string' && p.letter === 'S') ? 1 : 1000;
  }

  private parse(p: string): void {
    let i = 0;
    let literal = '';
    while (i < p.length) {
      const c = p[i]!;
      if (c === "'") {
        if (p[i + 1] === "'") {
          literal += "'";
          i += 2;
          continue;
        }
        // Inside quotes, '' is a quote.
        let j = i + 1;
        for (;;) {
          if (j >= p.length) throw new Error(`Pattern ends with an incomplete string literal: ${p}`);
          if (p[j] === "'") {
            if (p[j + 1] === "'") {
              literal += "'";
              j += 2;
              continue;
            }
            break;
          }
          literal += p[j];
          j++;
        }
        i = j + 1;
        continue;
      }
      if (/[A-Za-z]/.test(c)) {
        if (!/[yuMdHhmsSa]/.test(c)) throw new Error(`Unknown pattern letter: ${c} (in '${p}'; supported: y u M d H h m s S a and quoted text)`);
        let n = 1;
        while (p[i + n] === c) n++;
        if (literal) this.parts.push(literal), (literal = '');
        this.parts.push({ letter: c, count: n });
        i += n;
        continue;
      }
      literal += c;
      i++;
    }
    if (literal) this.parts.push(literal);
  }

  format(epochMillis: number): string {
    const key = Math.floor(epochMillis / this.granularity);
    if (key === this.cacheKey) return this.cacheValue;
    const f: Record<string, string> = {};
    for (const part of this.intl.formatToParts(new Date(epochMillis))) f[part.type] = part.value;
    const ms = ((epochMillis % 1000) + 1000) % 1000;
    let out = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const { letter, count } = part;
      switch (letter) {
        case 'y':
        case 'u': {
          const y = f.year!;
          out += count === 2 ? y.slice(-2).padStart(2, '0') : y.padStart(count, '0');
          break;
        }
        case 'M':
          out += String(Number(f.month)).padStart(count, '0');
          break;
        case 'd':
          out += String(Number(f.day)).padStart(count, '0');
          break;
        case 'H':
          out += String(Number(f.hour)).padStart(count, '0');
          break;
        case 'h': {
          const h = Number(f.hour) % 12 || 12;
          out += String(h).padStart(count, '0');
          break;
        }
        case 'm':
          out += String(Number(f.minute)).padStart(count, '0');
          break;
        case 's':
          out += String(Number(f.second)).padStart(count, '0');
          break;
        case 'S':
          out += String(ms).padStart(3, '0').slice(0, count).padEnd(count, '0');
          break;
        case 'a':
          out += Number(f.hour) < 12 ? 'AM' : 'PM';
          break;
      }
    }
    this.cacheKey = key;
    this.cacheValue = out;
    return out;
  }
}

import { describe, expect, it } from 'vitest';
import { DateTimeBucketAssigner, DateTimeBucketer } from 'flink-ts/connectors/filesystem';

const at = (ms: number) => ({ currentProcessingTime: () => ms, currentWatermark: () => 0, timestamp: () => null });
const t = Date.UTC(2026, 8, 7, 5, 6, 7, 89);

describe('DateTimeBucketAssigner / DateTimeBucketer patterns (Java DateTimeFormatter)', () => {
  it('formats yyyy MM dd HH mm ss SSS and literal text in the given zone', () => {
    expect(new DateTimeBucketAssigner<string>('yyyy-MM-dd--HH', 'UTC').getBucketId('x', at(t))).toBe('2026-09-07--05');
    expect(new DateTimeBucketAssigner<string>("yyyy/MM/dd/HH/mm/ss.SSS 'h'", 'UTC').getBucketId('x', at(t))).toBe('2026/09/07/05/06/07.089 h');
    expect(new DateTimeBucketAssigner<string>("'dt='yyyyMMdd'/hour='HH", 'Asia/Shanghai').getBucketId('x', at(t))).toBe('dt=20260907/hour=13');
    expect(new DateTimeBucketAssigner<string>('yy-M-d H:m:s', 'America/Los_Angeles').getBucketId('x', at(t))).toBe('26-9-6 22:6:7');
    expect(new DateTimeBucketAssigner<string>("hh a 'o''clock'", 'UTC').getBucketId('x', at(t))).toBe("05 AM o'clock");
  });

  it('uses the default format yyyy-MM-dd--HH and the bucketer joins it to the base path', () => {
    expect(DateTimeBucketAssigner.DEFAULT_FORMAT_STRING).toBe('yyyy-MM-dd--HH');
    expect(new DateTimeBucketer<string>(undefined, 'UTC').getBucketPath({ currentTimeMillis: () => t }, '/base', 'x')).toBe('/base/2026-09-07--05');
  });

  it('rejects unknown pattern letters and time zones with the reason', () => {
    expect(() => new DateTimeBucketAssigner('yyyy-QQ')).toThrow(/Unknown pattern letter: Q/);
    expect(() => new DateTimeBucketAssigner('yyyy', 'Mars/Olympus')).toThrow(/Unknown time-zone ID: Mars\/Olympus/);
  });
});

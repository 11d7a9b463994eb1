/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Prints records/s per implementation and the ratio to the first (the baseline). */
export function report(title: string, rows: [string, number][]): void {
  console.log(`\n${title}`);
  const base = rows[0]![1];
  for (const [name, rate] of rows) {
    console.log(`  ${name.padEnd(34)} ${(rate / 1e6).toFixed(2).padStart(7)} M records/s   ratio ${(rate / base).toFixed(2)}`);
  }
}

/**
 * Java `long` bounds as JavaScript numbers, for ported code that writes `Long.MIN_VALUE` / `Long.MAX_VALUE`.
 *
 * Flink uses `Long.MIN_VALUE` as "no timestamp" and as the initial watermark, and `Long.MAX_VALUE` as the final
 * watermark. Timestamps here are JavaScript numbers (exact up to 2^53 ms); `-2^63` is exactly representable, `2^63 - 1`
 * rounds to `2^63`, which still compares greater than every real timestamp.
 * @public
 */
export const Long: { readonly MIN_VALUE: number; readonly MAX_VALUE: number } = Object.freeze({
  MIN_VALUE: -9223372036854775808,
  MAX_VALUE: 9223372036854775807,
});

/** Java `int` bounds. @public */
export const Integer: { readonly MIN_VALUE: number; readonly MAX_VALUE: number } = Object.freeze({
  MIN_VALUE: -2147483648,
  MAX_VALUE: 2147483647,
});

/**
 * A tiny `java.util.regex.Pattern` look-alike so ported Java (`Pattern.compile("topic-[0-9]")`) runs as written.
 * Topic patterns match the WHOLE topic name, as Java's `Matcher#matches` does (a RegExp given directly is anchored
 * the same way by the consumer).
 * @example
 * ```ts
 * import { Pattern } from 'flink-ts/connectors/kafka';
 * const p = Pattern.compile('orders-.*');
 * p.matcher('orders-eu').matches(); // true
 * ```
 * @public
 */
export class Pattern {
  private readonly anchored: RegExp;
  private constructor(
    private readonly regex: string,
    private readonly flags: string,
  ) {
    this.anchored = new RegExp(`^(?:${regex})$`, flags);
  }
  /** Like Java `Pattern.compile(regex)`. */
  static compile(regex: string): Pattern {
    if (typeof regex !== 'string') throw new TypeError('Pattern.compile needs a string');
    return new Pattern(regex, '');
  }
  /** From a JavaScript RegExp (its source, anchored to the whole name). */
  static fromRegExp(re: RegExp): Pattern {
    return new Pattern(re.source, re.flags.replace(/[gy]/g, ''));
  }
  /** Like Java `Pattern#pattern()`. */
  pattern(): string {
    return this.regex;
  }
  /** Like Java `pattern.matcher(s).matches()`. */
  matcher(input: string): { matches(): boolean } {
    return { matches: () => this.anchored.test(input) };
  }
  /** Whether the whole topic name matches. */
  matches(input: string): boolean {
    return this.anchored.test(input);
  }
  toString(): string {
    return this.regex;
  }
}

/** Normalises a RegExp or Pattern. @internal */
export function toPattern(p: RegExp | Pattern): Pattern {
  return p instanceof Pattern ? p : Pattern.fromRegExp(p);
}

/**
 * Part file name prefix and suffix, like Flink `OutputFileConfig` (defaults `"part"` and `""`).
 * @example
 * ```ts
 * import { OutputFileConfig } from 'flink-ts/connectors/filesystem';
 * const config = OutputFileConfig.builder().withPartPrefix('prefix').withPartSuffix('.ext').build();
 * ```
 * @public
 */
export class OutputFileConfig {
  constructor(
    private readonly partPrefix = 'part',
    private readonly partSuffix = '',
  ) {}
  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder();
  }
  getPartPrefix(): string {
    return this.partPrefix;
  }
  getPartSuffix(): string {
    return this.partSuffix;
  }
}

/** Like Flink `OutputFileConfig.OutputFileConfigBuilder`. @public */
export class OutputFileConfigBuilder {
  private prefix = 'part';
  private suffix = '';
  withPartPrefix(prefix: string): this {
    this.prefix = prefix;
    return this;
  }
  withPartSuffix(suffix: string): this {
    this.suffix = suffix;
    return this;
  }
  build(): OutputFileConfig {
    return new OutputFileConfig(this.prefix, this.suffix);
  }
}

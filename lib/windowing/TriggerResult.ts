/**
 * What a trigger decides, like Flink `TriggerResult`: whether to evaluate the window function (fire) and whether to
 * clear the window's contents (purge).
 * @public
 */
export class TriggerResult {
  static readonly CONTINUE = new TriggerResult(false, false, 'CONTINUE');
  static readonly FIRE_AND_PURGE = new TriggerResult(true, true, 'FIRE_AND_PURGE');
  static readonly FIRE = new TriggerResult(true, false, 'FIRE');
  static readonly PURGE = new TriggerResult(false, true, 'PURGE');
  private constructor(
    private readonly fire: boolean,
    private readonly purge: boolean,
    private readonly label: string,
  ) {}
  isFire(): boolean {
    return this.fire;
  }
  isPurge(): boolean {
    return this.purge;
  }
  toString(): string {
    return this.label;
  }
}

import type { SinkFileSystem } from '../fs/SinkFileSystem.js';

/**
 * Deletes the files under `dir` (recursively) whose name `isLeftover` accepts: in-progress and pending files of a
 * failed attempt that the restored checkpoint does not know.
 * @internal
 */
export async function removeLeftovers(fs: SinkFileSystem, dir: string, isLeftover: (name: string) => boolean, keep: Set<string> = new Set()): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const st of await fs.listStatus(d)) {
      if (st.isDir) {
        if (depth < 16) await walk(st.path, depth + 1);
      } else if (isLeftover(st.name) && !keep.has(st.path)) {
        await fs.delete(st.path);
        removed.push(st.path);
      }
    }
  };
  await walk(dir, 0);
  return removed;
}

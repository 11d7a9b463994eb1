export interface HdfsMiniClusterOptions {
  log?: (line: string) => void;
  startTimeoutMs?: number;
  cacheDir?: string;
  /** Keep the temp folder (data and log) after stop. */
  keepDir?: boolean;
}
export interface HdfsMiniCluster {
  /** `hdfs://127.0.0.1:<rpc port>` */
  namenode: string;
  /** WebHDFS `127.0.0.1:<http port>` */
  httpAddress: string;
  nnPort: number;
  httpPort: number;
  dir: string;
  logFile: string;
  readonly pid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}
export const HADOOP_VERSION: string;
export function checkJava(): string;
export function prepareHdfsJars(options?: { cacheDir?: string; log?: (line: string) => void }): Promise<{ libDir: string; fetched: boolean }>;
export function freePort(): Promise<number>;
export function webHdfsAnswers(httpAddress: string, timeoutMs?: number): Promise<boolean>;
export function startHdfsMiniCluster(options?: HdfsMiniClusterOptions): Promise<HdfsMiniCluster>;

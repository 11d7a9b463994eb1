/**
 * vitest globalSetup of the 'it' project: one HDFS (NameNode + DataNode, WebHDFS) for all integration tests.
 *
 * - HDFS_NAMENODE set (`hdfs://host:port`): reuse that cluster; its WebHDFS address is HDFS_NAMENODE_HTTP
 *   (`host:port`, default the NameNode host on 9870). It must answer, or the run fails with the reason.
 * - otherwise: start a MiniCluster from Maven Central jars (scripts/hdfs/minicluster.mjs) on free loopback ports and
 *   stop it in teardown.
 *
 * Tests read the addresses with `inject('hdfsNamenode')` / `inject('hdfsHttpAddress')` (vitest's documented channel
 * into forked workers); they are also put into this process's environment (HDFS_NAMENODE, HDFS_NAMENODE_HTTP), which
 * vitest 4.1 copies into the workers it forks afterwards.
 */
import type { TestProject } from 'vitest/node';
import { startHdfsMiniCluster, webHdfsAnswers, type HdfsMiniCluster } from '../../scripts/hdfs/minicluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    hdfsNamenode: string;
    hdfsHttpAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.HDFS_NAMENODE?.trim();
  let cluster: HdfsMiniCluster | undefined;
  let namenode: string;
  let httpAddress: string;
  if (given) {
    namenode = given;
    httpAddress = process.env.HDFS_NAMENODE_HTTP?.trim() || `${new URL(given).hostname}:9870`;
    if (!(await webHdfsAnswers(httpAddress))) {
      throw new Error(`HDFS_NAMENODE=${given}: WebHDFS at http://${httpAddress} does not answer (set HDFS_NAMENODE_HTTP to its host:port), or unset HDFS_NAMENODE to let the tests start their own MiniCluster.`);
    }
    console.log(`[hdfs] using HDFS_NAMENODE=${given} (WebHDFS ${httpAddress})`);
  } else {
    cluster = await startHdfsMiniCluster({ log: (line) => console.log(`[hdfs] ${line}`) });
    namenode = cluster.namenode;
    httpAddress = cluster.httpAddress;
    process.env.HDFS_NAMENODE = namenode;
    process.env.HDFS_NAMENODE_HTTP = httpAddress;
  }
  project.provide('hdfsNamenode', namenode);
  project.provide('hdfsHttpAddress', httpAddress);
  return async () => {
    if (cluster) {
      delete process.env.HDFS_NAMENODE;
      delete process.env.HDFS_NAMENODE_HTTP;
      await cluster.stop();
    }
  };
}

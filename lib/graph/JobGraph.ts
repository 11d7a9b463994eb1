import type { OutputTag } from '../api/OutputTag.js';
import type { KeySelector } from '../functions/interfaces.js';
import { KeyGroupRangeAssignment } from '../state/KeyGroupRangeAssignment.js';
import {
  CustomPartitionerWrapper,
  ForwardPartitioner,
  KeyGroupStreamPartitioner,
  RebalancePartitioner,
  type StreamPartitioner,
} from '../runtime/partitioners.js';
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  SourceTransformation,
  TwoInputTransformation,
  UnionTransformation,
  type ChainingStrategy,
  type OperatorFactory,
  type SourceSpec,
  type Transformation,
} from './Transformation.js';

/** An operator of the stream graph. @internal */
export interface StreamNode {
  id: number;
  name: string;
  uid: string | undefined;
  /** Stable id used to match state on restore: the uid, else derived from the graph position. */
  operatorId: string;
  parallelism: number;
  maxParallelism: number;
  chainingStrategy: ChainingStrategy;
  source: SourceSpec | undefined;
  bounded: boolean;
  factory: OperatorFactory | undefined;
  keySelector1: KeySelector<unknown, unknown> | undefined;
  keySelector2: KeySelector<unknown, unknown> | undefined;
  isSink: boolean;
  isTwoInput: boolean;
  inEdges: StreamEdge[];
  outEdges: StreamEdge[];
}

/** A connection between two operators. @internal */
export interface StreamEdge {
  id: string;
  source: StreamNode;
  target: StreamNode;
  partitioner: StreamPartitioner;
  /** 1 or 2: which input of the target. */
  typeNumber: number;
  sideTag: OutputTag<unknown> | undefined;
}

/** A chain of operators that runs as one task per subtask, like Flink `JobVertex`. @internal */
export interface JobVertex {
  id: number;
  name: string;
  head: StreamNode;
  /** Operators of the chain in topological order, head first. */
  nodes: StreamNode[];
  parallelism: number;
  maxParallelism: number;
  /** Network edges into the head. */
  inputs: StreamEdge[];
  /** Edges leaving the chain (from any node of it). */
  outputs: StreamEdge[];
  /** Edges inside the chain. */
  chained: Set<StreamEdge>;
}

/** @internal */
export interface JobGraph {
  jobName: string;
  vertices: JobVertex[];
  nodes: StreamNode[];
}

/** Environment settings the graph needs. @internal */
export interface GraphSettings {
  defaultParallelism: number;
  maxParallelism: number;
  chainingEnabled: boolean;
  /** Chain edges between two operators of parallelism 1 whatever their partitioner (see `chainsSingleSubtaskExchanges`). */
  chainSingleSubtaskExchanges: boolean;
}

/**
 * Compiles transformations into a stream graph (operators, edges with partitioners) and then a job graph of chains,
 * with Flink's rules: default partitioning forward/rebalance, forward requires equal parallelism, and chaining of
 * forward edges between operators of equal parallelism whose target has a single input.
 * @internal
 */
export function buildJobGraph(jobName: string, transformations: Transformation[], settings: GraphSettings): JobGraph {
  const nodes = new Map<Transformation, StreamNode>();
  const order: StreamNode[] = [];

  const nodeOf = (t: Transformation): StreamNode => {
    const existing = nodes.get(t);
    if (existing) return existing;
    const parallelism = t.parallelism > 0 ? t.parallelism : settings.defaultParallelism;
    const node: StreamNode = {
      id: t.id,
      name: t.name,
      uid: t.uid,
      operatorId: t.uid ?? '',
      parallelism,
      maxParallelism: t.maxParallelism > 0 ? t.maxParallelism : settings.maxParallelism > 0 ? settings.maxParallelism : -1,
      chainingStrategy: t.chainingStrategy,
      source: t instanceof SourceTransformation ? t.spec : undefined,
      bounded: t instanceof SourceTransformation ? t.bounded : false,
      factory: t instanceof OneInputTransformation || t instanceof TwoInputTransformation ? t.factory : undefined,
      keySelector1: t instanceof OneInputTransformation ? t.keySelector : t instanceof TwoInputTransformation ? t.keySelector1 : undefined,
      keySelector2: t instanceof TwoInputTransformation ? t.keySelector2 : undefined,
      isSink: t instanceof OneInputTransformation && t.isSink,
      isTwoInput: t instanceof TwoInputTransformation,
      inEdges: [],
      outEdges: [],
    };
    if (node.maxParallelism > 0 && node.maxParallelism < node.parallelism) {
      throw new Error(
        `The maximum parallelism (${node.maxParallelism}) of the stream node ${node.name}-${node.id} is smaller than the parallelism (${node.parallelism}). Increase the maximum parallelism or decrease the parallelism.`,
      );
    }
    nodes.set(t, node);
    const inputs = t instanceof TwoInputTransformation ? [t.input1, t.input2] : t.inputs;
    inputs.forEach((input, idx) => {
      for (const up of resolve(input)) addEdge(up.node, node, up.partitioner, t instanceof TwoInputTransformation ? idx + 1 : 1, up.sideTag);
    });
    order.push(node);
    return node;
  };

  type Resolved = { node: StreamNode; partitioner: StreamPartitioner | undefined; sideTag: OutputTag<unknown> | undefined };
  const resolve = (t: Transformation): Resolved[] => {
    if (t instanceof PartitionTransformation) return resolve(t.input).map((r) => ({ ...r, partitioner: t.partitioner }));
    if (t instanceof UnionTransformation) return t.unionInputs.flatMap(resolve);
    if (t instanceof SideOutputTransformation) return resolve(t.input).map((r) => ({ ...r, sideTag: t.tag }));
    return [{ node: nodeOf(t), partitioner: undefined, sideTag: undefined }];
  };

  const addEdge = (up: StreamNode, down: StreamNode, p: StreamPartitioner | undefined, typeNumber: number, sideTag: OutputTag<unknown> | undefined) => {
    let partitioner = p ? p.copy() : up.parallelism === down.parallelism ? new ForwardPartitioner() : new RebalancePartitioner();
    if (partitioner instanceof ForwardPartitioner && up.parallelism !== down.parallelism) {
      if (p) {
        throw new Error(
          `Forward partitioning does not allow change of parallelism. Upstream operation: ${up.name}-${up.id} parallelism: ${up.parallelism}, downstream operation: ${down.name}-${down.id} parallelism: ${down.parallelism} You must use another partitioning strategy, such as broadcast, rebalance, shuffle or global.`,
        );
      }
      partitioner = new RebalancePartitioner();
    }
    const edge: StreamEdge = { id: `${up.id}->${down.id}#${up.outEdges.length}`, source: up, target: down, partitioner, typeNumber, sideTag };
    up.outEdges.push(edge);
    down.inEdges.push(edge);
  };

  for (const t of transformations) {
    if (t instanceof PartitionTransformation || t instanceof UnionTransformation || t instanceof SideOutputTransformation) continue;
    nodeOf(t);
  }

  // Key-group partitioners use the max parallelism of their target (Flink's default when unset).
  for (const n of order) {
    if (n.maxParallelism <= 0) n.maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(n.parallelism);
    for (const e of n.inEdges) if (e.partitioner instanceof KeyGroupStreamPartitioner) e.partitioner.configure(n.maxParallelism);
  }
  assignOperatorIds(order);

  // Chaining, like Flink: forward edges between operators of equal parallelism whose target has a single input.
  // One deliberate difference (docs/differences.md): an edge between two operators of parallelism 1 sends every
  // record to the one consumer whatever its partitioner (keyBy, rebalance, broadcast, ...), so it is chained too,
  // unless the environment keeps Flink's task boundaries. A custom partitioner still runs (the user's function may
  // check its input), so its edge stays an exchange.
  const chainable = (e: StreamEdge) =>
    settings.chainingEnabled &&
    e.target.inEdges.length === 1 &&
    (e.partitioner instanceof ForwardPartitioner ||
      (settings.chainSingleSubtaskExchanges && e.source.parallelism === 1 && !(e.partitioner instanceof CustomPartitionerWrapper))) &&
    e.source.parallelism === e.target.parallelism &&
    e.target.chainingStrategy === 'ALWAYS' &&
    e.source.chainingStrategy !== 'NEVER' &&
    !e.target.isTwoInput;

  const vertices: JobVertex[] = [];
  const vertexOf = new Map<StreamNode, JobVertex>();
  for (const n of order) {
    if (n.inEdges.length === 1 && chainable(n.inEdges[0]!)) continue; // not a head
    const v: JobVertex = { id: vertices.length + 1, name: '', head: n, nodes: [], parallelism: n.parallelism, maxParallelism: n.maxParallelism, inputs: [...n.inEdges], outputs: [], chained: new Set() };
    const queue = [n];
    while (queue.length) {
      const cur = queue.shift()!;
      v.nodes.push(cur);
      vertexOf.set(cur, v);
      for (const e of cur.outEdges) {
        if (chainable(e)) {
          v.chained.add(e);
          queue.push(e.target);
        } else v.outputs.push(e);
      }
    }
    v.name = v.nodes.map(displayName).join(' -> ');
    vertices.push(v);
  }
  return { jobName, vertices, nodes: order };
}

/** Flink's task names: `Source: X`, `Sink: Y`. @internal */
export function displayName(n: StreamNode): string {
  if (n.source) return `Source: ${n.name}`;
  if (n.isSink) return `Sink: ${n.name}`;
  return n.name;
}

/**
 * Operators without a uid get an id from their position (name and index among same-named operators in the
 * topological order), stable across runs of the same program, which is what restoring state needs.
 */
function assignOperatorIds(order: StreamNode[]): void {
  const seen = new Map<string, number>();
  const used = new Set<string>();
  for (const n of order) {
    if (n.uid) {
      if (used.has(n.uid)) throw new Error(`Hash collision on user-specified ID "${n.uid}". Most likely cause is a non-unique ID. Please check that all IDs specified via \`uid(String)\` are unique.`);
      used.add(n.uid);
      n.operatorId = n.uid;
      continue;
    }
    const k = n.name;
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    n.operatorId = `auto:${k}#${i}`;
  }
}

/** Which downstream subtasks an upstream subtask sends to on an edge. @internal */
export function targetSubtasks(edge: StreamEdge, upstreamIndex: number): number[] {
  const pu = edge.source.parallelism;
  const pv = edge.target.parallelism;
  if (!edge.partitioner.isPointwise()) return Array.from({ length: pv }, (_, j) => j);
  if (pu === pv) return [upstreamIndex];
  // Like Flink's pointwise edges: downstream j reads upstreams [floor(j*pu/pv), floor((j+1)*pu/pv)).
  if (pu > pv) return [Math.ceil(((upstreamIndex + 1) * pv) / pu) - 1];
  const out: number[] = [];
  for (let j = Math.ceil((upstreamIndex * pv) / pu); j < Math.ceil(((upstreamIndex + 1) * pv) / pu); j++) out.push(j);
  return out;
}

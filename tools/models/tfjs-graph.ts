/**
 * The tfjs graph-model format (model.json + .bin shards) as the converter sees it:
 * nodes with typed attribute accessors, the signature, and decoded weights.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeWeights, type TfjsWeightSpec, type WeightTensor } from './tfjs-weights.ts';

interface TfjsAttrList {
  s?: string[];
  i?: (string | number)[];
  f?: number[];
  b?: boolean[];
}

export interface TfjsAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: TfjsAttrList;
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
  tensor?: { dtype?: string; tensorShape?: { dim?: { size: string | number }[] } };
}

export interface TfjsNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttr>;
}

interface TfjsTensorInfo {
  name: string;
  dtype?: string;
  tensorShape?: { dim?: { size: string | number }[] };
}

export interface TfjsSignature {
  inputs?: Record<string, TfjsTensorInfo>;
  outputs?: Record<string, TfjsTensorInfo>;
}

export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: { node: TfjsNodeJson[]; library?: unknown; versions?: unknown };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  signature?: TfjsSignature;
  userDefinedMetadata?: { signature?: TfjsSignature };
}

export class TfjsNode {
  readonly name: string;
  readonly op: string;
  /** Data inputs as producer node names; control inputs ("^x") are dropped. */
  readonly inputs: string[];
  /** Which output of each producer is read ("node:1" → 1). */
  readonly inputOutputIndices: number[];
  private readonly attrs: Record<string, TfjsAttr>;

  constructor(json: TfjsNodeJson) {
    this.name = json.name;
    this.op = json.op;
    this.attrs = json.attr ?? {};
    const data = (json.input ?? []).filter((input) => !input.startsWith('^')).map((input) => input.split(':'));
    this.inputs = data.map(([node]) => node);
    this.inputOutputIndices = data.map(([, index]) => Number(index ?? 0));
  }

  string(key: string, fallback?: string): string {
    const encoded = this.attrs[key]?.s;
    if (encoded === undefined) return this.required(key, fallback);
    return Buffer.from(encoded, 'base64').toString('utf8');
  }

  strings(key: string): string[] {
    return (this.attrs[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
  }

  ints(key: string, fallback?: number[]): number[] {
    const list = this.attrs[key]?.list?.i;
    return list === undefined ? this.required(key, fallback) : list.map(Number);
  }

  float(key: string, fallback?: number): number {
    const value = this.attrs[key]?.f;
    return value === undefined ? this.required(key, fallback) : Number(value);
  }

  bool(key: string, fallback?: boolean): boolean {
    const value = this.attrs[key]?.b;
    return value === undefined ? this.required(key, fallback) : value;
  }

  /** Static shape attribute (Placeholder); unknown dimensions are -1. */
  shape(key: string): number[] {
    const shape = this.attrs[key]?.shape;
    if (!shape || shape.unknownRank) throw new Error(`node "${this.name}" (${this.op}) has no known "${key}"`);
    return (shape.dim ?? []).map((d) => Number(d.size));
  }

  private required<T>(key: string, fallback: T | undefined): T {
    if (fallback === undefined) throw new Error(`node "${this.name}" (${this.op}) lacks attribute "${key}"`);
    return fallback;
  }
}

export interface TfjsGraph {
  nodes: Map<string, TfjsNode>;
  weights: Map<string, WeightTensor>;
}

/** All weight specs of the manifest in file order, which is also their order in the concatenated buffer. */
export function weightSpecsOf(json: TfjsModelJson): TfjsWeightSpec[] {
  return json.weightsManifest.flatMap((group) => group.weights);
}

/** Shape of the model's single Placeholder; -1 marks a dynamic dimension. */
export function inputShapeOf(json: TfjsModelJson): number[] {
  const placeholders = json.modelTopology.node.filter((n) => n.op === 'Placeholder');
  if (placeholders.length !== 1) throw new Error(`expected one Placeholder, found ${placeholders.length}`);
  return new TfjsNode(placeholders[0]).shape('shape');
}

export function parseTfjsGraph(json: TfjsModelJson, weightData: Uint8Array): TfjsGraph {
  if (json.format !== undefined && json.format !== 'graph-model')
    throw new Error(`expected a tfjs graph-model, got format "${json.format}"`);
  const nodes = new Map<string, TfjsNode>();
  for (const nodeJson of json.modelTopology.node) nodes.set(nodeJson.name, new TfjsNode(nodeJson));
  return { nodes, weights: decodeWeights(weightSpecsOf(json), weightData) };
}

export type TfjsWeightsManifest = TfjsModelJson['weightsManifest'];

export interface TfjsModelFiles {
  format: 'tfjs-graph';
  json: TfjsModelJson;
  /** Every shard named by the manifest, concatenated in manifest order. */
  weightData: Uint8Array;
  /** Shard paths in manifest order, for hashing. */
  shardPaths: string[];
}

export async function readTfjsModelFiles(modelJsonPath: string): Promise<TfjsModelFiles> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfjsModelJson;
  const shardPaths = json.weightsManifest.flatMap((group) => group.paths.map((path) => join(dirname(modelJsonPath), path)));
  const shards = await Promise.all(shardPaths.map((path) => readFile(path)));
  return { format: 'tfjs-graph', json, weightData: new Uint8Array(Buffer.concat(shards)), shardPaths };
}

/** A weights-only tfjs model (`*-weights_manifest.json` + shards): named tensors, no graph. */
export interface TfjsWeightsFiles {
  format: 'tfjs-weights';
  manifest: TfjsWeightsManifest;
  weightData: Uint8Array;
  shardPaths: string[];
}

export async function readTfjsWeightsFiles(manifestPath: string): Promise<TfjsWeightsFiles> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as TfjsWeightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${manifestPath}: expected a tfjs weights manifest (an array of weight groups)`);
  const shardPaths = manifest.flatMap((group) => group.paths.map((path) => join(dirname(manifestPath), path)));
  const shards = await Promise.all(shardPaths.map((path) => readFile(path)));
  return { format: 'tfjs-weights', manifest, weightData: new Uint8Array(Buffer.concat(shards)), shardPaths };
}

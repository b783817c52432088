/**
 * Named model variables and the plain weight map they save to and load from.
 *
 * Names are ours ("stage1/block1/conv1/kernel") and stable across instances; the tf.Variables are
 * registered with the engine under automatic unique names, because tfjs refuses a second variable
 * of the same name and two models (teacher and student, or two students) must coexist.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';
import { checkSeed, deriveSeed, mulberry32, type Rng } from '../../random.ts';

export interface WeightEntry {
  shape: number[];
  data: Float32Array;
}

/** Every weight of a model (trainable and BatchNorm running statistics) by name. */
export type WeightMap = Record<string, WeightEntry>;

export interface LoadReport {
  /** model weights that took the supplied values */
  loaded: string[];
  /** supplied weights that were not used, and why */
  skipped: { name: string; reason: string }[];
  /** model weights that kept their initial values */
  missing: string[];
}

interface Entry {
  variable: tf.Variable;
  trainable: boolean;
}

export class VariableStore {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly seed: number) {}

  /** Registers a variable; `init` fills its values from an RNG seeded by (model seed, name). */
  add(name: string, shape: number[], init: (rng: Rng, size: number) => Float32Array, trainable: boolean): tf.Variable {
    if (this.entries.has(name)) throw new StudioError('INTERNAL', `variable ${name} is defined twice`);
    const size = sizeOf(shape);
    const values = init(mulberry32(deriveSeed(this.seed, name)), size);
    const initial = tf.tensor(values, shape, 'float32');
    const variable = tf.variable(initial, trainable);
    initial.dispose(); // the variable holds its own reference to the data
    this.entries.set(name, { variable, trainable });
    return variable;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.entries.values()].filter((e) => e.trainable).map((e) => e.variable);
  }

  /** Trainable scalars (BatchNorm running statistics are state, not parameters). */
  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  private names(): string[] {
    return [...this.entries.keys()];
  }

  /** Read asynchronously: a GPU backend (webgpu) cannot read synchronously outside a browser. */
  async getWeights(): Promise<WeightMap> {
    const entries = [...this.entries];
    // copied: the cpu backend hands out its own buffer
    const data = await Promise.all(entries.map(async ([, { variable }]) => ((await variable.data()) as Float32Array).slice()));
    return Object.fromEntries(entries.map(([name, { variable }], k) => [name, { shape: [...variable.shape], data: data[k] }]));
  }

  /** Replaces every weight; the map must hold exactly this model's names and shapes. */
  setWeights(weights: WeightMap): void {
    const problems: string[] = [];
    for (const [name, { variable }] of this.entries) {
      const entry = weights[name];
      if (!entry) problems.push(`missing ${name}`);
      else {
        const problem = entryProblem(entry, variable);
        if (problem) problems.push(`${name}: ${problem}`);
      }
    }
    for (const name of Object.keys(weights)) if (!this.entries.has(name)) problems.push(`unknown ${name}`);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
      throw new StudioError('INVALID_ARGUMENT', `weights do not fit the model: ${shown}`, { field: 'weights' });
    }
    for (const [name, { variable }] of this.entries) assign(variable, weights[name]);
  }

  /** Takes every supplied weight whose name and shape match; reports the rest. */
  loadMatching(weights: WeightMap): LoadReport {
    const report: LoadReport = { loaded: [], skipped: [], missing: [] };
    for (const [name, entry] of Object.entries(weights)) {
      const target = this.entries.get(name);
      const problem = target ? entryProblem(entry, target.variable) : 'no such weight in the model';
      if (problem) report.skipped.push({ name, reason: problem });
      else {
        assign(target!.variable, entry);
        report.loaded.push(name);
      }
    }
    const loaded = new Set(report.loaded);
    report.missing = this.names().filter((name) => !loaded.has(name));
    return report;
  }

  dispose(): void {
    for (const { variable } of this.entries.values()) variable.dispose();
    this.entries.clear();
  }
}

/** A name prefix inside a store: layers register "prefix/name". */
export class VariableScope {
  constructor(
    readonly store: VariableStore,
    readonly prefix = '',
  ) {}

  child(name: string): VariableScope {
    return new VariableScope(this.store, this.path(name));
  }

  add(name: string, shape: number[], init: (rng: Rng, size: number) => Float32Array, trainable = true): tf.Variable {
    return this.store.add(this.path(name), shape, init, trainable);
  }

  private path(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }
}

/** What every top-level model offers a trainer, a checkpoint and an exporter. */
export abstract class Model {
  protected readonly store: VariableStore;

  protected constructor(seed: number) {
    this.store = new VariableStore(checkSeed(seed));
  }

  /** root scope for the subclass's layers */
  protected get scope(): VariableScope {
    return new VariableScope(this.store);
  }

  /** Pass these to tf.variableGrads / optimizer.applyGradients (omitting the list would take every model's). */
  get trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables();
  }

  parameterCount(): number {
    return this.store.parameterCount();
  }

  /** copies of all weights, running statistics included */
  getWeights(): Promise<WeightMap> {
    return this.store.getWeights();
  }

  setWeights(weights: WeightMap): void {
    this.store.setWeights(weights);
  }

  loadMatchingWeights(weights: WeightMap): LoadReport {
    return this.store.loadMatching(weights);
  }

  dispose(): void {
    this.store.dispose();
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function entryProblem(entry: WeightEntry, variable: tf.Variable): string | null {
  if (!(entry.data instanceof Float32Array)) return 'data is not a Float32Array';
  if (entry.data.length !== sizeOf(entry.shape)) return `${entry.data.length} values for shape ${entry.shape.join('×')}`;
  const same = entry.shape.length === variable.rank && entry.shape.every((d, k) => d === variable.shape[k]);
  return same ? null : `shape ${entry.shape.join('×')}, the model has ${variable.shape.join('×')}`;
}

function assign(variable: tf.Variable, entry: WeightEntry): void {
  // copied: the cpu backend would otherwise keep the caller's array as the variable's storage
  tf.tidy(() => variable.assign(tf.tensor(entry.data.slice(), variable.shape, 'float32')));
}

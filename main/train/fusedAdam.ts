/**
 * Adam whose update is one fused kernel per variable and output where the backend has it (webgpu:
 * kernels/webgpuAdam.ts), and tfjs' own AdamOptimizer everywhere else. Same state, names and
 * formula as tfjs' AdamOptimizer, so checkpoints (checkpoint.ts) are the same and a run resumes on
 * either path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamPart, type AdamUpdateAttrs } from './kernels/adamUpdate.ts';

/** AdamOptimizer's private state, as tfjs 4.22 keeps it. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | null)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | null)[];
}

export class FusedAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!tf.getKernel(ADAM_UPDATE, tf.getBackend())) return super.applyGradients(variableGradients);
    // tfjs keeps these private; bracket access is TypeScript's way into them
    const state: AdamState = {
      accBeta1: this['accBeta1'],
      accBeta2: this['accBeta2'],
      accumulatedFirstMoment: this['accumulatedFirstMoment'],
      accumulatedSecondMoment: this['accumulatedSecondMoment'],
    };
    const named: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    tf.tidy(() => {
      const corrections = tf.sub(1, tf.concat([tf.reshape(state.accBeta1, [1]), tf.reshape(state.accBeta2, [1])]));
      const attrs = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
      named.forEach(([name, g], i) => {
        const w = tf.engine().registeredVariables[name];
        const moment = (list: AdamState['accumulatedFirstMoment'], suffix: string) =>
          (list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(w).variable(false)) }).variable;
        const m = moment(state.accumulatedFirstMoment, 'm');
        const v = moment(state.accumulatedSecondMoment, 'v');
        if (!g) return;
        // every part reads the old state: assign only after all three ran
        const part = (p: AdamPart) =>
          tf.engine().runKernel(ADAM_UPDATE, { w, m, v, g, corrections }, { ...attrs, part: p } satisfies AdamUpdateAttrs) as tf.Tensor;
        const [value, first, second] = [part('value'), part('m'), part('v')];
        m.assign(first);
        v.assign(second);
        w.assign(value);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

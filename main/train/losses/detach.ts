/**
 * The teacher side of every distillation term gets no gradient.
 *
 * tfjs has no stopGradient. The cheap and preferred way is for the trainer to run the teacher outside
 * the function it differentiates (then its outputs are constants and nothing of the teacher is taped).
 * `detach` guards the losses regardless: a custom-gradient identity whose gradient is zero. Its forward
 * pass runs inside one custom op, so nothing after it is taped as depending on the teacher for
 * gradients, and if the teacher was run inside the differentiated function its variables receive
 * zeros (not the student's loss gradient) — pass only the student's variables to tf.variableGrads.
 */
import * as tf from '@tensorflow/tfjs-core';

const zeroGradientIdentity = tf.customGrad((x) => ({
  value: tf.clone(x as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

export function detach<T extends tf.Tensor>(x: T): T {
  return zeroGradientIdentity(x) as T;
}

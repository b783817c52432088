// The native kernels for the wasm backend's tensors (main/train/kernels/nativeKernels.ts): oneDNN's
// convolutions and matrix products (onednn.cc), BatchNorm's training passes (batchNorm.cc) and the
// max-pool's gradient (pooling.cc).
#include "napiArgs.h"

NAPI_MODULE_INIT() {
  vskd::defineConvolutions(env, exports);
  vskd::defineBatchNorm(env, exports);
  vskd::definePooling(env, exports);
  return exports;
}

// The max-pool's gradient over NHWC tensors (the wasm backend's own MaxPoolGrad is a scalar loop that
// took a third of the depth-frame teacher's step): each output's gradient goes to the first largest
// input of its window, as tfjs' cpu kernel and PyTorch route it.
#include <limits>

#include "napiArgs.h"

namespace {

// batch, in height, in width, channels, filter height, filter width, stride height, stride width,
// pad top, pad left, out height, out width
constexpr uint32_t kPoolShapeLength = 12;

// maxPoolGrad(dy, x, dx, shape)
napi_value maxPoolGrad(napi_env env, napi_callback_info info) {
  float* data[3];
  size_t lengths[3];
  int32_t s[kPoolShapeLength];
  if (!vskd::kernelCall(env, info, "maxPoolGrad", data, lengths, s, kPoolShapeLength)) return nullptr;
  for (uint32_t i = 0; i < kPoolShapeLength; i++) {
    if (s[i] < 0 || (s[i] == 0 && i >= 4 && i < 8)) {
      vskd::throwError(env, "maxPoolGrad: the shape holds non-negative sizes and positive filter sizes and strides");
      return nullptr;
    }
  }
  const size_t batch = s[0], height = s[1], width = s[2], channels = s[3];
  const int filterHeight = s[4], filterWidth = s[5], strideHeight = s[6], strideWidth = s[7], top = s[8], left = s[9];
  const size_t outHeight = s[10], outWidth = s[11];
  const size_t input = batch * height * width * channels, output = batch * outHeight * outWidth * channels;
  if (lengths[0] != output || lengths[1] != input || lengths[2] != input) {
    vskd::throwError(env, "maxPoolGrad: dy has " + std::to_string(lengths[0]) + " values (the shape needs " + std::to_string(output) + "), x and dx " +
                              std::to_string(lengths[1]) + " and " + std::to_string(lengths[2]) + " (" + std::to_string(input) + ")");
    return nullptr;
  }
  const float *dy = data[0], *x = data[1];
  float* dx = data[2];
  // each sample's dx is its own: the samples split over the threads
#pragma omp parallel for schedule(static)
  for (size_t b = 0; b < batch; b++) {
    float* to = dx + b * height * width * channels;
    const float* from = x + b * height * width * channels;
    for (size_t k = 0; k < height * width * channels; k++) to[k] = 0.0f;
    for (size_t oh = 0; oh < outHeight; oh++) {
      for (size_t ow = 0; ow < outWidth; ow++) {
        const float* gradient = dy + ((b * outHeight + oh) * outWidth + ow) * channels;
        for (size_t c = 0; c < channels; c++) {
          float best = -std::numeric_limits<float>::infinity();
          long at = -1;
          for (int i = 0; i < filterHeight; i++) {
            const long y = long(oh) * strideHeight - top + i;
            if (y < 0 || y >= long(height)) continue;
            for (int j = 0; j < filterWidth; j++) {
              const long xx = long(ow) * strideWidth - left + j;
              if (xx < 0 || xx >= long(width)) continue;
              const long index = (y * long(width) + xx) * long(channels) + long(c);
              if (from[index] > best) best = from[index], at = index;
            }
          }
          if (at >= 0) to[at] += gradient[c];
        }
      }
    }
  }
  return nullptr;
}

}  // namespace

void vskd::definePooling(napi_env env, napi_value exports) { vskd::defineFunction(env, exports, "maxPoolGrad", maxPoolGrad); }

// BatchNorm's training passes over NHWC rows (main/train/models/layers.ts, through wasmNative.ts): one
// pass each over memory where the wasm backend's element-wise kernels took four to six. Sums are in
// double; the arithmetic is layers.ts's, grouped as PyTorch's CPU kernel groups it.
#include <algorithm>
#include <vector>

#include "napiArgs.h"

namespace {

// A call's Float32Arrays, each checked against its kind: 'r' rows × channels, 'R' the same or null
// (left null), 'c' channels, '2' or '3' that many values per channel. The channels are the length of
// argv[channelArgument] (a 'c'), the rows argv[0]'s length over them.
struct Arrays {
  std::vector<float*> data;
  size_t rows = 0, channels = 0;
};

bool readArrays(napi_env env, napi_value* argv, const char* kinds, size_t channelArgument, Arrays* out) {
  const std::string what(kinds);
  std::vector<size_t> lengths(what.size(), 0);
  out->data.assign(what.size(), nullptr);
  for (size_t k = 0; k < what.size(); k++) {
    napi_valuetype type;
    napi_typeof(env, argv[k], &type);
    if (what[k] == 'R' && type == napi_null) continue;
    if (!vskd::float32View(env, argv[k], &out->data[k], &lengths[k])) return false;
  }
  out->channels = lengths[channelArgument];
  if (out->channels == 0) return vskd::throwError(env, "BatchNorm: no channels");
  out->rows = lengths[0] / out->channels;
  for (size_t k = 0; k < what.size(); k++) {
    if (!out->data[k]) continue;
    const char kind = what[k];
    const size_t expected = kind == 'c' ? out->channels : kind == '2' ? 2 * out->channels : kind == '3' ? 3 * out->channels : out->rows * out->channels;
    if (lengths[k] != expected) return vskd::throwError(env, "BatchNorm: argument " + std::to_string(k) + " has " + std::to_string(lengths[k]) + " values, not " + std::to_string(expected));
  }
  return true;
}

bool isTrue(napi_env env, napi_value value) {
  bool result = false;
  napi_get_value_bool(env, value, &result);
  return result;
}

// rows a block of the statistics' sums holds: the blocks are summed in order, whatever the threads
constexpr size_t kBlockRows = 256;

// channelMoments(x, mean, variance): each channel's mean and biased variance over the rows. PyTorch's
// CPU kernel: the sum in double, the mean rounded to float, each squared deviation in float summed in
// double (here by blocks of rows, added in order).
napi_value channelMoments(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Arrays a;
  if (!vskd::arguments(env, info, 3, argv, "channelMoments") || !readArrays(env, argv, "rcc", 1, &a)) return nullptr;
  const float* x = a.data[0];
  const size_t rows = a.rows, channels = a.channels;
  const size_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  std::vector<double> partial(blocks * channels, 0.0);
  const auto blockSums = [&](auto value) {
#pragma omp parallel for schedule(static)
    for (size_t block = 0; block < blocks; block++) {
      double* sum = &partial[block * channels];
      for (size_t c = 0; c < channels; c++) sum[c] = 0.0;
      for (size_t r = block * kBlockRows; r < std::min(rows, (block + 1) * kBlockRows); r++)
        for (size_t c = 0; c < channels; c++) sum[c] += value(x[r * channels + c], c);
    }
    std::vector<double> total(channels, 0.0);
    for (size_t block = 0; block < blocks; block++)
      for (size_t c = 0; c < channels; c++) total[c] += partial[block * channels + c];
    return total;
  };
  const std::vector<double> sum = blockSums([](float v, size_t) { return double(v); });
  std::vector<float> mean(channels);
  for (size_t c = 0; c < channels; c++) mean[c] = float(sum[c] / double(rows));
  const std::vector<double> squares = blockSums([&mean](float v, size_t c) {
    const float d = v - mean[c];
    return double(d * d);
  });
  for (size_t c = 0; c < channels; c++) {
    a.data[1][c] = mean[c];
    a.data[2][c] = float(float(squares[c]) / double(rows));
  }
  return nullptr;
}

// batchNormApply(x, scale, shift, residual | null, y, relu): y = relu?(x·scale + shift + residual?).
napi_value batchNormApply(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Arrays a;
  if (!vskd::arguments(env, info, 6, argv, "batchNormApply") || !readArrays(env, argv, "rccRr", 1, &a)) return nullptr;
  const bool relu = isTrue(env, argv[5]);
  const float *x = a.data[0], *scale = a.data[1], *shift = a.data[2], *residual = a.data[3];
  float* y = a.data[4];
  const size_t channels = a.channels, rows = a.rows;
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < rows; r++) {
    const size_t row = r * channels;
    for (size_t c = 0; c < channels; c++) {
      float v = x[row + c] * scale[c] + shift[c];
      if (residual) v += residual[row + c];
      y[row + c] = relu && !(v > 0.0f) ? 0.0f : v;
    }
  }
  return nullptr;
}

// One plane's float sum as PyTorch's vectorised sum makes it (AVX2, vec::reduce_all): value i goes to
// lane i mod 8, in order; the lanes are then added pairwise (4 apart, 2 apart, adjacent). Under 8
// values: in order.
float laneTotal(const float* lane, size_t channels, size_t c, size_t count) {
  if (count < 8) {
    float sum = lane[c];
    for (size_t l = 1; l < count; l++) sum += lane[l * channels + c];
    return sum;
  }
  float half[4];
  for (size_t l = 0; l < 4; l++) half[l] = lane[l * channels + c] + lane[(l + 4) * channels + c];
  return (half[0] + half[2]) + (half[1] + half[3]);
}

// batchNormGradSums(dy, y | null, x, mean, sums, g | null, samples): g = dy through the ReLU whose
// output is y (none where y is null); sums = [Σ g, Σ g·(x − mean)] per channel; g written out where
// asked. Summed as PyTorch's CPU kernel sums them: each sample's plane in float (laneTotal), the
// samples in double.
napi_value batchNormGradSums(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  Arrays a;
  int32_t samplesArgument = 0;
  if (!vskd::arguments(env, info, 7, argv, "batchNormGradSums") || !readArrays(env, argv, "rRrc2R", 3, &a)) return nullptr;
  napi_get_value_int32(env, argv[6], &samplesArgument);
  const float *dy = a.data[0], *y = a.data[1], *x = a.data[2], *mean = a.data[3];
  float *sums = a.data[4], *g = a.data[5];
  const size_t channels = a.channels;
  const size_t samples = samplesArgument > 0 ? size_t(samplesArgument) : 0;
  if (samples == 0 || a.rows % samples != 0) {
    vskd::throwError(env, "BatchNorm: the rows are not whole samples");
    return nullptr;
  }
  const size_t plane = a.rows / samples;
  // each sample's two float totals per channel
  std::vector<float> perSample(samples * 2 * channels);
#pragma omp parallel
  {
    std::vector<float> lanes(2 * 8 * channels);
#pragma omp for schedule(static)
    for (size_t n = 0; n < samples; n++) {
      float* laneG = lanes.data();
      float* laneGCentred = laneG + 8 * channels;
      std::fill(lanes.begin(), lanes.end(), 0.0f);
      for (size_t i = 0; i < plane; i++) {
        const size_t row = (n * plane + i) * channels;
        float* toG = laneG + (i % 8) * channels;
        float* toGCentred = laneGCentred + (i % 8) * channels;
        for (size_t c = 0; c < channels; c++) {
          const float gradient = y && !(y[row + c] > 0.0f) ? 0.0f : dy[row + c];
          if (g) g[row + c] = gradient;
          toG[c] += gradient;
          toGCentred[c] += (x[row + c] - mean[c]) * gradient;
        }
      }
      for (size_t c = 0; c < channels; c++) {
        perSample[(2 * n) * channels + c] = laneTotal(laneG, channels, c, plane);
        perSample[(2 * n + 1) * channels + c] = laneTotal(laneGCentred, channels, c, plane);
      }
    }
  }
  for (size_t c = 0; c < channels; c++) {
    double sumG = 0.0, sumGCentred = 0.0;
    for (size_t n = 0; n < samples; n++) {
      sumG += perSample[(2 * n) * channels + c];
      sumGCentred += perSample[(2 * n + 1) * channels + c];
    }
    sums[c] = float(sumG);
    sums[channels + c] = float(sumGCentred);
  }
  return nullptr;
}

// batchNormGradInput(dy, y | null, x, mean, coefficients, dx): dx = (g − a − (x − mean)·b)·c, g as in
// batchNormGradSums, coefficients = [a, b, c] per channel.
napi_value batchNormGradInput(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Arrays a;
  if (!vskd::arguments(env, info, 6, argv, "batchNormGradInput") || !readArrays(env, argv, "rRrc3r", 3, &a)) return nullptr;
  const float *dy = a.data[0], *y = a.data[1], *x = a.data[2], *mean = a.data[3], *coefficients = a.data[4];
  float* dx = a.data[5];
  const size_t channels = a.channels, rows = a.rows;
  const float *ca = coefficients, *cb = coefficients + channels, *cc = coefficients + 2 * channels;
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < rows; r++) {
    const size_t row = r * channels;
    for (size_t c = 0; c < channels; c++) {
      const float gradient = y && !(y[row + c] > 0.0f) ? 0.0f : dy[row + c];
      dx[row + c] = (gradient - ca[c] - (x[row + c] - mean[c]) * cb[c]) * cc[c];
    }
  }
  return nullptr;
}

}  // namespace

void vskd::defineBatchNorm(napi_env env, napi_value exports) {
  vskd::defineFunction(env, exports, "channelMoments", channelMoments);
  vskd::defineFunction(env, exports, "batchNormApply", batchNormApply);
  vskd::defineFunction(env, exports, "batchNormGradSums", batchNormGradSums);
  vskd::defineFunction(env, exports, "batchNormGradInput", batchNormGradInput);
}

// Convolutions and matrix products of the wasm backend's tensors by oneDNN, the library PyTorch's CPU
// convolutions use.
// The tensors stay in the wasm module's memory: each call gets Float32Array views of it, and oneDNN
// reads and writes that memory in place (NHWC activations, HWIO filters, as TensorFlow.js lays them).
// A primitive per shape is created once and kept: creating one JIT-compiles its kernel. Each thread of
// JavaScript has its own primitives, and each primitive its own scratchpad: the library's default
// shares one scratchpad between primitives, which two threads training at once would both write.
#include <omp.h>

#include <array>
#include <map>
#include <memory>
#include <string>

#include <oneapi/dnnl/dnnl.hpp>

#include "napiArgs.h"

namespace {

using dnnl::memory;
using Tag = memory::format_tag;

// batch, in height, in width, in channels, out channels, filter height, filter width, stride height,
// stride width, pad top, pad left, pad bottom, pad right, out height, out width
constexpr size_t kShapeLength = 15;
using Shape = std::array<int32_t, kShapeLength>;

enum class Kind { kForward, kInputGradient, kFilterGradient };

struct Descs {
  memory::desc activations, filter, filterAny, output;
  memory::dims strides, padLeft, padRight;
};

Descs descsOf(const Shape& s) {
  const memory::dim batch = s[0], inHeight = s[1], inWidth = s[2], inChannels = s[3], outChannels = s[4];
  const memory::dim outHeight = s[13], outWidth = s[14];
  const memory::dims filterDims{outChannels, inChannels, s[5], s[6]};
  return Descs{
      memory::desc({batch, inChannels, inHeight, inWidth}, memory::data_type::f32, Tag::nhwc),
      memory::desc(filterDims, memory::data_type::f32, Tag::hwio),
      memory::desc(filterDims, memory::data_type::f32, Tag::any),
      memory::desc({batch, outChannels, outHeight, outWidth}, memory::data_type::f32, Tag::nhwc),
      {s[7], s[8]},
      {s[9], s[10]},
      {s[11], s[12]},
  };
}

// One shape's primitive, and the filter in the layout it wants when that is not HWIO (reordered each call).
struct Entry {
  // the threads it was made for and runs on
  int threads = 1;
  // the convolution or matrix product
  dnnl::primitive conv;
  std::unique_ptr<memory> scratchpad;
  memory::desc filterLayout;
  std::unique_ptr<memory> filterBuffer;
  std::unique_ptr<dnnl::reorder> filterReorder;
  std::unique_ptr<memory> reorderScratchpad;
};

dnnl::primitive_attr ownScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

struct State {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::map<std::pair<Kind, Shape>, Entry> entries;
  // matrix products: batch, m, k, n, a transposed, b transposed
  std::map<std::array<int32_t, 6>, Entry> products;
  int threads = 1;
};

dnnl::convolution_forward::primitive_desc forwardOf(State& state, const Descs& d) {
  dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, d.activations, d.filterAny, d.output,
                                       d.strides, d.padLeft, d.padRight);
  return dnnl::convolution_forward::primitive_desc(desc, ownScratchpad(), state.engine);
}

// The input or filter gradient's primitive descriptor (their descriptors take the same arguments).
template <typename Primitive>
typename Primitive::primitive_desc backwardOf(State& state, const Descs& d, const dnnl::convolution_forward::primitive_desc& forward) {
  typename Primitive::desc desc(dnnl::algorithm::convolution_direct, d.activations, d.filterAny, d.output, d.strides, d.padLeft, d.padRight);
  return typename Primitive::primitive_desc(desc, ownScratchpad(), state.engine, forward);
}

template <typename Primitive>
void setPrimitive(State& state, Entry& entry, const typename Primitive::primitive_desc& pd, const memory::desc& filterLayout) {
  entry.conv = Primitive(pd);
  entry.scratchpad = std::make_unique<memory>(pd.scratchpad_desc(), state.engine);
  entry.filterLayout = filterLayout;
}

Entry& entryOf(State& state, Kind kind, const Shape& shape) {
  const auto key = std::make_pair(kind, shape);
  auto found = state.entries.find(key);
  if (found != state.entries.end()) return found->second;
  const Descs d = descsOf(shape);
  Entry entry;
  // oneDNN 2.6's filter gradient of a strided 1×1 convolution (jit_1x1, which copies the input to unit
  // stride per thread) writes past its buffers on more than one thread when the batch is odd and the
  // channels few (8 → 16, batch 5: heap corruption): it runs on one
  const bool strided1x1 = shape[5] == 1 && shape[6] == 1 && (shape[7] > 1 || shape[8] > 1);
  entry.threads = kind == Kind::kFilterGradient && strided1x1 ? 1 : state.threads;
  omp_set_num_threads(entry.threads);
  const auto forward = forwardOf(state, d);
  switch (kind) {
    case Kind::kForward:
      setPrimitive<dnnl::convolution_forward>(state, entry, forward, forward.weights_desc());
      break;
    case Kind::kInputGradient: {
      const auto pd = backwardOf<dnnl::convolution_backward_data>(state, d, forward);
      setPrimitive<dnnl::convolution_backward_data>(state, entry, pd, pd.weights_desc());
      break;
    }
    case Kind::kFilterGradient: {
      const auto pd = backwardOf<dnnl::convolution_backward_weights>(state, d, forward);
      setPrimitive<dnnl::convolution_backward_weights>(state, entry, pd, pd.diff_weights_desc());
      break;
    }
  }
  if (entry.filterLayout != d.filter) {
    entry.filterBuffer = std::make_unique<memory>(entry.filterLayout, state.engine);
    // forward and input gradient: HWIO → the primitive's layout; filter gradient: back to HWIO
    const bool back = kind == Kind::kFilterGradient;
    const dnnl::reorder::primitive_desc pd(state.engine, back ? entry.filterLayout : d.filter, state.engine, back ? d.filter : entry.filterLayout, ownScratchpad());
    entry.filterReorder = std::make_unique<dnnl::reorder>(pd);
    entry.reorderScratchpad = std::make_unique<memory>(pd.scratchpad_desc(), state.engine);
  }
  return state.entries.emplace(key, std::move(entry)).first->second;
}

// The three tensors' memory and the shape of a call, from its JavaScript arguments.
struct Call {
  float* tensors[3];
  size_t lengths[3];
  Shape shape;
};

bool readCall(napi_env env, napi_callback_info info, Call* call) {
  if (!vskd::kernelCall(env, info, "oneDNN", call->tensors, call->lengths, call->shape.data(), kShapeLength)) return false;
  for (const int32_t n : call->shape) {
    if (n < 0) return vskd::throwError(env, "oneDNN: the shape holds non-negative integers");
  }
  return true;
}

// Each tensor's element count as the shape implies it, in the order the call passes them.
std::array<size_t, 3> expectedLengths(Kind kind, const Shape& s) {
  const size_t activations = size_t(s[0]) * s[1] * s[2] * s[3];
  const size_t filter = size_t(s[5]) * s[6] * s[3] * s[4];
  const size_t output = size_t(s[0]) * s[13] * s[14] * s[4];
  switch (kind) {
    case Kind::kForward:
      return {activations, filter, output};  // x, filter, y
    case Kind::kInputGradient:
      return {output, filter, activations};  // dy, filter, dx
    default:
      return {activations, output, filter};  // x, dy, dW
  }
}

napi_value convolve(napi_env env, napi_callback_info info, Kind kind) {
  State* state = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&state));
  Call call;
  if (!readCall(env, info, &call)) return nullptr;
  const auto lengths = expectedLengths(kind, call.shape);
  for (int i = 0; i < 3; i++) {
    if (call.lengths[i] != lengths[i]) {
      vskd::throwError(env, "oneDNN: tensor " + std::to_string(i) + " has " + std::to_string(call.lengths[i]) + " values, the shape needs " + std::to_string(lengths[i]));
      return nullptr;
    }
  }
  try {
    Entry& entry = entryOf(*state, kind, call.shape);
    omp_set_num_threads(entry.threads);
    const Descs d = descsOf(call.shape);
    dnnl::engine& engine = state->engine;
    memory filterUser(d.filter, engine, kind == Kind::kFilterGradient ? call.tensors[2] : call.tensors[1]);
    memory& filter = entry.filterBuffer ? *entry.filterBuffer : filterUser;
    const auto reorderFilter = [&](memory& from, memory& to) {
      entry.filterReorder->execute(state->stream, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}, {DNNL_ARG_SCRATCHPAD, *entry.reorderScratchpad}});
    };
    if (entry.filterReorder && kind != Kind::kFilterGradient) reorderFilter(filterUser, filter);
    switch (kind) {
      case Kind::kForward:
        entry.conv.execute(state->stream, {{DNNL_ARG_SRC, memory(d.activations, engine, call.tensors[0])},
                                           {DNNL_ARG_WEIGHTS, filter},
                                           {DNNL_ARG_DST, memory(d.output, engine, call.tensors[2])},
                                           {DNNL_ARG_SCRATCHPAD, *entry.scratchpad}});
        break;
      case Kind::kInputGradient:
        entry.conv.execute(state->stream, {{DNNL_ARG_DIFF_DST, memory(d.output, engine, call.tensors[0])},
                                           {DNNL_ARG_WEIGHTS, filter},
                                           {DNNL_ARG_DIFF_SRC, memory(d.activations, engine, call.tensors[2])},
                                           {DNNL_ARG_SCRATCHPAD, *entry.scratchpad}});
        break;
      case Kind::kFilterGradient:
        entry.conv.execute(state->stream, {{DNNL_ARG_SRC, memory(d.activations, engine, call.tensors[0])},
                                           {DNNL_ARG_DIFF_DST, memory(d.output, engine, call.tensors[1])},
                                           {DNNL_ARG_DIFF_WEIGHTS, filter},
                                           {DNNL_ARG_SCRATCHPAD, *entry.scratchpad}});
        if (entry.filterReorder) reorderFilter(filter, filterUser);
        break;
    }
    state->stream.wait();
    omp_set_num_threads(state->threads);
  } catch (const dnnl::error& err) {
    omp_set_num_threads(state->threads);
    vskd::throwError(env, std::string("oneDNN: ") + err.what());
  }
  return nullptr;
}

// matmul(a, b, c, [batch, m, k, n, transposeA, transposeB]): c[i] = op(a[i])·op(b[i]) for each of the
// batch's matrices, op transposing where asked; a is [batch, m, k] ([batch, k, m] transposed), b
// [batch, k, n] ([batch, n, k] transposed), c [batch, m, n], row-major.
napi_value matmul(napi_env env, napi_callback_info info) {
  State* state = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&state));
  float* data[3];
  size_t lengths[3];
  std::array<int32_t, 6> key{};
  if (!vskd::kernelCall(env, info, "oneDNN", data, lengths, key.data(), key.size())) return nullptr;
  for (size_t i = 0; i < key.size(); i++) {
    if (key[i] < (i < 4 ? 1 : 0) || (i >= 4 && key[i] > 1)) {
      vskd::throwError(env, "oneDNN: a matrix product's shape holds positive sizes and two flags");
      return nullptr;
    }
  }
  const memory::dim batch = key[0], m = key[1], k = key[2], n = key[3];
  const size_t expected[3] = {size_t(batch * m * k), size_t(batch * k * n), size_t(batch * m * n)};
  for (int i = 0; i < 3; i++) {
    if (lengths[i] != expected[i]) {
      vskd::throwError(env, "oneDNN: matrix " + std::to_string(i) + " has " + std::to_string(lengths[i]) + " values, the shape needs " + std::to_string(expected[i]));
      return nullptr;
    }
  }
  // a transposed matrix is the same memory read column by column
  const memory::desc aDesc({batch, m, k}, memory::data_type::f32, key[4] ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
  const memory::desc bDesc({batch, k, n}, memory::data_type::f32, key[5] ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
  const memory::desc cDesc({batch, m, n}, memory::data_type::f32, memory::dims{m * n, n, 1});
  try {
    omp_set_num_threads(state->threads);
    auto found = state->products.find(key);
    if (found == state->products.end()) {
      const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(aDesc, bDesc, cDesc), ownScratchpad(), state->engine);
      Entry entry;
      setPrimitive<dnnl::matmul>(*state, entry, pd, pd.weights_desc());
      found = state->products.emplace(key, std::move(entry)).first;
    }
    Entry& entry = found->second;
    entry.conv.execute(state->stream, {{DNNL_ARG_SRC, memory(aDesc, state->engine, data[0])},
                                       {DNNL_ARG_WEIGHTS, memory(bDesc, state->engine, data[1])},
                                       {DNNL_ARG_DST, memory(cDesc, state->engine, data[2])},
                                       {DNNL_ARG_SCRATCHPAD, *entry.scratchpad}});
    state->stream.wait();
  } catch (const dnnl::error& err) {
    vskd::throwError(env, std::string("oneDNN: ") + err.what());
  }
  return nullptr;
}

napi_value forward(napi_env env, napi_callback_info info) { return convolve(env, info, Kind::kForward); }
napi_value inputGradient(napi_env env, napi_callback_info info) { return convolve(env, info, Kind::kInputGradient); }
napi_value filterGradient(napi_env env, napi_callback_info info) { return convolve(env, info, Kind::kFilterGradient); }

// setThreads(n): the threads oneDNN's kernels use in this thread of JavaScript (each has its own state).
napi_value setThreads(napi_env env, napi_callback_info info) {
  State* state = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&state));
  napi_value argv[1];
  if (!vskd::arguments(env, info, 1, argv, "setThreads")) return nullptr;
  int32_t threads = 0;
  if (napi_get_value_int32(env, argv[0], &threads) != napi_ok || threads < 1) {
    vskd::throwError(env, "oneDNN: setThreads takes a positive integer");
    return nullptr;
  }
  // a primitive splits its work for the threads there were when it was made
  if (threads != state->threads) state->entries.clear(), state->products.clear();
  state->threads = threads;
  omp_set_num_threads(threads);  // BatchNorm's loops (batchNorm.cc) too
  return nullptr;
}

napi_value version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  const std::string text = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value result;
  napi_create_string_utf8(env, text.c_str(), text.size(), &result);
  return result;
}

}  // namespace

void vskd::defineConvolutions(napi_env env, napi_value exports) {
  napi_set_instance_data(env, new State(), [](napi_env, void* data, void*) { delete static_cast<State*>(data); }, nullptr);
  omp_set_num_threads(1);  // this JavaScript thread's, until setThreads
  vskd::defineFunction(env, exports, "conv2d", forward);
  vskd::defineFunction(env, exports, "conv2dBackpropInput", inputGradient);
  vskd::defineFunction(env, exports, "conv2dBackpropFilter", filterGradient);
  vskd::defineFunction(env, exports, "matmul", matmul);
  vskd::defineFunction(env, exports, "setThreads", setThreads);
  vskd::defineFunction(env, exports, "onednnVersion", version);
}

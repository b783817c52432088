// Reading a call's arguments in the addon's functions: Float32Array views (of the wasm heap) and numbers.
#pragma once
#include <node_api.h>

#include <string>

namespace vskd {

inline bool throwError(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return false;
}

// A Float32Array's memory; false (with an error thrown) for anything else.
inline bool float32View(napi_env env, napi_value value, float** data, size_t* length) {
  bool isTypedArray = false;
  napi_is_typedarray(env, value, &isTypedArray);
  napi_typedarray_type type = napi_int8_array;
  void* raw = nullptr;
  if (isTypedArray) napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr);
  if (!isTypedArray || type != napi_float32_array) return throwError(env, "vskd native: expected a Float32Array");
  *data = static_cast<float*>(raw);
  return true;
}

// Exactly `count` arguments into `argv`.
inline bool arguments(napi_env env, napi_callback_info info, size_t count, napi_value* argv, const char* what) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != count) return throwError(env, std::string("vskd native: ") + what + " takes " + std::to_string(count) + " arguments");
  return true;
}

// The call of a kernel on three tensors: (Float32Array, Float32Array, Float32Array, shape), the shape an
// array of `count` integers. Errors name `what`.
inline bool kernelCall(napi_env env, napi_callback_info info, const std::string& what, float** data, size_t* lengths, int32_t* shape, uint32_t count) {
  napi_value argv[4];
  if (!arguments(env, info, 4, argv, what.c_str())) return false;
  for (int i = 0; i < 3; i++) {
    if (!float32View(env, argv[i], &data[i], &lengths[i])) return false;
  }
  bool isArray = false;
  uint32_t length = 0;
  napi_is_array(env, argv[3], &isArray);
  if (isArray) napi_get_array_length(env, argv[3], &length);
  if (length != count) return throwError(env, what + ": the shape has " + std::to_string(count) + " numbers");
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    napi_get_element(env, argv[3], i, &element);
    if (napi_get_value_int32(env, element, &shape[i]) != napi_ok) return throwError(env, what + ": the shape holds integers");
  }
  return true;
}

inline void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback callback) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

void defineConvolutions(napi_env env, napi_value exports);
void defineBatchNorm(napi_env env, napi_value exports);
void definePooling(napi_env env, napi_value exports);

}  // namespace vskd

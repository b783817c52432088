/** The API's base64 arrays (little-endian floats, see main/api/contract.ts) as typed arrays. */

/** the browser's own decoder (Chromium 140+, so every Electron build of the studio); older browsers in the web mode go by hand */
const native = Uint8Array as { fromBase64?: (base64: string) => Uint8Array<ArrayBuffer> };

function bytesOf(base64: string): ArrayBuffer {
  if (native.fromBase64) return native.fromBase64(base64).buffer;
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes.buffer;
}

export const float32s = (base64: string): Float32Array => new Float32Array(bytesOf(base64));
export const float64s = (base64: string): Float64Array => new Float64Array(bytesOf(base64));

/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, synchronous: the one implementation behind the
 * Stack's input checksum and name suffixes and the runtime's step checksums.
 *
 * Step checksums hash a few hundred small strings per run. `node:crypto` would do it natively,
 * but loading it costs Deno's Node compatibility layer ~20 ms at start-up, more than every hash
 * of a 40-app Dokkufile together; a no-op rerun would spend most of its time on it (and the
 * compile path would pay it too). Large inputs
 * (build-context archives) use Web Crypto instead ({@linkcode sha256HexAsync}), which is native and
 * loads nothing. `test/hash_sha256_test.ts` checks both against `node:crypto`.
 */

const K = Uint32Array.from([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const encoder = new TextEncoder();
const w = new Uint32Array(64);
const h = new Uint32Array(8);

/** Two hex digits per byte value: one table lookup per byte instead of a number conversion. */
const HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

function hex(words: Uint32Array): string {
  let out = "";
  for (let i = 0; i < 8; i++) {
    const word = words[i] as number;
    out += (HEX[word >>> 24] as string) + (HEX[(word >>> 16) & 0xff] as string) +
      (HEX[(word >>> 8) & 0xff] as string) + (HEX[word & 0xff] as string);
  }
  return out;
}

/**
 * The padded message, reused from call to call (grown when needed): a plan hashes hundreds of
 * strings, and a fresh buffer (plus an encoded copy) for each is garbage to collect.
 */
let scratch = new Uint8Array(4096);

/** Lower-case hex SHA-256 of a string (as UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; 72 more for the padding.
  const room = (typeof data === "string" ? data.length * 3 : data.length) + 72;
  if (scratch.length < room) scratch = new Uint8Array(Math.max(room, scratch.length * 2));
  const padded = scratch;
  let length: number;
  if (typeof data === "string") {
    length = encoder.encodeInto(data, padded).written;
  } else {
    padded.set(data);
    length = data.length;
  }
  const end = ((length + 9 + 63) >>> 6) << 6;
  padded.fill(0, length, end);
  padded[length] = 0x80;
  const high = Math.floor(length / 0x20000000);
  const low = (length << 3) >>> 0;
  padded[end - 8] = high >>> 24;
  padded[end - 7] = high >>> 16;
  padded[end - 6] = high >>> 8;
  padded[end - 5] = high;
  padded[end - 4] = low >>> 24;
  padded[end - 3] = low >>> 16;
  padded[end - 2] = low >>> 8;
  padded[end - 1] = low;
  h[0] = 0x6a09e667;
  h[1] = 0xbb67ae85;
  h[2] = 0x3c6ef372;
  h[3] = 0xa54ff53a;
  h[4] = 0x510e527f;
  h[5] = 0x9b05688c;
  h[6] = 0x1f83d9ab;
  h[7] = 0x5be0cd19;
  for (let offset = 0; offset < end; offset += 64) {
    // Big-endian words, read byte by byte (a DataView call per word is slower until optimized).
    for (let i = 0, j = offset; i < 16; i++, j += 4) {
      w[i] = ((padded[j] as number) << 24) | ((padded[j + 1] as number) << 16) |
        ((padded[j + 2] as number) << 8) | (padded[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let a = h[0] as number, b = h[1] as number, c = h[2] as number, d = h[3] as number;
    let e = h[4] as number, f = h[5] as number, g = h[6] as number, k = h[7] as number;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] as number) + a;
    h[1] = (h[1] as number) + b;
    h[2] = (h[2] as number) + c;
    h[3] = (h[3] as number) + d;
    h[4] = (h[4] as number) + e;
    h[5] = (h[5] as number) + f;
    h[6] = (h[6] as number) + g;
    h[7] = (h[7] as number) + k;
  }
  return hex(h);
}

/** Lower-case hex SHA-256 of bytes, computed natively by Web Crypto (for large inputs). */
export async function sha256HexAsync(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  let out = "";
  for (const byte of new Uint8Array(digest)) out += byte.toString(16).padStart(2, "0");
  return out;
}

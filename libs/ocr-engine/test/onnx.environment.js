// A Jest environment for specs that run onnxruntime-node. The native binding builds output
// tensors from typed arrays of Node's own realm, and onnxruntime-common then checks them with
// `instanceof Float32Array` against the sandbox's constructor, which is another one; sharing
// Node's typed-array constructors with the sandbox makes both sides agree.
const { TestEnvironment } = require('jest-environment-node');

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OnnxEnvironment;

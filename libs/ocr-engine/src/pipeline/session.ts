/** A model the stages run: one float32 input tensor in, one float32 output tensor out. */
export interface ModelRunner {
  run(input: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }>;
}

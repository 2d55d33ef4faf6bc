/**
 * The sampler's thread (bundled as dist/samplerWorker.js): runs a `Sampler` off the extension
 * host's event loop, so that reading /proc every 7 ms never delays the host's own work (and
 * the host's work never delays a sample). Driven by `SamplerThread` (samplerThread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Sampler, type SamplerOptions } from './sampler';
import type { SamplerCommand, SamplerReply, SamplerWorkerData } from './samplerThread';

const data = workerData as SamplerWorkerData;
const sampler = new Sampler(data.dir, BigInt(data.epochNs), data.options as SamplerOptions);
const port = parentPort!;

port.on('message', (command: SamplerCommand) => {
  if (command.type === 'start') {
    sampler.start(command.pid);
  } else {
    // The last sample, the final SamplerInfo and the flush are written before the reply.
    sampler.stop();
    port.postMessage({ type: 'stopped' } satisfies SamplerReply);
    port.close();
  }
});
// Booted: the host can start the program now, and its first sample comes right after spawn.
port.postMessage({ type: 'ready' } satisfies SamplerReply);

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/** V8's collector, exposed for this process if it was not started with `--expose-gc` (as Jest's leak detector does). */
function collector(): () => void {
  if (collect) return collect;
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") collect = () => void exposed();
  else {
    setFlagsFromString("--expose-gc");
    const fresh: unknown = runInNewContext("gc");
    if (typeof fresh !== "function") throw new Error(`compact-heap: V8 gave no collector (got ${typeof fresh})`);
    collect = () => void fresh();
  }
  return collect;
}

/**
 * One full collection that moves every live object together, so the pages a large build filled
 * with short-lived arrays go back to the system. An ordinary full collection frees the objects
 * but moves only nearly empty pages: at 100,000 entries the heap kept twice the memory it used
 * (1.1 GB reserved, 0.6 GB live), and this brought the process from 2.0 to 1.5 GB. About 50 ms at
 * 1,000 entries, 0.2 s at 10,000, 1.8 s at 100,000; the event loop waits meanwhile.
 */
export function compactHeap(): void {
  const gc = collector();
  setFlagsFromString("--compact-on-every-full-gc");
  try {
    gc();
  } finally {
    setFlagsFromString("--no-compact-on-every-full-gc");
  }
}

/** LoopbackPool hands out a distinct 127.0.x.y address for each pod of a run. */
export interface LoopbackPool {
  next(): string;
}

/**
 * createLoopbackPool starts each run at a random 127.0.x.0 block (so concurrent
 * runs rarely share addresses; ports are picked free anyway) and counts up
 * from there; every 127.x address is bindable on Linux without setup.
 */
export function createLoopbackPool(seed = Math.floor(Math.random() * 250)): LoopbackPool {
  let n = (1 + (seed % 250)) * 254;
  return {
    next() {
      const third = 1 + (Math.floor(n / 254) % 254);
      const fourth = 1 + (n % 254);
      n += 1;
      return `127.0.${third}.${fourth}`;
    },
  };
}
